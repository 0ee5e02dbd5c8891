import { withAuth } from '@authbelt/adapter-fetch';
import { ApiKeyAuth, BearerAuth } from '@authbelt/bearer';
import { startTestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthHandler } from './auth-handler.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let api: Server;
let keyed: Server;

beforeAll(async () => {
  api = await startTestServer({ bearer: { users: { ada: 'lovelace' }, routes: { '/me': {} } } });
  keyed = await startTestServer({
    routes: { '/data': { auth: 'header', header: { name: 'X-API-Key', value: 'k-1' } } },
  });
});
afterAll(async () => {
  await Promise.all([api.close(), keyed.close()]);
});

const login = async () => {
  const answer = await fetch(`${api.url}/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
  });
  return ((await answer.json()) as { access_token: string }).access_token;
};

it('takes BearerAuth and ApiKeyAuth as strategies, each for its own origin, with the token lifecycle intact', async () => {
  const handler = new AuthHandler({
    [api.url]: new BearerAuth(login),
    [keyed.url]: new ApiKeyAuth('k-1', { header: 'X-API-Key' }),
  });
  const client = withAuth(fetch, handler);
  expect((await client(`${api.url}/me`)).status).toBe(200);
  expect((await client(`${keyed.url}/data`)).status).toBe(200);
  expect(keyed.requests[0]?.headers.authorization).toBeUndefined();
  expect(api.requests.find((r) => r.path === '/me')?.headers['x-api-key']).toBeUndefined();
  // A revoked token is renewed once through the handler, and the request sent again.
  api.bearer.revokeAll();
  api.reset();
  expect((await client(`${api.url}/me`)).status).toBe(200);
  expect(api.bearer.logins()).toBe(1);
  expect(api.requests.filter((r) => r.path === '/me').map((r) => r.status)).toEqual([401, 200]);
});
