import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { AuthError, isAuthError } from './errors.js';

describe('AuthError', () => {
  it('carries a code, a position and a literal name', () => {
    const error = new AuthError('ERR_CHALLENGE_SYNTAX', 'bad', { position: 3 });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AuthError');
    expect(error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect(error.position).toBe(3);
  });

  it('is recognised across copies of the package and across realms', () => {
    const brand = Symbol.for('authbelt.AuthError');
    const foreign = runInNewContext(
      'const e = new Error("x"); e.code = "ERR_REDIRECT"; Object.defineProperty(e, brand, { value: true }); e',
      { brand },
    );
    expect(foreign instanceof AuthError).toBe(false);
    expect(isAuthError(foreign)).toBe(true);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(isAuthError({ code: 'ERR_REDIRECT' })).toBe(false);
    expect(isAuthError(null)).toBe(false);
  });

  it('carries the cause it is given, and has none when none is given (an undefined cause is none)', () => {
    const cause = new Error('underneath');
    expect(new AuthError('ERR_TOKEN_PROVIDER', 'provider failed', { cause }).cause).toBe(cause);
    expect('cause' in new AuthError('ERR_TOKEN_PROVIDER', 'provider failed', { cause: undefined })).toBe(false);
    expect('cause' in new AuthError('ERR_INVALID_ARGUMENT', 'bad', { position: 1 })).toBe(false);
  });

  it('is recognised only as an object carrying the brand and a string code', () => {
    const brand = Symbol.for('authbelt.AuthError');
    // The prototype carries the brand but is no error: it has no code.
    expect(isAuthError(AuthError.prototype)).toBe(false);
    expect(isAuthError({ [brand]: true, code: 7 })).toBe(false);
    expect(isAuthError({ [brand]: true, code: 'ERR_REDIRECT' })).toBe(true);
    // A function is no AuthError, whatever it carries.
    expect(isAuthError(Object.assign(() => {}, { [brand]: true, code: 'ERR_REDIRECT' }))).toBe(false);
  });
});
