import { createHash } from 'node:crypto';
import { isAuthError, parseCredentials } from '@authbelt/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { digestAuthorization } from './digest-authorization.js';
import { buildDigest, type DigestAuthorizationInput } from './digest-core.js';
import { hashHex as jsHashHex, hashImplementation as jsImpl } from './hash-js.js';
import { hashHex as nodeHashHex, hashImplementation as nodeImpl } from './hash-node.js';

// An independent reference, written straight from RFC 7616 §3.4 with node:crypto.
const NODE_NAMES: Record<string, string> = {
  md5: 'md5',
  'sha-256': 'sha256',
  'sha-512-256': 'sha512-256',
  'sha-512': 'sha512',
};
function reference(input: {
  algorithm: string;
  qop?: string | undefined;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  cnonce: string;
  nc: string;
  method: string;
  uri: string;
  body?: string;
}): string {
  const lower = input.algorithm.toLowerCase();
  const sess = lower.endsWith('-sess');
  const name = NODE_NAMES[sess ? lower.slice(0, -5) : lower] as string;
  const H = (s: string | Buffer) => createHash(name).update(s).digest('hex');
  let ha1 = H(`${input.username}:${input.realm}:${input.password}`);
  if (sess) ha1 = H(`${ha1}:${input.nonce}:${input.cnonce}`);
  const ha2 =
    input.qop === 'auth-int'
      ? H(`${input.method}:${input.uri}:${H(input.body ?? '')}`)
      : H(`${input.method}:${input.uri}`);
  return input.qop === undefined
    ? H(`${ha1}:${input.nonce}:${ha2}`)
    : H(`${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

const ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-512',
  'SHA-512-sess',
] as const;

const base = {
  method: 'POST',
  uri: '/api/items?x=1',
  username: 'Mufasa',
  password: 'Circle of Life',
  cnonce: '0a4f113b',
} as const;

function params(header: string): Record<string, string> {
  return parseCredentials(header).params;
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAuthError(error) ? error.code : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}

describe('digestAuthorization: every algorithm and qop against an independent reference', () => {
  const cases = ALGORITHMS.flatMap((algorithm) =>
    (['auth', 'auth-int', undefined] as const).map((qop) => [algorithm, qop ?? 'none (RFC 2069)'] as const),
  );
  it.each(cases)('%s qop=%s', (algorithm, qopName) => {
    const qop = qopName === 'none (RFC 2069)' ? undefined : qopName;
    const challenge: Record<string, string> = { realm: 'r@h', nonce: 'n0nce', algorithm };
    if (qop !== undefined) challenge.qop = qop;
    const header = digestAuthorization({ ...base, challenge, nc: 7, body: '{"a":"ä"}', qop });
    const p = params(header);
    expect(p.response).toBe(
      reference({ ...base, algorithm, qop, realm: 'r@h', nonce: 'n0nce', nc: '00000007', body: '{"a":"ä"}' }),
    );
    if (qop === undefined) {
      expect(p.qop).toBeUndefined();
      expect(p.nc).toBeUndefined();
      // A -sess A1 needs the cnonce even without qop, or the server cannot check it.
      expect(p.cnonce).toBe(algorithm.endsWith('-sess') ? base.cnonce : undefined);
    } else {
      expect(header).toContain(`qop=${qop}, nc=00000007, cnonce="0a4f113b"`);
    }
  });

  it('an absent algorithm is MD5 and none is sent back', () => {
    const header = digestAuthorization({ ...base, challenge: { realm: 'r', nonce: 'n', qop: 'auth' } });
    expect(params(header).algorithm).toBeUndefined();
    expect(params(header).response).toBe(
      reference({ ...base, algorithm: 'MD5', qop: 'auth', realm: 'r', nonce: 'n', nc: '00000001' }),
    );
  });

  it('algorithm names are case-insensitive and echoed as the server wrote them', () => {
    const header = digestAuthorization({
      ...base,
      challenge: { realm: 'r', nonce: 'n', qop: 'auth', algorithm: 'sha-256' },
    });
    expect(header).toContain('algorithm=sha-256,');
    expect(params(header).response).toBe(
      reference({ ...base, algorithm: 'SHA-256', qop: 'auth', realm: 'r', nonce: 'n', nc: '00000001' }),
    );
  });

  it('auth-int with no body hashes the empty body; bytes and strings agree', () => {
    const challenge = { realm: 'r', nonce: 'n', qop: 'auth-int' };
    const none = params(digestAuthorization({ ...base, challenge }));
    expect(none.response).toBe(
      reference({ ...base, algorithm: 'MD5', qop: 'auth-int', realm: 'r', nonce: 'n', nc: '00000001', body: '' }),
    );
    const text = digestAuthorization({ ...base, challenge, body: 'héllo' });
    const bytes = digestAuthorization({ ...base, challenge, body: new TextEncoder().encode('héllo') });
    expect(text).toBe(bytes);
  });

  it('prefers auth when both are offered, auth-int when asked', () => {
    const challenge = { realm: 'r', nonce: 'n', qop: 'auth, auth-int' };
    expect(params(digestAuthorization({ ...base, challenge })).qop).toBe('auth');
    expect(params(digestAuthorization({ ...base, challenge, qop: 'auth-int' })).qop).toBe('auth-int');
    expect(params(digestAuthorization({ ...base, challenge: { ...challenge, qop: 'auth-int' } })).qop).toBe('auth-int');
  });

  it('accepts a parsed Challenge as well as its params, with names in any case', () => {
    const a = digestAuthorization({ ...base, challenge: { scheme: 'digest', params: { realm: 'r', nonce: 'n' } } });
    const b = digestAuthorization({ ...base, challenge: { Realm: 'r', NONCE: 'n' } });
    expect(a).toBe(b);
    expect(a).toMatch(
      /^Digest username="Mufasa", realm="r", nonce="n", uri="\/api\/items\?x=1", response="[0-9a-f]{32}"$/,
    );
  });

  it('escapes quotes and backslashes in quoted values, and echoes opaque', () => {
    const header = digestAuthorization({
      ...base,
      username: 'a"b\\c',
      challenge: { realm: 'x"y', nonce: 'n', opaque: 'o"p' },
    });
    const p = params(header);
    expect(p.username).toBe('a"b\\c');
    expect(p.realm).toBe('x"y');
    expect(p.opaque).toBe('o"p');
  });

  it('hashes header-borne strings as the octets on the wire', () => {
    // A UTF-8 realm arrives through Headers as one character per octet.
    const wireRealm = Buffer.from('réalm', 'utf8').toString('latin1');
    const header = digestAuthorization({ ...base, challenge: { realm: wireRealm, nonce: 'n' } });
    const expected = createHash('md5')
      .update(
        `${createHash('md5')
          .update(Buffer.concat([Buffer.from('Mufasa:'), Buffer.from('réalm'), Buffer.from(':Circle of Life')]))
          .digest('hex')}:n:${createHash('md5').update('POST:/api/items?x=1').digest('hex')}`,
      )
      .digest('hex');
    expect(params(header).response).toBe(expected);
  });

  it('rejects what it cannot answer with the right code', () => {
    const ok = { realm: 'r', nonce: 'n', qop: 'auth' };
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { realm: 'r', qop: 'auth' } }))).toBe(
      'ERR_INVALID_CHALLENGE',
    );
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { nonce: 'n' } }))).toBe('ERR_INVALID_CHALLENGE');
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { ...ok, algorithm: 'SHA3-256' } }))).toBe(
      'ERR_UNSUPPORTED_ALGORITHM',
    );
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { ...ok, qop: 'auth-conf' } }))).toBe(
      'ERR_UNSUPPORTED_QOP',
    );
    expect(codeOf(() => digestAuthorization({ ...base, challenge: { scheme: 'basic', params: ok } }))).toBe(
      'ERR_INVALID_CHALLENGE',
    );
    expect(codeOf(() => digestAuthorization({ ...base, password: 'a\r\nb', challenge: ok }))).toBe(
      'ERR_INVALID_CREDENTIALS',
    );
    expect(codeOf(() => digestAuthorization({ ...base, cnonce: undefined, challenge: ok }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(codeOf(() => digestAuthorization({ ...base, nc: 0, challenge: ok }))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => digestAuthorization({ ...base, nc: 2 ** 32, challenge: ok }))).toBe('ERR_INVALID_ARGUMENT');
    expect(codeOf(() => digestAuthorization({ ...base, uri: '/a\r\nX: y', challenge: ok }))).toBe(
      'ERR_HEADER_INJECTION',
    );
  });

  it('formats nc as 8 lower-case hex digits', () => {
    const header = digestAuthorization({ ...base, nc: 0xabcdef12, challenge: { realm: 'r', nonce: 'n', qop: 'auth' } });
    expect(header).toContain('nc=abcdef12,');
  });
});

describe('rspauth (RFC 7616 §3.5)', () => {
  it('matches the RFC 2617 §3.5 example', () => {
    const result = buildDigest(
      {
        challenge: { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth' },
        method: 'GET',
        uri: '/dir/index.html',
        username: 'Mufasa',
        password: 'Circle Of Life',
        cnonce: '0a4f113b',
        nc: 1,
      },
      jsHashHex,
    );
    expect(result.rspauth()).toBe('376602cfd2f4e8e5e78b948a85263e85');
  });

  it('is not computed for auth-int (it covers the response body) nor without qop', () => {
    const input = { ...base, challenge: { realm: 'r', nonce: 'n', qop: 'auth-int' } };
    expect(buildDigest(input, jsHashHex).rspauth()).toBeUndefined();
    const old = { ...base, challenge: { realm: 'r', nonce: 'n' } };
    expect(buildDigest(old, jsHashHex).rspauth()).toBeUndefined();
  });
});

describe('hash implementations', () => {
  it('are the plain JavaScript and node:crypto ones', () => {
    expect(jsImpl).toBe('js');
    expect(nodeImpl).toBe('node');
  });

  const cases = ALGORITHMS.flatMap((algorithm) =>
    (['auth', 'auth-int', undefined] as const).map((qop) => [algorithm, qop] as const),
  );
  it.each(cases)('give identical headers for %s qop=%s', (algorithm, qop) => {
    const challenge: Record<string, string> = { realm: 'api@example.org', nonce: 'abc', algorithm, userhash: 'true' };
    if (qop !== undefined) challenge.qop = qop;
    const input: DigestAuthorizationInput = {
      ...base,
      username: 'Jäsøn Doe',
      password: 'Sécret ☃',
      challenge,
      body: new Uint8Array([0, 1, 2, 250, 255]),
    };
    const viaNode = buildDigest(input, nodeHashHex);
    const viaJs = buildDigest(input, jsHashHex);
    expect(viaNode.header).toBe(viaJs.header);
    expect(viaNode.rspauth()).toBe(viaJs.rspauth());
  });
});

describe('property: what digestAuthorization formats parses back, on one line', () => {
  // What a parsed challenge value can hold: qdtext and quoted-pair octets (RFC 9110 §5.6.4), no DEL.
  const headerString = fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
  });
  it('for any realm, nonce, opaque, username, password and uri', () => {
    fc.assert(
      fc.property(
        fc.record({
          realm: headerString,
          nonce: headerString,
          opaque: headerString,
          username: fc.string({ unit: 'grapheme' }),
          password: fc.string({ unit: 'grapheme' }),
          uri: fc.webPath(),
          algorithm: fc.constantFrom(...ALGORITHMS),
          qop: fc.constantFrom('auth', 'auth-int', 'auth, auth-int', undefined),
          userhash: fc.boolean(),
          nc: fc.integer({ min: 1, max: 0xffffffff }),
        }),
        (r) => {
          const challenge: Record<string, string> = {
            realm: r.realm,
            nonce: r.nonce,
            opaque: r.opaque,
            algorithm: r.algorithm,
          };
          if (r.qop !== undefined) challenge.qop = r.qop;
          const input = { ...base, ...r, challenge, qop: undefined, userhash: r.userhash };
          let header: string;
          try {
            header = digestAuthorization(input);
          } catch (error) {
            // Only a username or password with CR, LF or NUL may be refused.
            if (!(isAuthError(error) && error.code === 'ERR_INVALID_CREDENTIALS')) throw error;
            expect(isAuthError(error) && error.code === 'ERR_INVALID_CREDENTIALS').toBe(true);
            return;
          }
          expect(header).not.toMatch(/[\r\n\0]/);
          const p = parseCredentials(header).params;
          expect(p.realm).toBe(r.realm);
          expect(p.nonce).toBe(r.nonce);
          expect(p.opaque).toBe(r.opaque);
          expect(p.uri).toBe(r.uri);
          if (r.userhash) expect(p.userhash).toBe('true');
          // A non-ASCII username goes as its raw UTF-8 octets, one character each.
          else if (p.username !== undefined)
            expect(new TextDecoder().decode(Uint8Array.from(p.username, (c) => c.charCodeAt(0)))).toBe(r.username);
          else expect(decodeURIComponent((p['username*'] as string).slice("UTF-8''".length))).toBe(r.username);
        },
      ),
      { numRuns: 500 },
    );
    // 500 runs hash with hash-js: about 2 s on a quiet machine, several times that on a loaded one.
  }, 60_000);
});
