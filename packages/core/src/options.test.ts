import { describe, expect, it } from 'vitest';
import { isAuthError } from './errors.js';
import { checkOptions, MAX_LEGS_RULE } from './options.js';

const rules = { maxLegs: MAX_LEGS_RULE, mode: [(v: unknown) => v === 'a' || v === 'b', "'a' or 'b'"] } as const;

const failure = (options: unknown) => {
  try {
    checkOptions('thing', options, rules);
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : error;
  }
  return undefined;
};

describe('checkOptions', () => {
  it('accepts known options with valid values, undefined values and no options', () => {
    expect(failure({ maxLegs: 1, mode: 'b' })).toBeUndefined();
    expect(failure({ maxLegs: undefined })).toBeUndefined();
    expect(failure(undefined)).toBeUndefined();
    expect(failure({})).toBeUndefined();
  });

  it('names an unknown option and the known ones', () => {
    expect(failure({ algorithm: 'SHA-256' })).toBe(
      'ERR_INVALID_ARGUMENT: thing has no option "algorithm" (known: maxLegs, mode)',
    );
    // An inherited name is no option either.
    expect(failure({ toString: 1 })).toMatch(/no option "toString"/);
  });

  it('names an invalid value without echoing it', () => {
    expect(failure({ maxLegs: 0 })).toBe('ERR_INVALID_ARGUMENT: thing option maxLegs must be an integer of at least 1');
    expect(failure({ maxLegs: 1.5 })).toMatch(/maxLegs/);
    expect(failure({ maxLegs: '5' })).toMatch(/maxLegs/);
    expect(failure({ mode: 'secret-value' })).not.toMatch(/secret-value/);
  });

  it('refuses options that are not an object', () => {
    for (const bad of [null, 5, 'x', []])
      expect(failure(bad)).toBe('ERR_INVALID_ARGUMENT: thing options must be an object');
  });
});
