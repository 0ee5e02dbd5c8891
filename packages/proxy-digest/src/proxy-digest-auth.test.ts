import type { AuthRequest } from '@authbelt/core';
import { isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { describe, expect, it } from 'vitest';
import { get as bare, drive, FakeDigestServer, response, sentParams } from '../../digest/src/test-helpers.js';
import { ProxyDigestAuth } from './proxy-digest-auth.js';

const cnonce = (() => {
  let i = 0;
  return () => `cn${++i}`;
})();

function proxyAuth(maxStaleRejects?: number): ProxyDigestAuth {
  return new ProxyDigestAuth('Mufasa', 'Circle of Life', { cnonce, maxStaleRejects });
}

// Requests as an adapter marks them when they go through a proxy it knows.
const PROXY = 'http://proxy.test:3128';
const get = (url: string, init: Partial<AuthRequest> = {}): AuthRequest => bare(url, { proxy: PROXY, ...init });

const proxied = (p: Headers | undefined) => sentParams(p as Headers, 'proxy-authorization');

describe('ProxyDigestAuth', () => {
  it('answers a 407 with Proxy-Authorization and the absolute-form uri', async () => {
    const proxy = new FakeDigestServer({ proxy: true, qop: 'auth', algorithm: 'SHA-256' });
    const legs = await drive(proxyAuth(), get('http://origin.test:8080/a/b?c=d#frag'), proxy.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([407, 200]);
    expect(legs[1]?.request.headers.has('authorization')).toBe(false);
    expect(proxied(legs[1]?.request.headers)).toMatchObject({ uri: 'http://origin.test:8080/a/b?c=d', nc: '00000001' });
    expect(proxy.failures).toEqual([]);
  });

  it('answers CONNECT with the authority-form target', async () => {
    const proxy = new FakeDigestServer({ proxy: true, qop: 'auth' });
    const connect = get('https://origin.test:443/', { method: 'CONNECT', target: 'origin.test:443' });
    const legs = await drive(proxyAuth(), connect, proxy.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([407, 200]);
    expect(proxied(legs[1]?.request.headers)?.uri).toBe('origin.test:443');
  });

  it('never sends proxy credentials with an https request (they would go through the tunnel)', async () => {
    const proxy = new FakeDigestServer({ proxy: true, qop: 'auth' });
    const auth = proxyAuth();
    await drive(auth, get('http://origin.test/'), proxy.handle);
    const legs = await drive(auth, get('https://origin.test/'), () =>
      response(407, { 'proxy-authenticate': proxy.challenge() }),
    );
    expect(legs).toHaveLength(1);
    expect(legs[0]?.request.headers.has('proxy-authorization')).toBe(false);
  });

  it('sends no proxy credentials without a proxy even from a subclass whose flow skips requireProxy', async () => {
    // DigestAuth's own flow, as a subclass might run it: sendsTo is the guard left.
    class Unchecked extends ProxyDigestAuth {
      override flow(request: AuthRequest) {
        return DigestAuth.prototype.flow.call(this, request);
      }
    }
    const proxy = new FakeDigestServer({ proxy: true, qop: 'auth' });
    const auth = new Unchecked('Mufasa', 'Circle of Life', { cnonce });
    const legs = await drive(auth, bare('http://origin.test/'), proxy.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([407]);
    expect(legs[0]?.request.headers.has('proxy-authorization')).toBe(false);
    // Through a known proxy the same subclass answers, so the guard is what held it back.
    const through = await drive(auth, get('http://origin.test/'), proxy.handle);
    expect(through.map((leg) => leg.response.status)).toEqual([407, 200]);
  });

  it('shares one protection space across targets: later requests to any origin go preemptively', async () => {
    const proxy = new FakeDigestServer({ proxy: true, qop: 'auth' });
    const auth = proxyAuth();
    await drive(auth, get('http://one.test/'), proxy.handle);
    const legs = await drive(auth, get('http://two.test/x'), proxy.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([200]);
    expect(proxied(legs[0]?.request.headers)).toMatchObject({ nc: '00000002', uri: 'http://two.test/x' });
  });

  it('ignores 401 and WWW-Authenticate: those are the origin server’s', async () => {
    const legs = await drive(proxyAuth(), get('http://origin.test/'), () =>
      response(401, { 'www-authenticate': 'Digest realm="r", nonce="n"' }),
    );
    expect(legs).toHaveLength(1);
  });

  it('tolerates maxStaleRejects stale 407s (default 2, as requests_toolbelt)', async () => {
    const staleAlways = new FakeDigestServer({ proxy: true, qop: 'auth', staleAfter: 0 });
    const legs = await drive(proxyAuth(), get('http://origin.test/'), staleAlways.handle, 10);
    // bare, answer, then two more answers to stale 407s.
    expect(legs.map((leg) => leg.response.status)).toEqual([407, 407, 407, 407]);
    const none = await drive(proxyAuth(0), get('http://origin.test/'), staleAlways.handle, 10);
    expect(none).toHaveLength(2);
  });

  it('checks rspauth from Proxy-Authentication-Info', async () => {
    const bad = new FakeDigestServer({ proxy: true, qop: 'auth', rspauth: 'bad' });
    let caught: unknown;
    try {
      await drive(proxyAuth(), get('http://origin.test/'), bad.handle);
    } catch (error) {
      caught = error;
    }
    expect(isAuthError(caught) && caught.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    const good = new FakeDigestServer({ proxy: true, qop: 'auth', rspauth: 'good', nextnonce: true });
    const auth = proxyAuth();
    await drive(auth, get('http://origin.test/'), good.handle);
    const next = await drive(auth, get('http://origin.test/'), good.handle);
    expect(next.map((leg) => leg.response.status)).toEqual([200]);
    expect(proxied(next[0]?.request.headers)?.nc).toBe('00000001');
  });

  it('applies to every hop of a redirect: the proxy is the same', () => {
    expect(proxyAuth().appliesTo(new URL('http://b.test/'), new URL('http://a.test/'))).toBe(true);
  });

  it('refuses an unknown option by name, and takes DigestAuth’s own', () => {
    expect(() => new ProxyDigestAuth('u', 'p', { maxStale: 1 } as never)).toThrowError(
      /ProxyDigestAuth has no option "maxStale"/,
    );
    expect(() => new ProxyDigestAuth('u', 'p', { algorithms: ['SHA-256'], maxStaleRejects: 0 })).not.toThrow();
  });

  it('refuses a bad maxStaleRejects, saying it must be a non-negative integer', () => {
    for (const value of [-1, 1.5, Number.NaN]) {
      expect(() => new ProxyDigestAuth('u', 'p', { maxStaleRejects: value })).toThrowError(
        expect.objectContaining({
          code: 'ERR_INVALID_ARGUMENT',
          message: 'ProxyDigestAuth option maxStaleRejects must be a non-negative integer',
        }),
      );
    }
  });
});
