// Re-entry detection where the runtime has no AsyncLocalStorage (browsers):
// this file hides `process.getBuiltinModule` before the lifecycle first looks
// for it, so the synchronous check is all there is.
import { withAuth } from '@authbelt/adapter-fetch';
import { isAuthError } from '@authbelt/core';
import { startTestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BearerAuth } from './bearer-auth.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
const process = globalThis.process as { getBuiltinModule?: unknown };
const getBuiltinModule = process.getBuiltinModule;

beforeAll(async () => {
  process.getBuiltinModule = undefined;
  server = await startTestServer({ bearer: { users: { ada: 'lovelace' }, routes: { '/api': {} } } });
});
afterAll(async () => {
  process.getBuiltinModule = getBuiltinModule;
  await server.close();
});

it('without AsyncLocalStorage, a provider that calls the wrapped client before its first await fails with ERR_PROVIDER_REENTRY', async () => {
  let api: typeof fetch = fetch;
  const auth = new BearerAuth(() =>
    api(`${server.url}/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
    }).then(async (answer) => ((await answer.json()) as { access_token: string }).access_token),
  );
  api = withAuth(fetch, auth);
  // Scoped to the server first, so the login (same origin) meets the scheme.
  const error = await api(`${server.url}/api`).catch((e: unknown) => e);
  expect(isAuthError(error) && error.code).toBe('ERR_PROVIDER_REENTRY');
  expect(server.bearer.logins()).toBe(0);
});

it('without AsyncLocalStorage, requests from outside the provider share its call', async () => {
  const login = async () => {
    const answer = await fetch(`${server.url}/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
    });
    return ((await answer.json()) as { access_token: string }).access_token;
  };
  const api = withAuth(fetch, new BearerAuth(login));
  const responses = await Promise.all([api(`${server.url}/api`), api(`${server.url}/api`), api(`${server.url}/api`)]);
  expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(server.bearer.logins()).toBe(1);
});
