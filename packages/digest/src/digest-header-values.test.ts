// Values digestAuthorization takes from the caller or the server and puts in
// the header or the hashes: each one alone is escaped or refused (no header
// injection), hashed as the octets that go on the wire, and a challenge of an
// odd shape is an AuthError, never a crash. Checked against node:crypto.
import { createHash } from 'node:crypto';
import { isAuthError, parseCredentials } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { digestAuthorization } from './digest-authorization.js';

const md5 = (data: string | Buffer): string => createHash('md5').update(data).digest('hex');
const base = { method: 'GET', uri: '/x', username: 'u', password: 'p', cnonce: 'c', nc: 1 };
const challenge = { realm: 'r', nonce: 'n', qop: 'auth' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAuthError(error) ? error.code : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}

describe('digestAuthorization: each quoted value on its own', () => {
  it('a cnonce with CR, LF or NUL is ERR_HEADER_INJECTION, however plain the rest', () => {
    for (const cnonce of ['a\r\nX-Injected: 1', 'a\nb', 'a\u0000b']) {
      expect(codeOf(() => digestAuthorization({ ...base, cnonce, challenge }))).toBe('ERR_HEADER_INJECTION');
    }
  });

  it('a cnonce with a quote or backslash is escaped, and parses back to itself', () => {
    const header = digestAuthorization({ ...base, cnonce: 'a"b\\c', challenge });
    expect(header).toContain('cnonce="a\\"b\\\\c"');
    expect(parseCredentials(header).params.cnonce).toBe('a"b\\c');
  });

  it('an opaque with a quote or backslash is echoed escaped, however plain the rest', () => {
    const header = digestAuthorization({ ...base, challenge: { ...challenge, opaque: 'o"p\\q' } });
    expect(parseCredentials(header).params.opaque).toBe('o"p\\q');
  });

  it('a cnonce of characters at or below U+00FF is hashed as the octets it goes out as (one each)', () => {
    // Fetch's Headers sends each such character as one octet; the server hashes what it received.
    const header = digestAuthorization({ ...base, cnonce: 'cé', challenge });
    const cnonce = Buffer.from('cé', 'latin1');
    const expected = md5(
      Buffer.concat([Buffer.from(`${md5('u:r:p')}:n:00000001:`), cnonce, Buffer.from(`:auth:${md5('GET:/x')}`)]),
    );
    expect(parseCredentials(header).params.response).toBe(expected);
  });
});

describe('digestAuthorization: header-borne values hashed as the octets they came as', () => {
  it.each([
    ['nonce', { challenge: { ...challenge, nonce: 'né' } }],
    ['uri', { uri: '/é' }],
    ['method', { method: 'GÉT' }],
  ])('a %s with characters at or below U+00FF: one octet each, not UTF-8', (name, change) => {
    const input = { ...base, challenge, ...change };
    const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
    const nonce = latin1(input.challenge.nonce);
    const ha2 = md5(latin1(`${input.method}:${input.uri}`));
    const expected = md5(Buffer.concat([latin1(`${md5('u:r:p')}:`), nonce, latin1(`:00000001:c:auth:${ha2}`)]));
    expect([name, parseCredentials(digestAuthorization(input)).params.response]).toEqual([name, expected]);
  });
});

describe('digestAuthorization: challenges of an odd shape', () => {
  it('a Challenge whose params is null is ERR_INVALID_CHALLENGE, not a crash', () => {
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { scheme: 'Digest', params: null } as never }))).toBe(
      'ERR_INVALID_CHALLENGE',
    );
  });

  it('a Challenge without its scheme is read as parameters (one named params is not a string): ERR_INVALID_CHALLENGE', () => {
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { params: challenge } as never }))).toBe(
      'ERR_INVALID_CHALLENGE',
    );
  });

  it('parameters that include one named scheme are parameters, answered as such', () => {
    const header = digestAuthorization({ ...base, challenge: { ...challenge, scheme: 'x' } });
    expect(parseCredentials(header).params).toMatchObject({ realm: 'r', nonce: 'n', qop: 'auth' });
  });
});
