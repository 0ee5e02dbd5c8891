// DigestAuth on an origin reached through a plain-http forward proxy, over
// loopback: the request goes to the proxy in absolute-form, the proxy sends it
// on in origin-form, and the origin checks the digest `uri` against that.
import { withAuth as withAxiosAuth } from '@authbelt/adapter-axios';
import { withAuth as withFetchAuth } from '@authbelt/adapter-fetch';
import { proxyDispatcher } from '@authbelt/adapter-fetch/proxy';
import { ProxyBasicAuth } from '@authbelt/basic';
import { parseCredentials } from '@authbelt/core';
import { GuessProxyAuth } from '@authbelt/guess';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios from 'axios';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';

const users = { Mufasa: 'Circle of Life' };
let origin: TestServer;
let proxy: TestServer;

beforeAll(async () => {
  origin = await startTestServer({
    routes: { '/d': { auth: 'digest', realm: 'r', users, algorithms: ['SHA-256'], qop: ['auth'] } },
  });
  proxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
});
afterAll(async () => {
  await Promise.all([origin.close(), proxy.close()]);
});
beforeEach(() => {
  origin.reset();
  proxy.reset();
});

/** The digest `uri` of each answer the origin received, and the request-target it saw. */
function originAnswers(): Array<{ target: string; uri: string | undefined; status: number }> {
  return origin.requests
    .filter((request) => request.headers.authorization !== undefined)
    .map((request) => ({
      target: request.target,
      uri: parseCredentials(String(request.headers.authorization)).params.uri,
      status: request.status,
    }));
}

describe('DigestAuth through a plain-http proxy: the origin gets the origin-form uri', () => {
  it("axios's proxy option (absolute-form to the proxy)", async () => {
    const port = Number(new URL(proxy.url).port);
    const instance = withAxiosAuth(
      axios.create({
        proxy: { protocol: 'http', host: '127.0.0.1', port, auth: { username: 'pu', password: 'pp' } },
        validateStatus: () => true,
      }),
      new DigestAuth('Mufasa', 'Circle of Life'),
    );
    for (let i = 0; i < 2; i++) {
      const response = await instance.get(`${origin.url}/d?x=${i}`);
      expect(response.status).toBe(200);
    }
    // Both went through the proxy in absolute-form.
    expect(proxy.requests.map((request) => request.target)).toEqual([
      `${origin.url}/d?x=0`,
      `${origin.url}/d?x=0`,
      `${origin.url}/d?x=1`,
    ]);
    expect(originAnswers()).toEqual([
      { target: '/d?x=0', uri: '/d?x=0', status: 200 },
      { target: '/d?x=1', uri: '/d?x=1', status: 200 },
    ]);
    expect(origin.stats('/d').authFailures).toBe(0);
  });

  it('GuessProxyAuth in proxyDispatcher answers the 407 and the 401 below fetch (its request carries the absolute-form target)', async () => {
    const guess = new GuessProxyAuth('Mufasa', 'Circle of Life', 'pu', 'pp');
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: guess });
    try {
      const response = await undiciFetch(`${origin.url}/d?z=1`, { dispatcher });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(originAnswers()).toEqual([{ target: '/d?z=1', uri: '/d?z=1', status: 200 }]);
    } finally {
      await dispatcher.close();
    }
  });

  it('undici fetch with proxyDispatcher', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    try {
      const authFetch = withFetchAuth(
        undiciFetch as unknown as typeof fetch,
        new DigestAuth('Mufasa', 'Circle of Life'),
      );
      const response = await authFetch(`${origin.url}/d?y=1`, { dispatcher } as RequestInit);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(originAnswers()).toEqual([{ target: '/d?y=1', uri: '/d?y=1', status: 200 }]);
    } finally {
      await dispatcher.close();
    }
  });
});
