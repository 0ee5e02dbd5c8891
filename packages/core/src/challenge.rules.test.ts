import { describe, expect, it } from 'vitest';
import { parseAuthParams, parseChallenges, parseCredentials } from './index.js';

/** `run` throws an AuthError with exactly this code, message and position. */
function rejects(
  run: () => unknown,
  message: string,
  position: number | undefined,
  code = 'ERR_CHALLENGE_SYNTAX',
): void {
  expect(run).toThrow(expect.objectContaining({ name: 'AuthError', code, message, position }));
}

describe('error messages: where the fault is', () => {
  it('names only the position for a single header value', () => {
    rejects(() => parseChallenges('Basic realm=x y'), 'Expected "," after the parameter at position 14', 14);
  });

  it('names the header line too for an array of lines, counting lines from 0', () => {
    rejects(
      () => parseChallenges(['Basic realm=x y']),
      'Expected "," after the parameter at position 14 of header line 0',
      14,
    );
    rejects(
      () => parseChallenges(['Basic realm=x', 'a=b c']),
      'Expected "," after the parameter at position 4 of header line 1',
      4,
    );
  });

  it('names only the position for parseAuthParams and parseCredentials', () => {
    rejects(() => parseAuthParams('a=x y'), 'Expected "," after the parameter at position 4', 4);
    rejects(
      () => parseCredentials('Basic a=x y'),
      'Expected "," after the parameter at position 10',
      10,
      'ERR_CREDENTIALS_SYNTAX',
    );
  });

  it('refuses empty credentials with "Expected an auth-scheme" at their end', () => {
    rejects(() => parseCredentials(''), 'Expected an auth-scheme at position 0', 0, 'ERR_CREDENTIALS_SYNTAX');
    rejects(() => parseCredentials(' , '), 'Expected an auth-scheme at position 3', 3, 'ERR_CREDENTIALS_SYNTAX');
  });

  it('refuses a second auth-scheme in credentials', () => {
    rejects(
      () => parseCredentials('Basic, Bearer'),
      'A second auth-scheme where one set of credentials was expected at position 7',
      7,
      'ERR_CREDENTIALS_SYNTAX',
    );
  });
});

describe('tokens: what may start a list element', () => {
  it('expects an auth-scheme where a challenge may start', () => {
    rejects(() => parseChallenges('"x"'), 'Unexpected character, expected an auth-scheme, at position 0', 0);
    rejects(
      () => parseChallenges('Basic realm=x, "y"'),
      'Unexpected character, expected an auth-scheme, at position 15',
      15,
    );
  });

  it('expects a parameter name in a bare auth-param list', () => {
    rejects(() => parseAuthParams('"x"'), 'Unexpected character, expected a parameter name, at position 0', 0);
    rejects(() => parseAuthParams('a=b, =c'), 'Unexpected character, expected a parameter name, at position 5', 5);
  });

  it('expects a parameter name right after "scheme 1*SP" when no token68 follows', () => {
    rejects(() => parseChallenges('Basic "x"'), 'Unexpected character, expected a parameter name, at position 6', 6);
  });

  it('refuses an auth-scheme followed by neither a space nor a comma', () => {
    rejects(() => parseChallenges('Basic"x"'), 'Expected a space or "," after the auth-scheme at position 5', 5);
  });

  it('refuses a parameter before any auth-scheme, "scheme =" included (BWS makes it a parameter)', () => {
    for (const value of ['realm=x', 'Basic =']) {
      rejects(
        () => parseChallenges(value),
        'Parameter without an auth-scheme before it (or after a token68) at position 0',
        0,
      );
    }
  });

  it('refuses a parameter name without "="', () => {
    rejects(() => parseAuthParams('a b'), 'Expected "=" after the parameter name at position 2', 2);
    rejects(() => parseChallenges('Basic realm "x"'), 'Expected "=" after the parameter name at position 12', 12);
  });

  it('refuses a parameter without a value', () => {
    rejects(() => parseAuthParams('a=,'), 'Expected a token or quoted-string as the parameter value at position 2', 2);
  });

  it('keeps parameter names that differ from a well-known name only in their first character', () => {
    const params = parseAuthParams('6lgorithm=x, 8harset=y');
    expect(Object.keys(params)).toEqual(['6lgorithm', '8harset']);
    expect({ ...parseChallenges('Xasic, Basic')[0] }).toEqual({ scheme: 'xasic', params: {} });
  });
});

describe('parameter names: each once per challenge', () => {
  it('refuses a repeated name, compared case-insensitively, at the repeat', () => {
    rejects(() => parseAuthParams('realm=a, Realm=b'), 'Duplicate parameter "realm" at position 9', 9);
  });
});

describe('quoted-string and quoted-pair (RFC 9110 §5.6.4)', () => {
  it('refuses a control character in a quoted-string without quoted-pairs', () => {
    rejects(() => parseAuthParams('a="x\x01"'), 'Invalid character in a quoted-string at position 4', 4);
  });

  it('reports a control character in a later quoted-string at its own position, past the clean ones before it', () => {
    rejects(
      () => parseChallenges('Digest realm="ok", nonce="a\x7fb"'),
      'Invalid character in a quoted-string at position 27',
      27,
    );
    rejects(() => parseAuthParams('a="x", b="y", c="\x00"'), 'Invalid character in a quoted-string at position 17', 17);
  });

  it('refuses a control character in a quoted-string with a quoted-pair', () => {
    rejects(() => parseAuthParams('a="\\x\x01"'), 'Invalid character in a quoted-string at position 5', 5);
  });

  it('refuses an unterminated quoted-string, at its opening quote', () => {
    rejects(() => parseAuthParams('a="x'), 'Unterminated quoted-string starting at position 2', 2);
    rejects(() => parseAuthParams('a="\\xy'), 'Unterminated quoted-string starting at position 2', 2);
    rejects(() => parseAuthParams('a="x\\'), 'Unterminated quoted-string starting at position 2', 2);
  });

  it('refuses a control character or DEL after a backslash', () => {
    rejects(() => parseAuthParams('a="\\\x01"'), 'Invalid character after a backslash at position 4', 4);
    rejects(() => parseAuthParams('a="\\\x7f"'), 'Invalid character after a backslash at position 4', 4);
  });

  it('accepts "~", SP, HTAB and obs-text after a backslash', () => {
    expect(parseAuthParams('a="\\~"').a).toBe('~');
    expect(parseAuthParams('a="\\ \\\t"').a).toBe(' \t');
    expect(parseAuthParams('a="\\\x80\\\xff"').a).toBe('\x80\xff');
  });

  it('accepts obs-text as qdtext beside a quoted-pair', () => {
    expect(parseAuthParams('a="\\"\x80\xff"').a).toBe('"\x80\xff');
  });
});

describe('argument checks', () => {
  it('refuses a negative maxLength', () => {
    rejects(
      () => parseChallenges('Basic', { maxLength: -1 }),
      'maxLength must be a number of characters, 0 or more',
      undefined,
      'ERR_INVALID_ARGUMENT',
    );
  });

  it('refuses values that are not strings, naming what was wrong', () => {
    rejects(
      () => parseAuthParams(1 as unknown as string),
      'The header value must be a string',
      undefined,
      'ERR_INVALID_ARGUMENT',
    );
    rejects(
      () => parseCredentials(1 as unknown as string),
      'The header value must be a string',
      undefined,
      'ERR_INVALID_ARGUMENT',
    );
    rejects(
      () => parseChallenges(['Basic', 1 as unknown as string]),
      'Each header line must be a string',
      undefined,
      'ERR_INVALID_ARGUMENT',
    );
    rejects(
      () => parseChallenges(1 as unknown as string),
      'parseChallenges takes a header value or an array of header lines',
      undefined,
      'ERR_INVALID_ARGUMENT',
    );
  });
});
