import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { BasicAuth } from './basic-auth.js';
import { basicCredentials } from './credentials.js';

/** The error `make` throws. */
function thrown(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
}

const base64 = (pair: string, charset: BufferEncoding) => Buffer.from(pair, charset).toString('base64');

describe('basicCredentials', () => {
  it('encodes characters above U+00FF in UTF-8', () => {
    expect(basicCredentials('Jäsøn€', 'p€ss')).toBe(base64('Jäsøn€:p€ss', 'utf8'));
    expect(basicCredentials('Jäsøn€', 'p€ss', 'utf-8')).toBe(base64('Jäsøn€:p€ss', 'utf8'));
  });

  it('encodes U+00FF, the last latin1 character, as one octet in latin1', () => {
    expect(basicCredentials('ÿ', 'ÿ', 'latin1')).toBe(base64('ÿ:ÿ', 'latin1'));
    const request = { method: 'GET', url: 'http://a.test/', headers: new Headers() };
    new BasicAuth('ÿ', 'ÿ', { charset: 'latin1' }).authorize(request);
    expect(request.headers.get('authorization')).toBe(`Basic ${base64('ÿ:ÿ', 'latin1')}`);
  });

  it('encodes credentials longer than 32 KiB in UTF-8 whole', () => {
    const password = 'é'.repeat(40_000);
    expect(basicCredentials('u', password)).toBe(base64(`u:${password}`, 'utf8'));
  });

  it('refuses a charset it does not know instead of encoding UTF-8', () => {
    for (const charset of ['ISO-8859-1', 'UTF-8', '', 'koi8']) {
      const error = thrown(() => basicCredentials('u', 'p', charset as never));
      expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
      expect((error as Error).message).toBe(`Unknown Basic charset ${JSON.stringify(charset)}`);
    }
  });
});

describe('credentials RFC 7617 §2 forbids', () => {
  it.each([
    ['a colon in the user-id', 'ab:c', 'secret', 'utf-8', 2, /^Basic username has a ':' at position 2 /],
    ['CR in the password', 'u', 'se\rcret', 'utf-8', 2, /^Basic password has a control character at position 2$/],
    ['NUL after an emoji in the password (UTF-16 positions)', 'u', 'secret😀\0', 'utf-8', 8, /position 8$/],
    ['DEL in the user-id', 'ab\x7f', 'secret', 'utf-8', 2, /^Basic username has a control character at position 2$/],
    ['€ in the password with latin1', 'u', 'sec€ret', 'latin1', 3, /^Basic password has a character at position 3 /],
  ] as const)('are refused naming the position of %s', (_what, username, password, charset, position, message) => {
    for (const make of [
      () => basicCredentials(username, password, charset),
      () => new BasicAuth(username, password, { charset }),
    ]) {
      const error = thrown(make);
      expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
      expect(isAuthError(error) && error.position).toBe(position);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
