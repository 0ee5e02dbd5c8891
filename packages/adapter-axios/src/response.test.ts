import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BasicAuth } from '@authbelt/basic';
import { authErrorOf } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosAdapter, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

/** How a call ended, to compare authbelt with plain axios. */
interface Outcome {
  resolved: boolean;
  status: number | undefined;
  code: string | undefined;
}
const outcome = (pending: Promise<AxiosResponse>): Promise<Outcome> =>
  pending.then(
    (response) => ({ resolved: true, status: response.status, code: undefined }),
    (error: unknown) => ({
      resolved: false,
      status: axios.isAxiosError(error) ? error.response?.status : undefined,
      code: (error as { code?: string }).code,
    }),
  );

const users = { Mufasa: 'Circle of Life' };
let server: TestServer;
// A 401 whose body never ends (a slow or hostile server); a 200 once X-TokenAuth is right.
let endless: Server;
let endlessUrl: string;
const endlessSockets = new Set<Socket>();

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/landing': {},
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/hop': { redirect: { location: '/landing' } },
      '/hop-twice': { redirect: { location: '/hop#part' } },
      // A challenge DigestAuth cannot answer (RFC 7616 §3.3: an algorithm it does not know).
      '/sha1': {
        auth: 'digest',
        realm: 'r',
        users,
        challenges: ['Digest realm="r", nonce="{nonce}", algorithm=SHA-1, qop="auth"'],
      },
    },
  });
  endless = createServer((req, res) => {
    if (req.headers['x-tokenauth'] === 'tok') {
      res.end('ok');
      return;
    }
    endlessSockets.add(req.socket);
    req.socket.once('close', () => endlessSockets.delete(req.socket));
    res.writeHead(401, { 'www-authenticate': 'Token realm="t"', 'content-type': 'text/plain' });
    res.write('this body never ends');
  });
  await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
  endlessUrl = `http://127.0.0.1:${(endless.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  endless.closeAllConnections();
  await Promise.all([server.close(), new Promise((resolve) => endless.close(resolve))]);
});
beforeEach(() => {
  server.reset();
  // Only this test's connections count (one an earlier test left open stays closed to our eyes).
  endlessSockets.clear();
});

describe.each(['http', 'fetch'] as const)('axios responses with the %s adapter', (adapter) => {
  const config: AxiosRequestConfig = { adapter };

  it('keeps authErrorOf’s reason on the response the caller gets (validateStatus accepts the 401)', async () => {
    const api = withAuth(axios.create(config), new DigestAuth('Mufasa', 'Circle of Life'));
    const response = await api.get(`${server.url}/sha1`, { validateStatus: () => true });
    expect(response.status).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(server.requests).toHaveLength(1);
  });

  it('keeps authErrorOf’s reason on error.response (validateStatus rejects the 401)', async () => {
    const api = withAuth(axios.create(config), new DigestAuth('Mufasa', 'Circle of Life'));
    const error = await api.get(`${server.url}/sha1`).catch((e: unknown) => e);
    const response = axios.isAxiosError(error) ? error.response : undefined;
    expect(response?.status).toBe(401);
    expect(response?.config.url).toBe(`${server.url}/sha1`);
    expect(authErrorOf(response as object)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('treats maxRedirects: 0 as plain axios does with this adapter', async () => {
    const url = `${server.url}/hop`;
    const plain = await outcome(axios.get(url, { adapter, maxRedirects: 0 }));
    const ours = await outcome(
      withAuth(axios.create(config), new BasicAuth('Aladdin', 'open sesame')).get(url, { maxRedirects: 0 }),
    );
    expect(ours).toEqual(plain);
    // The http adapter returns the 302 (rejected by the default validateStatus); fetch ignores maxRedirects.
    expect(ours).toEqual(
      adapter === 'http'
        ? { resolved: false, status: 302, code: undefined }
        : { resolved: true, status: 200, code: undefined },
    );
  });

  it('says which URL answered after redirects, where plain axios says it', async () => {
    const url = `${server.url}/hop-twice`;
    const plain = await axios.get(url, config);
    const ours = await withAuth(axios.create(config), new BasicAuth('Aladdin', 'open sesame')).get(url);
    expect(ours.status).toBe(200);
    if (adapter === 'http') {
      expect(plain.request.res.responseUrl).toBe(`${server.url}/landing`);
      expect(ours.request.res.responseUrl).toBe(plain.request.res.responseUrl);
    } else {
      // fetch hides redirects from axios: its Request is the one asked for. authbelt
      // sends each hop itself, so the Request is the last one sent, as with the http adapter.
      expect(plain.request.url).toBe(url);
      expect(ours.request.url).toBe(`${server.url}/landing#part`);
    }
  });

  it('answers past a 401 whose body never ends with responseType stream, and lets its connection go', async () => {
    const api = withAuth(axios.create(config), new ChallengeTokenAuth());
    const response = await api.get(endlessUrl, { responseType: 'stream' });
    expect(response.status).toBe(200);
    const data: unknown = response.data;
    if (data instanceof ReadableStream) await data.cancel();
    else (data as { resume(): void }).resume();
    // The 401's connection is closed within the drain bound, not held open forever.
    await expect.poll(() => endlessSockets.size, { timeout: 4000 }).toBe(0);
  });

  it('waits on a 401 whose body never ends as plain axios does: until its timeout', async () => {
    // axios reads an intermediate body to its end unless responseType is 'stream', as it reads a final one.
    const plain = await outcome(axios.get(endlessUrl, { adapter, timeout: 200 }));
    const ours = await outcome(
      withAuth(axios.create(config), new ChallengeTokenAuth()).get(endlessUrl, { timeout: 200 }),
    );
    expect(plain).toMatchObject({ resolved: false, status: undefined });
    expect(ours).toMatchObject({ resolved: false, status: undefined });
    // Each leg goes without follow-redirects, so the http adapter reports axios's own timeout code
    // (plain axios, through follow-redirects, says ERR_BAD_RESPONSE "stream has been aborted").
    expect(ours.code).toBe(adapter === 'http' ? 'ECONNABORTED' : plain.code);
  });
});

describe('responses of an adapter of your own', () => {
  const http = axios.getAdapter('http');

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['an object (parsed JSON)', { error: 'unauthorized' }],
    ['an object with resume but no destroy', { resume: () => {} }],
    ['an object with destroy but no resume', { destroy: () => {} }],
  ])('leaves an intermediate 401’s data that is not a Node stream alone: %s', async (_name, data) => {
    // An adapter that hands back its own data for a 401, as a mock adapter may.
    const own: AxiosAdapter = async (config) => {
      const response = await http(config);
      return response.status === 401 ? { ...response, data } : response;
    };
    const response = await withAuth(axios.create({ adapter: own }), new ChallengeTokenAuth()).get(
      `${server.url}/token`,
    );
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
  });

  it('says which URL answered after redirects when it sends with the http adapter, as plain axios does', async () => {
    const own: AxiosAdapter = (config) => http(config);
    const url = `${server.url}/hop-twice`;
    const plain = await axios.get(url, { adapter: own });
    const ours = await withAuth(axios.create({ adapter: own }), new BasicAuth('Aladdin', 'open sesame')).get(url);
    expect(plain.request.res.responseUrl).toBe(`${server.url}/landing`);
    expect(ours.request.res.responseUrl).toBe(plain.request.res.responseUrl);
  });

  it.each<[string, unknown]>([
    ['no request', undefined],
    ['a request without res', {}],
    ['a request whose res is null', { res: null }],
    ['a request whose res is not an object', { res: 'res' }],
  ])('resolves a response with %s as it is (no responseUrl to say)', async (_name, request) => {
    const own: AxiosAdapter = async (config) => ({
      data: 'ok',
      status: 200,
      statusText: 'OK',
      headers: {},
      config,
      request,
    });
    const response = await withAuth(axios.create({ adapter: own }), new ChallengeTokenAuth()).get(
      `${server.url}/token`,
    );
    expect(response.status).toBe(200);
    expect(response.request).toEqual(request);
  });
});
