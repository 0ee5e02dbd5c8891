import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosRequestConfig } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { TokenAuth, tokenBehindHop } from './test-helpers.js';

// The headers each leg sends are the caller's as axios would send them: a
// `false`, `null` or `undefined` value means "not sent", and the scheme's own
// header is sent whatever the caller said of it.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ routes: tokenBehindHop });
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
