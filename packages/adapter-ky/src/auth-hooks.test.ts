import { startTestServer, type TestServer } from '@authbelt/test-server';
import ky, { type KyInstance, TimeoutError } from 'ky';
import ky1 from 'ky1';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHooks } from './index.js';
import { ChallengeTokenAuth, countingFetch, SlowAuth } from './test-helpers.js';

// authHooks for instances composed by hand: with ky 2 the init hook puts the
// exchange in ky's fetch slot; where it did not (ky 1, or only beforeRequest
// merged in), beforeRequest runs the exchange and hands ky its response.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: { '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } } },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

const statuses = () => server.requests.map((r) => r.status);

describe('authHooks with ky 2', () => {
  it('runs the exchange in ky’s fetch slot (init), so ky’s timeout covers it', async () => {
    const api = ky.create({ hooks: authHooks(new SlowAuth()) });
    const error = await api.get(`${server.url}/token`, { timeout: 100, retry: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    // The timeout ends the exchange before its second leg (on a busy machine, maybe before its first).
    expect(statuses()).not.toContain(200);
  });

  it('runs the exchange once, in fetch, when both hooks are merged in', async () => {
    const counter = countingFetch();
    const hooks = authHooks(new ChallengeTokenAuth());
    const api = ky.create({
      fetch: counter.fetch,
      hooks: { init: hooks.init, beforeRequest: [...hooks.beforeRequest] },
    });
    expect((await api.get(`${server.url}/token`)).status).toBe(200);
    expect(statuses()).toEqual([401, 200]);
    expect(counter.calls).toBe(2);
  });

  it('runs the exchange in beforeRequest when only that hook is merged in', async () => {
    const counter = countingFetch();
    const api = ky.create({
      hooks: { beforeRequest: [...authHooks(new ChallengeTokenAuth(), { fetch: counter.fetch }).beforeRequest] },
    });
    expect((await api.get(`${server.url}/token`)).status).toBe(200);
    expect(statuses()).toEqual([401, 200]);
    expect(counter.calls).toBe(2);
  });

  it('sends each leg with its fetch option when ky has none of its own', async () => {
    const counter = countingFetch();
    const api = ky.create({ hooks: authHooks(new ChallengeTokenAuth(), { fetch: counter.fetch }) });
    expect((await api.get(`${server.url}/token`)).status).toBe(200);
    expect(counter.calls).toBe(2);
  });
});

describe('authHooks with ky 1', () => {
  it('sends each leg with its fetch option rather than the one ky hands hooks', async () => {
    const mine = countingFetch();
    const kys = countingFetch();
    const api = ky1.create({ fetch: kys.fetch, hooks: authHooks(new ChallengeTokenAuth(), { fetch: mine.fetch }) });
    expect((await api.get(`${server.url}/token`)).status).toBe(200);
    expect([mine.calls, kys.calls]).toEqual([2, 0]);
  });

  it('sends each leg with the fetch ky hands hooks when it has none', async () => {
    const kys = countingFetch();
    const api = (ky1 as unknown as KyInstance).create({ fetch: kys.fetch, hooks: authHooks(new ChallengeTokenAuth()) });
    expect((await api.get(`${server.url}/token`)).status).toBe(200);
    expect(kys.calls).toBe(2);
  });
});
