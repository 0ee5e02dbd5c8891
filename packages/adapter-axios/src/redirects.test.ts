import { BasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosRequestConfig } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

// Who follows a redirect, and how many: authbelt follows each hop itself (so a
// challenge after a redirect is answered on the URL that sent it) as many
// times as plain axios would with that adapter; with `redirects: 'client'`
// axios follows them and the scheme sees only where they ended.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/hop': { redirect: { location: '/token' } },
      '/loop': { redirect: { location: '/loop' } },
    },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

/** The path and status of each request the server saw, in order. */
const paths = () => server.requests.map((r) => `${r.path} ${r.status}`).join(', ');
// /hop redirects to /token, which wants X-TokenAuth. Followed by authbelt, the answer goes to /token;
// followed by the client, the scheme sees only /token's 401 and answers it on /hop.
const followedByAuthbelt = '/hop 302, /token 401, /token 200';
const followedByClient = '/hop 302, /token 401, /hop 302, /token 200';

describe.each(['http', 'fetch'] as const)('redirects with the %s adapter', (adapter) => {
  it('authbelt follows a redirect itself and answers the challenge on the URL that sent it', async () => {
    const response = await withAuth(axios.create({ adapter }), new ChallengeTokenAuth()).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(paths()).toBe(followedByAuthbelt);
  });

  it('shows the scheme the URL that answered each leg: the one redirected to', async () => {
    /** ChallengeTokenAuth that notes the status and URL of each response it sees. */
    class UrlNotingAuth extends AuthBase {
      seen: string[] = [];
      override async *flow(request: AuthRequest): AuthFlow {
        const response = yield request;
        this.seen.push(`${response.status} ${response.url}`);
        if (response.status !== 401) return;
        request.headers.set('X-TokenAuth', 'tok');
        const answered = yield request;
        this.seen.push(`${answered.status} ${answered.url}`);
      }
    }
    const auth = new UrlNotingAuth();
    expect((await withAuth(axios.create({ adapter }), auth).get(`${server.url}/hop`)).status).toBe(200);
    expect(auth.seen).toEqual([`302 ${server.url}/hop`, `401 ${server.url}/token`, `200 ${server.url}/token`]);
  });

  it("with redirects: 'client' axios follows it: the scheme's answer starts again from the first URL", async () => {
    const api = withAuth(axios.create({ adapter }), new ChallengeTokenAuth(), { redirects: 'client' });
    const response = await api.get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(paths()).toBe(followedByClient);
  });

  it('follows a redirect loop exactly as many times as plain axios before failing', async () => {
    const plain = await axios.get(`${server.url}/loop`, { adapter }).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    const plainRequests = server.requests.length;
    server.reset();
    const error = await withAuth(axios.create({ adapter }), new BasicAuth('Aladdin', 'open sesame'))
      .get(`${server.url}/loop`)
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REDIRECT');
    expect(server.requests).toHaveLength(plainRequests);
    // follow-redirects' 21 for the http adapter, the Fetch standard's 20 for fetch.
    expect(plainRequests).toBe(adapter === 'http' ? 22 : 21);
  });
});

describe('the http adapter’s maxRedirects', () => {
  it.each([1, 3])('follows maxRedirects: %i hops, as plain axios does', async (maxRedirects) => {
    const config: AxiosRequestConfig = { adapter: 'http', maxRedirects };
    const plain = await axios.get(`${server.url}/loop`, config).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    const plainRequests = server.requests.length;
    server.reset();
    const error = await withAuth(axios.create(config), new BasicAuth('Aladdin', 'open sesame'))
      .get(`${server.url}/loop`)
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REDIRECT');
    expect(server.requests).toHaveLength(plainRequests);
    expect(plainRequests).toBe(maxRedirects + 1);
  });

  it('the fetch adapter ignores maxRedirects (fetch follows up to 20), as plain axios does', async () => {
    const error = await withAuth(axios.create({ adapter: 'fetch', maxRedirects: 3 }), new BasicAuth('a', 'b'))
      .get(`${server.url}/loop`)
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REDIRECT');
    expect(server.requests).toHaveLength(21);
  });
});
