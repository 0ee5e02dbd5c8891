import { ProxyBasicAuth } from '@authbelt/basic';
import { authErrorOf } from '@authbelt/core';
import { GuessProxyAuth } from '@authbelt/guess';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyDispatcher } from './proxy/proxy-dispatcher.js';
import { withAuth } from './with-auth.js';

// Proxy credentials go only to a proxy the adapter knows (DESIGN.md): never to
// an origin, whatever it answers, and a 407 is answered only from that proxy.

let origin: TestServer;
let elsewhere: TestServer;
let basicProxy: TestServer;
let digestProxy: TestServer;

beforeAll(async () => {
  elsewhere = await startTestServer({ routes: { '/landing': {} } });
  origin = await startTestServer({
    routes: { '/open': {}, '/away': { redirect: { location: `${elsewhere.url}/landing`, status: 302 } } },
  });
  basicProxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  digestProxy = await startTestServer({
    proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' }, algorithms: ['SHA-256'] },
  });
});
afterAll(async () => {
  await Promise.all([origin.close(), elsewhere.close(), basicProxy.close(), digestProxy.close()]);
});
beforeEach(() => {
  for (const server of [origin, elsewhere, basicProxy, digestProxy]) server.reset();
});

describe('proxy schemes with no proxy', () => {
  it('ProxyBasicAuth sends nothing to the origin and says why', async () => {
    const response = await withAuth(fetch, new ProxyBasicAuth('pu', 'pp'))(`${origin.url}/open`);
    expect(response.status).toBe(200);
    expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  it('ProxyDigestAuth and GuessProxyAuth send nothing either, and the origin still gets its request', async () => {
    for (const auth of [new ProxyDigestAuth('pu', 'pp'), new GuessProxyAuth('u', 'p', 'pu', 'pp')]) {
      origin.reset();
      const response = await withAuth(fetch, auth)(`${origin.url}/open`);
      expect(response.status).toBe(200);
      expect(origin.requests).toHaveLength(1);
      expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    }
  });

  it('nothing reaches the host a redirect leads to', async () => {
    const response = await withAuth(fetch, new ProxyBasicAuth('pu', 'pp'))(`${origin.url}/away`);
    expect(response.status).toBe(200);
    expect(elsewhere.requests).toHaveLength(1);
    for (const request of [...origin.requests, ...elsewhere.requests]) {
      expect(request.headers['proxy-authorization']).toBeUndefined();
    }
  });
});

describe('proxy schemes through a proxy the adapter knows', () => {
  it('withAuth adds ProxyBasicAuth for a proxyDispatcher that has no scheme of its own', async () => {
    const dispatcher = proxyDispatcher({ proxy: basicProxy.url });
    try {
      const authFetch = withAuth(fetch, new ProxyBasicAuth('pu', 'pp'));
      const response = await authFetch(`${origin.url}/open`, { dispatcher } as RequestInit);
      expect(response.status).toBe(200);
      expect(authErrorOf(response)).toBeUndefined();
      expect(basicProxy.requests[0]?.headers['proxy-authorization']).toMatch(/^Basic /);
      expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    } finally {
      await dispatcher.close();
    }
  });

  it('one ProxyDigestAuth given to withAuth and to proxyDispatcher spends one nc per request', async () => {
    const proxyAuth = new ProxyDigestAuth('pu', 'pp');
    const dispatcher = proxyDispatcher({ proxy: digestProxy.url, auth: proxyAuth });
    try {
      const authFetch = withAuth(fetch, proxyAuth);
      const first = await authFetch(`${origin.url}/open`, { dispatcher } as RequestInit);
      expect(first.status).toBe(200);
      await first.arrayBuffer();
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => authFetch(`${origin.url}/open`, { dispatcher } as RequestInit)),
      );
      for (const response of responses) {
        expect(response.status).toBe(200);
        await response.arrayBuffer();
      }
      // 407 + answer, then 50 answered up front: no stale, replayed or refused nc.
      expect(digestProxy.stats()).toMatchObject({ requests: 52, challenges: 1, replays: 0, stale: 0 });
      const counts = digestProxy.requests
        .map((request) => /nc=([0-9a-f]{8})/.exec(String(request.headers['proxy-authorization']))?.[1])
        .filter((nc) => nc !== undefined)
        .map((nc) => Number.parseInt(nc, 16))
        .sort((a, b) => a - b);
      expect(counts).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    } finally {
      await dispatcher.close();
    }
  });
});

describe('a proxy whose 407 body never ends', () => {
  it('stalls nothing: the 407 is cut off and the answer goes out', async () => {
    const stalling = await startTestServer({
      proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' }, algorithms: ['SHA-256'], endless407: true },
    });
    const dispatcher = proxyDispatcher({ proxy: stalling.url, auth: new ProxyDigestAuth('pu', 'pp') });
    try {
      const response = await fetch(`${origin.url}/open`, { dispatcher } as RequestInit);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(stalling.stats()).toMatchObject({ requests: 2, challenges: 1 });
    } finally {
      await dispatcher.close();
      await stalling.close();
    }
  }, 10_000);
});
