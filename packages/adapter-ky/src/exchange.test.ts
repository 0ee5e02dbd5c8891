import { BasicAuth } from '@authbelt/basic';
import { AuthBase, AuthError, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import ky, { type KyInstance } from 'ky';
import ky1 from 'ky1';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

// What one exchange does under ky: which requests reach the scheme, who
// follows redirects, how many legs go, and what the caller gets when it fails.

/** Counts the exchanges it is asked to run, and signs each request with a header. */
class CountingAuth extends AuthBase {
  flows = 0;
  override async *flow(request: AuthRequest): AuthFlow {
    this.flows++;
    request.headers.set('X-TokenAuth', 'tok');
    yield request;
  }
}

/** Fails its exchange with an AuthError before anything is sent. */
class RefusingAuth extends AuthBase {
  // biome-ignore lint/correctness/useYield: it fails before its first request
  override async *flow(): AuthFlow {
    throw new AuthError('ERR_INVALID_CREDENTIALS', 'refused by the scheme');
  }
}

let server: TestServer;
let secure: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users: { Aladdin: 'open sesame' } },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/hop': { redirect: { location: '/token' } },
    },
  });
  secure = await startTestServer({
    tls: true,
    routes: { '/basic': { auth: 'basic', realm: 'r', users: { Aladdin: 'open sesame' } } },
  });
});
afterAll(async () => {
  await Promise.all([server.close(), secure.close()]);
});
beforeEach(() => {
  server.reset();
  secure.reset();
});

/** The path and status of each request the server saw, in order. */
const paths = () => server.requests.map((r) => `${r.path} ${r.status}`).join(', ');
// /hop redirects to /token, which wants X-TokenAuth. Followed by authbelt, the answer goes to /token;
// followed by the client, the scheme sees only /token's 401 and answers it on /hop.
const followedByAuthbelt = '/hop 302, /token 401, /token 200';
const followedByClient = '/hop 302, /token 401, /hop 302, /token 200';

describe.each([
  ['ky 2', ky],
  ['ky 1', ky1 as unknown as KyInstance],
] as const)('an exchange under %s', (_name, base) => {
  it('signs an https request in, through undici’s own fetch (which takes no Request of this realm) and its dispatcher', async () => {
    const dispatcher = new Agent({ connect: { ca: secure.ca ?? '' } });
    try {
      const api = withAuth(base.extend({ fetch: undiciFetch as never }), new BasicAuth('Aladdin', 'open sesame'));
      const response = await api.get(`${secure.url}/basic`, { dispatcher } as never);
      expect(response.status).toBe(200);
      expect(secure.requests.map((r) => r.user)).toEqual(['Aladdin']);
    } finally {
      await dispatcher.close();
    }
  });

  it('hands a data: URL to fetch as it is, never to the scheme', async () => {
    const auth = new CountingAuth();
    const text = await withAuth(base, auth).get('data:text/plain,hello').text();
    expect(text).toBe('hello');
    expect(auth.flows).toBe(0);
  });

  it('follows a redirect itself and answers the challenge on the URL that sent it', async () => {
    const response = await withAuth(base, new ChallengeTokenAuth()).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(paths()).toBe(followedByAuthbelt);
  });

  it("with redirects: 'client' fetch follows it: the scheme's answer starts again from the first URL", async () => {
    const response = await withAuth(base, new ChallengeTokenAuth(), { redirects: 'client' }).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(paths()).toBe(followedByClient);
  });

  it.each([
    'authbelt',
    'client',
  ] as const)("returns the redirect as it is when the request asks for redirect: 'manual' (redirects: %s)", async (redirects) => {
    const response = await withAuth(base, new ChallengeTokenAuth(), { redirects }).get(`${server.url}/hop`, {
      redirect: 'manual',
      throwHttpErrors: false,
    });
    expect(response.status).toBe(302);
    expect(paths()).toBe('/hop 302');
  });

  it('sends no more legs than maxLegs', async () => {
    const response = await withAuth(base, new ChallengeTokenAuth(), { maxLegs: 1 }).get(`${server.url}/token`, {
      throwHttpErrors: false,
    });
    expect(response.status).toBe(401);
    expect(paths()).toBe('/token 401');
  });

  it('hands a scheme’s AuthError to the caller as it is (only a redirect error becomes fetch’s TypeError)', async () => {
    const error = await withAuth(base, new RefusingAuth())
      .get(`${server.url}/token`, { retry: 0 })
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect(server.requests).toHaveLength(0);
  });
});

describe('in a browser, where a manual redirect is opaque', () => {
  const scope = globalThis as { document?: unknown };
  beforeEach(() => {
    scope.document = {};
  });
  afterEach(() => {
    delete scope.document;
  });

  it('fetch follows redirects by default, as with redirects: client', async () => {
    const response = await withAuth(ky, new ChallengeTokenAuth()).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(paths()).toBe(followedByClient);
  });
});
