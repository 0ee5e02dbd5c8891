// The HA1 a DigestAuth keeps per protection space (RFC 7616 §3.4.2: H(username
// ":" realm ":" password) changes with none of a request's values): it must
// stand only for the hash, username and realm it was computed with, belong to
// one instance, and show nowhere.
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';
import { buildDigest, type DigestAuthorizationInput, type Ha1Cache } from './digest-core.js';
import { hashHex } from './hash-node.js';
import { drive, FakeDigestServer, get } from './test-helpers.js';

const base: DigestAuthorizationInput = {
  challenge: { realm: 'one', nonce: 'n1', qop: 'auth', algorithm: 'MD5' },
  method: 'GET',
  uri: '/a',
  username: 'Mufasa',
  password: 'Circle of Life',
  cnonce: 'c1',
  nc: 1,
};

describe('buildDigest with an HA1 cache', () => {
  it.each<[string, Partial<DigestAuthorizationInput>]>([
    ['the realm', { challenge: { realm: 'two', nonce: 'n1', qop: 'auth', algorithm: 'MD5' } }],
    ['the algorithm', { challenge: { realm: 'one', nonce: 'n1', qop: 'auth', algorithm: 'SHA-256' } }],
    ['the hash under -sess', { challenge: { realm: 'one', nonce: 'n1', qop: 'auth', algorithm: 'SHA-256-sess' } }],
    ['the username', { username: 'Simba' }],
    ['the username as octets (non-ASCII)', { username: 'Mufasä' }],
    ['the realm as octets', { challenge: { realm: 'on\u00e9', nonce: 'n1', qop: 'auth', algorithm: 'MD5' } }],
  ])('computes HA1 again when %s changes, answering as without a cache', (_, change) => {
    const cache: Ha1Cache = {};
    expect(buildDigest(base, hashHex, cache).header).toBe(buildDigest(base, hashHex).header);
    const changed = { ...base, ...change };
    expect(buildDigest(changed, hashHex, cache).header).toBe(buildDigest(changed, hashHex).header);
    // And back again.
    expect(buildDigest(base, hashHex, cache).header).toBe(buildDigest(base, hashHex).header);
  });

  it('reuses HA1 while only the request values change (nonce, nc, cnonce, method, uri)', () => {
    const cache: Ha1Cache = {};
    buildDigest(base, hashHex, cache);
    const kept = cache.ha1;
    expect(kept).toBe(createHash('md5').update('Mufasa:one:Circle of Life').digest('hex'));
    const later = {
      ...base,
      challenge: { realm: 'one', nonce: 'n2', qop: 'auth', algorithm: 'MD5' },
      method: 'POST',
      uri: '/b',
      cnonce: 'c2',
      nc: 7,
    };
    expect(buildDigest(later, hashHex, cache).header).toBe(buildDigest(later, hashHex).header);
    expect(cache.ha1).toBe(kept);
  });
});

describe('DigestAuth keeps HA1 per instance and space', () => {
  const url = 'http://a.test/dir/';

  it('answers a new algorithm in a known space with an HA1 of that algorithm', async () => {
    const auth = new DigestAuth('Mufasa', 'Circle of Life');
    const md5 = new FakeDigestServer({ realm: 'r', algorithm: 'MD5', qop: 'auth' });
    expect((await drive(auth, get(url), md5.handle)).map((leg) => leg.response.status)).toEqual([401, 200]);
    expect((await drive(auth, get(url), md5.handle)).map((leg) => leg.response.status)).toEqual([200]);
    // Same origin and realm, now SHA-256: the remembered answer is refused, the new challenge answered.
    const sha = new FakeDigestServer({ realm: 'r', algorithm: 'SHA-256', qop: 'auth' });
    expect((await drive(auth, get(url), sha.handle)).map((leg) => leg.response.status)).toEqual([401, 200]);
    expect((await drive(auth, get(url), sha.handle)).map((leg) => leg.response.status)).toEqual([200]);
    expect(sha.failures.slice(1)).toEqual([]);
  });

  it('is not shared between instances: another password in the same space is refused', async () => {
    const server = new FakeDigestServer({ realm: 'r', algorithm: 'SHA-256', qop: 'auth' });
    const right = new DigestAuth('Mufasa', 'Circle of Life');
    const wrong = new DigestAuth('Mufasa', 'not the password');
    expect((await drive(right, get(url), server.handle)).map((leg) => leg.response.status)).toEqual([401, 200]);
    expect((await drive(wrong, get(url), server.handle)).map((leg) => leg.response.status)).toEqual([401, 401]);
    expect((await drive(right, get(url), server.handle)).map((leg) => leg.response.status)).toEqual([200]);
  });

  it('never shows in inspect() or JSON', async () => {
    const server = new FakeDigestServer({ realm: 'r', algorithm: 'MD5', qop: 'auth' });
    const auth = new DigestAuth('Mufasa', 'Circle of Life');
    await drive(auth, get(url), server.handle);
    await drive(auth, get(url), server.handle);
    const ha1 = createHash('md5').update('Mufasa:r:Circle of Life').digest('hex');
    for (const shown of [
      inspect(auth, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
      JSON.stringify(auth),
      String(auth),
    ]) {
      expect(shown).not.toContain(ha1);
      expect(shown).not.toContain('Circle of Life');
    }
  });
});
