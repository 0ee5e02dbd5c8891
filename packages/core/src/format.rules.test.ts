// The header-injection and grammar rules of the formatters, pinned by the
// exact code, message and position each refusal carries: a message names the
// place, never the value (it may be a password).
import { describe, expect, it } from 'vitest';
import { isAuthError } from './errors.js';
import { assertHeaderSafe, formatChallenge, formatCredentials, quoteString } from './format.js';

/** What `run` throws, as `code: message` (and `@position` when it has one). */
const refusal = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    if (!isAuthError(error)) return `not an AuthError: ${String(error)}`;
    return `${error.code}: ${error.message}${error.position === undefined ? '' : ` @${error.position}`}`;
  }
  return undefined;
};

describe('assertHeaderSafe', () => {
  it.each([
    [
      'a CR at the very start',
      '\r\nX-Evil: 1',
      'ERR_HEADER_INJECTION: realm contains a CR, LF or NUL at position 0 @0',
    ],
    ['a NUL at the end', 'abc\0', 'ERR_HEADER_INJECTION: realm contains a CR, LF or NUL at position 3 @3'],
    ['a number', 1, 'ERR_INVALID_ARGUMENT: realm must be a string'],
    ['undefined', undefined, 'ERR_INVALID_ARGUMENT: realm must be a string'],
  ])('refuses %s', (_name, value, expected) => {
    expect(refusal(() => assertHeaderSafe(value as string, 'realm'))).toBe(expected);
  });
});

describe('quoteString', () => {
  it('refuses what is not a string, saying so', () => {
    expect(refusal(() => quoteString(undefined as never))).toBe(
      'ERR_INVALID_ARGUMENT: A quoted value must be a string',
    );
  });

  it('names the position of a control character in the message and on the error', () => {
    expect(refusal(() => quoteString('ab"\u0001'))).toBe(
      'ERR_HEADER_INJECTION: A quoted value contains a control character at position 3 @3',
    );
  });
});

describe('formatChallenge / formatCredentials refusals', () => {
  it.each<[string, () => unknown, string]>([
    [
      'a string for a challenge',
      () => formatChallenge('Basic' as never),
      'ERR_INVALID_ARGUMENT: Challenge must be an object',
    ],
    ['null credentials', () => formatCredentials(null as never), 'ERR_INVALID_ARGUMENT: Credentials must be an object'],
    [
      'a bad scheme',
      () => formatChallenge({ scheme: 'a b', params: {} }),
      'ERR_INVALID_ARGUMENT: Challenge scheme must be a token',
    ],
    [
      'null params',
      () => formatChallenge({ scheme: 'Basic', params: null as never }),
      'ERR_INVALID_ARGUMENT: Challenge params must be an object',
    ],
    [
      'string params',
      () => formatCredentials({ scheme: 'Basic', params: 'realm=x' as never }),
      'ERR_INVALID_ARGUMENT: Credentials params must be an object',
    ],
    [
      'a token68 beside parameters',
      () => formatChallenge({ scheme: 'Basic', token68: 'abc', params: { realm: 'x' } }),
      'ERR_INVALID_ARGUMENT: Challenge has both a token68 and parameters',
    ],
    [
      'a CRLF in a token68',
      () => formatCredentials({ scheme: 'Basic', token68: 'ab\r\nX: y', params: {} }),
      'ERR_HEADER_INJECTION: Credentials token68 contains a CR, LF or NUL at position 2 @2',
    ],
    [
      'a token68 outside its grammar',
      () => formatChallenge({ scheme: 'Basic', token68: 'a b', params: {} }),
      'ERR_INVALID_ARGUMENT: Challenge token68 is not a token68',
    ],
    [
      'a parameter name that is no token',
      () => formatChallenge({ scheme: 'Basic', params: { realm: 'x', 'b c': 'y' } }),
      'ERR_INVALID_ARGUMENT: Challenge parameter name at index 1 is not a token',
    ],
    [
      'a value that is no string',
      () => formatCredentials({ scheme: 'Digest', params: { nc: 1 as never } }),
      'ERR_INVALID_ARGUMENT: Credentials parameter "nc" must be a string',
    ],
    [
      'a token parameter that is no token',
      () => formatCredentials({ scheme: 'Digest', params: { qop: 'a b' } }, { tokenParams: ['qop'] }),
      'ERR_INVALID_ARGUMENT: Credentials parameter "qop" must be a token',
    ],
    [
      'a CRLF in a token parameter',
      () => formatCredentials({ scheme: 'Digest', params: { nc: '1\r\n' } }, { tokenParams: ['nc'] }),
      'ERR_HEADER_INJECTION: Credentials parameter "nc" contains a CR, LF or NUL at position 1 @1',
    ],
    [
      'names that differ only in case',
      () => formatChallenge({ scheme: 'Basic', params: { realm: 'a', REALM: 'b' } }),
      'ERR_INVALID_ARGUMENT: Challenge has two parameters whose names differ only in case',
    ],
  ])('refuses %s, naming the place', (_name, run, expected) => {
    expect(refusal(run)).toBe(expected);
  });
});

describe('formatChallenge / formatCredentials', () => {
  it('formats a scheme given without params as the scheme alone', () => {
    expect(formatChallenge({ scheme: 'Negotiate' } as never)).toBe('Negotiate');
    expect(formatCredentials({ scheme: 'Negotiate', token68: 'abc==' } as never)).toBe('Negotiate abc==');
  });

  it('quotes every value when the options name no token parameters', () => {
    expect(formatCredentials({ scheme: 'Digest', params: { qop: 'auth' } }, {})).toBe('Digest qop="auth"');
    expect(formatChallenge({ scheme: 'Digest', params: { qop: 'auth' } }, { tokenParams: [] })).toBe(
      'Digest qop="auth"',
    );
  });
});
