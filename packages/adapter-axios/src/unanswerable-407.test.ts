// A 407 from the proxy named in axios's `proxy` option whose challenge
// ProxyDigestAuth cannot answer is the proxy's answer: the caller gets it as a
// response with the reason beside it (authErrorOf), after one request, and
// never a Proxy-Authorization.
import { authErrorOf } from '@authbelt/core';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios from 'axios';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';

let md5Proxy: TestServer;
let rfc2069Proxy: TestServer;
let origin: TestServer;

beforeAll(async () => {
  const users = { pu: 'pp' };
  md5Proxy = await startTestServer({
    proxy: { auth: 'digest', realm: 'p', users, algorithms: ['MD5'], qop: ['auth'] },
  });
  rfc2069Proxy = await startTestServer({
    proxy: { auth: 'digest', realm: 'p', users, algorithms: ['SHA-256'], qop: 'none' },
  });
  origin = await startTestServer({ routes: { '/open': {} } });
});
afterAll(async () => {
  await Promise.all([md5Proxy.close(), rfc2069Proxy.close(), origin.close()]);
});

describe('a 407 ProxyDigestAuth cannot answer, from the proxy the request goes through', () => {
  it.each([
    ['an algorithm left out by `algorithms`', () => md5Proxy, 'ERR_UNSUPPORTED_ALGORITHM'],
    ['no qop (RFC 2069) while requireQop is on', () => rfc2069Proxy, 'ERR_UNSUPPORTED_QOP'],
  ])('%s: the 407 comes back with its reason, after one request', async (_, proxyOf, code) => {
    const proxy = proxyOf();
    proxy.reset();
    const api = withAuth(
      axios.create({
        adapter: 'http',
        proxy: { protocol: 'http', host: '127.0.0.1', port: Number(new URL(proxy.url).port) },
        validateStatus: () => true,
      }),
      new ProxyDigestAuth('pu', 'pp', { algorithms: ['SHA-256'] }),
    );
    const response = await api.get(`${origin.url}/open`);
    expect(response.status).toBe(407);
    expect(authErrorOf(response)?.code).toBe(code);
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(origin.requests).toHaveLength(0);
  });
});
