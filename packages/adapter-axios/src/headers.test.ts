import { DigestAuth } from '@authbelt/digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosAdapter, type AxiosHeaders, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { TokenAuth, tokenBehindHop } from './test-helpers.js';

// The headers each leg sends are the caller's as axios would send them: a
// `false`, `null` or `undefined` value means "not sent", and the scheme's own
// header is sent whatever the caller said of it.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: { ...tokenBehindHop, '/digest': { auth: 'digest', realm: 'r', users: { Mufasa: 'Circle of Life' } } },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

describe.each(['http', 'fetch'] as const)('request headers with the %s adapter', (adapter) => {
  const headers = { 'User-Agent': false, 'X-Null': null, 'X-Undefined': undefined, 'X-Kept': 'kept' };

  it('leaves out a header set to false, null or undefined, as plain axios does', async () => {
    const config = { adapter, headers, validateStatus: () => true } as unknown as AxiosRequestConfig;
    await axios.get(`${server.url}/token`, config);
    await withAuth(axios.create(config), new TokenAuth()).get(`${server.url}/token`);
    const [plain, ours] = server.requests.map((r) => r.headers);
    for (const name of ['user-agent', 'x-null', 'x-undefined', 'x-kept'])
      expect([name, ours?.[name]]).toEqual([name, plain?.[name]]);
    expect(ours?.['x-kept']).toBe('kept');
  });

  it('sends the scheme’s header even where the caller set it to false', async () => {
    const config = { adapter, headers: { 'X-TokenAuth': false } } as unknown as AxiosRequestConfig;
    const response = await withAuth(axios.create(config), new TokenAuth()).get(`${server.url}/token`);
    expect(response.status).toBe(200);
    expect(server.requests[0]?.headers['x-tokenauth']).toBe('tok');
  });
});

describe('the response headers of an adapter of your own', () => {
  const http = axios.getAdapter('http');
  /** An adapter that sends with axios's http adapter and hands back the response's headers made over by `headersOf`. */
  const reshaping =
    (headersOf: (response: AxiosResponse) => unknown): AxiosAdapter =>
    async (config) => {
      const response = await http(config);
      return { ...response, headers: headersOf(response) as AxiosResponse['headers'] };
    };
  const plainObject = (response: AxiosResponse) => ({
    ...(response.headers as AxiosHeaders).toJSON(),
    'x-null': null,
    'x-false': false,
  });
  const rawText = (response: AxiosResponse) =>
    Object.entries((response.headers as AxiosHeaders).toJSON())
      .map(([name, value]) => `${name}: ${String(value)}`)
      .join('\r\n');

  it.each([
    ['a plain object', plainObject],
    ['raw header text', rawText],
  ])('are read as axios reads them, from %s: Digest answers the challenge in them', async (_shape, headersOf) => {
    const api = withAuth(axios.create({ adapter: reshaping(headersOf) }), new DigestAuth('Mufasa', 'Circle of Life'));
    const response = await api.get(`${server.url}/digest`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
  });

  it('are none where the adapter gives none: its 401 comes back as it is', async () => {
    const api = withAuth(
      axios.create({ adapter: reshaping(() => undefined), validateStatus: () => true }),
      new DigestAuth('Mufasa', 'Circle of Life'),
    );
    expect((await api.get(`${server.url}/digest`)).status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });
});
