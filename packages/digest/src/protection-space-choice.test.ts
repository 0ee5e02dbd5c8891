// Which remembered protection space (RFC 7616 §3.2: origin + realm) answers a
// request up front: the closest `domain` (§3.3), the least recently used one
// forgotten first, and a space renewed in place by a new challenge. Driven by
// hand through DigestAuth's flow against test-helpers' independent server.
import { describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';
import { drive, FakeDigestServer, get, type Server, sentParams } from './test-helpers.js';

function digest(maxProtectionSpaces?: number): DigestAuth {
  let i = 0;
  return new DigestAuth('Mufasa', 'Circle of Life', { cnonce: () => `cn${++i}`, maxProtectionSpaces });
}

/** What the first leg of a request sent, and the statuses of all its legs. */
async function exchange(auth: DigestAuth, url: string, server: Server) {
  const legs = await drive(auth, get(url), server);
  return {
    upFront: sentParams(legs[0]?.request.headers as Headers),
    statuses: legs.map((leg) => leg.response.status),
  };
}

describe('protection spaces: which one answers up front', () => {
  it('refreshes a space on use: with room for two, the one not used since goes first', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest(2);
    for (const origin of ['http://o1.test/', 'http://o2.test/']) {
      expect((await exchange(auth, origin, server.handle)).statuses).toEqual([401, 200]);
    }
    // o1 used again: now o2 is the least recently used.
    expect((await exchange(auth, 'http://o1.test/', server.handle)).statuses).toEqual([200]);
    await exchange(auth, 'http://o3.test/', server.handle);
    expect((await exchange(auth, 'http://o1.test/', server.handle)).statuses).toEqual([200]);
    const o2 = await exchange(auth, 'http://o2.test/', server.handle);
    expect(o2.upFront).toBeUndefined();
    expect(o2.statuses).toEqual([401, 200]);
  });

  it('answers in the space whose domain covers the request most closely, whatever the order of its prefixes', async () => {
    // Space "a" names /api/v2/ and the whole server, in that order; space "b" names /api/.
    const a = new FakeDigestServer({ qop: 'auth', realm: 'a', domain: '/api/v2/ /', nonce: uniqueNonces('a') });
    const b = new FakeDigestServer({ qop: 'auth', realm: 'b', domain: '/api/', nonce: uniqueNonces('b') });
    const route: Server = (request) =>
      (new URL(request.url).pathname.startsWith('/api/v2/') || !new URL(request.url).pathname.startsWith('/api/')
        ? a
        : b
      ).handle(request);
    const auth = digest();
    await exchange(auth, 'http://x.test/api/z', route);
    await exchange(auth, 'http://x.test/api/v2/q', route);
    for (const [path, realm] of [
      ['/api/v2/r', 'a'],
      ['/api/y', 'b'],
      ['/other', 'a'],
      ['/api/v2/s', 'a'],
      ['/api/', 'b'],
    ]) {
      const { upFront, statuses } = await exchange(auth, `http://x.test${path}`, route);
      expect([path, upFront?.realm, statuses]).toEqual([path, realm, [200]]);
    }
    expect([...a.failures, ...b.failures].filter((why) => why !== 'none')).toEqual(['nonce']);
  });

  it('a new challenge in a known space renews it in place: its nonce and its domain', async () => {
    const first = new FakeDigestServer({ qop: 'auth', domain: '/a/', nonce: uniqueNonces('first') });
    const second = new FakeDigestServer({ qop: 'auth', domain: '/b/', nonce: uniqueNonces('second') });
    const route: Server = (request) =>
      (new URL(request.url).pathname.startsWith('/a/') ? first : second).handle(request);
    const auth = digest(1);
    expect((await exchange(auth, 'http://x.test/a/1', route)).statuses).toEqual([401, 200]);
    // Outside /a/: nothing up front; the same realm's challenge renews the one space.
    const b1 = await exchange(auth, 'http://x.test/b/1', route);
    expect([b1.upFront, b1.statuses]).toEqual([undefined, [401, 200]]);
    // Now the space is /b/ with the second server's nonce...
    const b2 = await exchange(auth, 'http://x.test/b/2', route);
    expect([b2.upFront?.nonce, b2.statuses]).toEqual(['second-1', [200]]);
    // ...and no longer /a/.
    const a2 = await exchange(auth, 'http://x.test/a/2', route);
    expect([a2.upFront, a2.statuses]).toEqual([undefined, [401, 200]]);
    expect([...first.failures, ...second.failures].filter((why) => why !== 'none')).toEqual([]);
  });
});

function uniqueNonces(prefix: string): () => string {
  let i = 0;
  return () => `${prefix}-${++i}`;
}
