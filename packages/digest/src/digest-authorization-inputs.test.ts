// What digestAuthorization takes and refuses: the cnonce a qop answer must
// carry and an RFC 2069 answer must not need, the password's encoding, and
// arguments of the wrong type. Checked against node:crypto, written from RFC 7616 §3.4.
import { createHash } from 'node:crypto';
import { type AuthError, isAuthError, parseCredentials } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { digestAuthorization } from './digest-authorization.js';

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');
const base = { method: 'GET', uri: '/x', username: 'Mufasa', password: 'Circle of Life', cnonce: 'c', nc: 1 };
const params = (header: string): Record<string, string> => parseCredentials(header).params;

function thrownAuthError(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (error) {
    if (isAuthError(error)) return error;
    throw error;
  }
  throw new Error('no AuthError thrown');
}

describe('digestAuthorization: the cnonce', () => {
  it.each([
    ['qop=auth', { realm: 'r', nonce: 'n', qop: 'auth' }],
    ['qop=auth-int', { realm: 'r', nonce: 'n', qop: 'auth-int' }],
    ['MD5-sess without qop', { realm: 'r', nonce: 'n', algorithm: 'MD5-sess' }],
  ])('refuses an empty or missing cnonce for %s (RFC 7616 §3.4: the cnonce is hashed in)', (_, challenge) => {
    for (const cnonce of ['', undefined]) {
      const error = thrownAuthError(() => digestAuthorization({ ...base, cnonce, challenge }));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toContain('cnonce');
    }
  });

  it('answers an RFC 2069 challenge (no qop, no -sess) without a cnonce, and sends no cnonce, qop or nc', () => {
    const header = digestAuthorization({ ...base, cnonce: undefined, challenge: { realm: 'r', nonce: 'n' } });
    const sent = params(header);
    expect(Object.keys(sent).sort()).toEqual(['nonce', 'realm', 'response', 'uri', 'username']);
    // RFC 2069: response = H(HA1 ":" nonce ":" HA2).
    expect(sent.response).toBe(md5(`${md5('Mufasa:r:Circle of Life')}:n:${md5('GET:/x')}`));
    // A cnonce given anyway is neither sent nor hashed.
    expect(digestAuthorization({ ...base, cnonce: 'ignored', challenge: { realm: 'r', nonce: 'n' } })).toBe(header);
  });

  it('sends the cnonce of an RFC 2069 -sess answer, which its HA1 takes', () => {
    const sent = params(digestAuthorization({ ...base, challenge: { realm: 'r', nonce: 'n', algorithm: 'MD5-sess' } }));
    expect(sent.cnonce).toBe('c');
    expect(sent.qop).toBeUndefined();
    expect(sent.nc).toBeUndefined();
    const ha1 = md5(`${md5('Mufasa:r:Circle of Life')}:n:c`);
    expect(sent.response).toBe(md5(`${ha1}:n:${md5('GET:/x')}`));
  });
});

describe('digestAuthorization: a non-ASCII password is hashed as UTF-8', () => {
  // Every character at or below U+00FF: one octet each in Latin-1, but the
  // documented encoding (and the test server's, and curl's) is UTF-8.
  it.each([
    ['pässwörd', 'Mufasa', 'r'],
    ['ÿ', 'Mufasa', 'r'],
    ['pässwörd', 'Jäsøn', 'r'],
  ])('password %j, username %j', (password, username) => {
    const challenge = { realm: 'r', nonce: 'n', qop: 'auth' };
    const sent = params(digestAuthorization({ ...base, username, password, challenge }));
    const ha1 = md5(Buffer.from(`${username}:r:${password}`, 'utf8'));
    expect(sent.response).toBe(md5(`${ha1}:n:00000001:c:auth:${md5('GET:/x')}`));
  });
});

describe('digestAuthorization: arguments of the wrong type', () => {
  const challenge = { realm: 'r', nonce: 'n', qop: 'auth' };
  it.each([
    'method',
    'uri',
    'username',
    'password',
  ] as const)('a %s that is not a string is ERR_INVALID_ARGUMENT naming it', (name) => {
    for (const bad of [undefined, null, 1, ['GET'], new String('x')]) {
      const error = thrownAuthError(() => digestAuthorization({ ...base, challenge, [name]: bad as never }));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toContain(name);
    }
  });

  it('a challenge that is not an object is ERR_INVALID_ARGUMENT', () => {
    for (const bad of [undefined, null, 'Digest realm="r", nonce="n"', 1]) {
      const error = thrownAuthError(() => digestAuthorization({ ...base, challenge: bad as never }));
      expect(error.code).toBe('ERR_INVALID_ARGUMENT');
      expect(error.message).toContain('challenge');
    }
  });

  it('skips challenge parameters that are not strings, and reads names in any case', () => {
    const header = digestAuthorization({
      ...base,
      cnonce: undefined,
      challenge: { Realm: 'r', NONCE: 'n', qop: 1, opaque: null } as never,
    });
    const sent = params(header);
    expect(sent.realm).toBe('r');
    expect(sent.nonce).toBe('n');
    expect(sent.qop).toBeUndefined();
    expect(sent.opaque).toBeUndefined();
  });

  it('a parsed Challenge of another scheme is refused, naming the scheme', () => {
    const error = thrownAuthError(() =>
      digestAuthorization({ ...base, challenge: { scheme: 'Basic', params: { realm: 'r', nonce: 'n' } } }),
    );
    expect(error.code).toBe('ERR_INVALID_CHALLENGE');
    expect(error.message).toContain('Basic');
  });
});
