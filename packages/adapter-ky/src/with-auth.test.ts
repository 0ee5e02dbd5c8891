import { createHash } from 'node:crypto';
import { proxyDispatcher } from '@authbelt/adapter-fetch/proxy';
import { BasicAuth, ProxyBasicAuth } from '@authbelt/basic';
import { type AuthBase, isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { asInFirefox, startTestServer, type TestServer } from '@authbelt/test-server';
import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import ky1, { HTTPError as HTTPError1, type KyInstance as Ky1Instance, TimeoutError as TimeoutError1 } from 'ky1';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHooks, withAuth } from './index.js';
import { ChallengeTokenAuth, countingFetch, SlowAuth, TokenAuth } from './test-helpers.js';

const users = { Aladdin: 'open sesame' };
const sha = (bytes: Uint8Array | undefined) =>
  createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');
let server: TestServer;
let other: TestServer;
let proxy: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  proxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/always': { auth: 'basic', realm: 'r', users, alwaysUnauthorized: true },
      '/to-same': { auth: 'basic', realm: 'r', users, redirect: { location: '/basic' } },
      '/digest-endless': { auth: 'digest', realm: 'r', users, endless401: true },
      '/loop': { redirect: { location: '/loop' } },
      '/to-other': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } },
    },
  });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close(), proxy.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
  proxy.reset();
});

type AnyKy = KyInstance | Ky1Instance;
interface Flavour {
  name: string;
  ky: AnyKy;
  HTTPError: typeof HTTPError | typeof HTTPError1;
  TimeoutError: typeof TimeoutError | typeof TimeoutError1;
  prefix: (url: string) => Record<string, string>;
  hooks: (auth: AuthBase) => AnyKy;
}
const flavours: Flavour[] = [
  {
    name: 'ky 2',
    ky,
    HTTPError,
    TimeoutError,
    prefix: (url) => ({ prefix: url }),
    hooks: (auth) => ky.create({ hooks: authHooks(auth) }),
  },
  {
    name: 'ky 1',
    ky: ky1,
    HTTPError: HTTPError1,
    TimeoutError: TimeoutError1,
    prefix: (url) => ({ prefixUrl: url }),
    hooks: (auth) => ky1.create({ hooks: authHooks(auth) }),
  },
];

describe.each(flavours)('withAuth($name)', (flavour) => {
  const client = (auth: AuthBase): AnyKy => withAuth(flavour.ky as KyInstance, auth);

  it('gets 200 from a Basic route in exactly one request, with the prefix option', async () => {
    const api = (client(new BasicAuth('Aladdin', 'open sesame')) as KyInstance).extend(flavour.prefix(server.url));
    const body = await api.get('basic', { searchParams: { q: 'a b' } }).json();
    expect(body).toMatchObject({ authenticated: true, user: 'Aladdin' });
    expect(server.requests.map((r) => r.target)).toEqual(['/basic?q=a+b']);
  });

  it('throws ky’s HTTPError carrying the 401 for a wrong password, after one request', async () => {
    const error = await client(new BasicAuth('Aladdin', 'wrong'))
      .get(`${server.url}/basic`)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(flavour.HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(server.stats('/basic').requests).toBe(1);
  });

  it('returns the 401 when throwHttpErrors is false', async () => {
    const response = await client(new BasicAuth('Aladdin', 'wrong')).get(`${server.url}/basic`, {
      throwHttpErrors: false,
    });
    expect(response.status).toBe(401);
  });

  it('runs a custom AuthBase', async () => {
    expect((await client(new TokenAuth()).get(`${server.url}/token`)).status).toBe(200);
  });

  it('where Request has no body property (Firefox): a GET goes out without a body, a PUT with its own', async () => {
    const auth = new ChallengeTokenAuth();
    await asInFirefox(async () => {
      expect((await client(auth).get(`${server.url}/token`)).status).toBe(200);
      expect((await client(auth).put(`${server.url}/token`, { body: 'héllo' })).status).toBe(200);
    });
    expect(server.requests.map((r) => [r.method, new TextDecoder().decode(r.body)])).toEqual([
      ['GET', ''],
      ['GET', ''],
      ['PUT', 'héllo'],
      ['PUT', 'héllo'],
    ]);
  });

  it('answers a server that keeps answering 401 once', async () => {
    const error = await client(new ChallengeTokenAuth())
      .get(`${server.url}/always`)
      .catch((e: unknown) => e);
    expect((error as HTTPError).response.status).toBe(401);
    expect(server.stats('/always').requests).toBe(2);
  });

  const form = () => {
    const data = new FormData();
    data.append('field', 'value');
    data.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
    return data;
  };
  const stream = () => new Blob(['streamed body']).stream();
  it.each<[string, () => Record<string, unknown>]>([
    ['string', () => ({ body: 'héllo wörld' })],
    ['json option', () => ({ json: { a: 1, b: ['two'] } })],
    ['Uint8Array', () => ({ body: new Uint8Array([0, 1, 2, 255]) })],
    ['ArrayBuffer', () => ({ body: new Uint8Array([9, 8, 7]).buffer })],
    ['URLSearchParams', () => ({ body: new URLSearchParams({ a: '1', b: 'two words' }) })],
    ['Blob', () => ({ body: new Blob(['blob body'], { type: 'application/x-blob' }) })],
    ['FormData', () => ({ body: form() })],
    ['ReadableStream', () => ({ body: stream() })],
  ])('replays a %s body byte for byte on the retry', async (_kind, init) => {
    const response = await client(new ChallengeTokenAuth()).put(`${server.url}/token`, init());
    expect(response.status).toBe(200);
    const [first, second] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(first?.status).toBe(401);
    expect(first?.body.byteLength).toBeGreaterThan(0);
    expect(sha(second?.body)).toBe(sha(first?.body));
    expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
  });

  it('stays authenticated across a same-origin redirect', async () => {
    const response = await client(new BasicAuth('Aladdin', 'open sesame')).get(`${server.url}/to-same`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/to-same', 302],
      ['/basic', 200],
    ]);
  });

  it('carries no credential of any kind to another origin', async () => {
    const response = await client(new BasicAuth('Aladdin', 'open sesame')).get(`${server.url}/to-other`, {
      headers: { Authorization: 'Bearer mine', Cookie: 'session=1', 'X-Trace': 'keep' },
    });
    expect(response.status).toBe(200);
    const landed = other.requests[0];
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
    expect(landed?.headers['x-trace']).toBe('keep');
  });

  it('lets ky’s timeout cover the whole exchange', async () => {
    const error = await client(new SlowAuth())
      .get(`${server.url}/token`, { timeout: 100, retry: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(flavour.TimeoutError);
    expect(server.stats('/token').requests).toBe(1);
  });

  it('moves on from an intermediate 401 whose body never ends: the Digest exchange gets its 200', async () => {
    // No ky timeout: without a bound on draining the 401 this waits forever (the test's timeout ends it).
    const response = await client(new DigestAuth('Aladdin', 'open sesame')).get(`${server.url}/digest-endless`, {
      timeout: false,
      retry: 0,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ authenticated: true, user: 'Aladdin' });
    expect(server.stats('/digest-endless')).toMatchObject({ requests: 2, challenges: 1, authSuccesses: 1 });
  });

  it('fails a redirect loop as ky over plain fetch does, the AuthError ERR_REDIRECT on the TypeError', async () => {
    const plain = await flavour.ky.get(`${server.url}/loop`, { retry: 0 }).catch((e: unknown) => e);
    const plainRequests = server.requests.length;
    server.reset();
    const error = await client(new BasicAuth('Aladdin', 'open sesame'))
      .get(`${server.url}/loop`, { retry: 0 })
      .catch((e: unknown) => e);
    // ky 2 wraps fetch's TypeError in its NetworkError; ky 1 hands it on as it is.
    expect((error as Error).constructor).toBe((plain as Error).constructor);
    expect((error as Error).message).toBe((plain as Error).message);
    const typeError = error instanceof TypeError ? error : (error as Error).cause;
    expect(typeError).toBeInstanceOf(TypeError);
    const reason = (typeError as TypeError).cause;
    expect(isAuthError(reason) && reason.code).toBe('ERR_REDIRECT');
    expect(server.requests).toHaveLength(plainRequests);
  });

  it('a proxy that refuses the credentials: the AuthError is the cause of fetch’s TypeError (ky 2: under its NetworkError)', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'wrong') });
    const error = await client(new TokenAuth())
      .get(`${server.url}/token`, { dispatcher, retry: 0 } as never)
      .catch((e: unknown) => e);
    await dispatcher.close();
    const typeError = flavour.name === 'ky 2' ? (error as Error).cause : error;
    expect(typeError).toBeInstanceOf(TypeError);
    const reason = (typeError as TypeError).cause;
    expect(isAuthError(reason) && reason.code).toBe('ERR_PROXY_AUTHENTICATION');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps ky’s own hooks: they see the caller’s request and the final response', async () => {
    const seen: Array<[string | null, number]> = [];
    const api = (client(new ChallengeTokenAuth()) as KyInstance).extend({
      hooks: {
        afterResponse: [
          ((...args: unknown[]) => {
            const state =
              args[0] instanceof Request
                ? { request: args[0], response: args[2] as Response }
                : (args[0] as { request: Request; response: Response });
            seen.push([state.request.headers.get('x-tokenauth'), state.response.status]);
          }) as never,
        ],
      },
    });
    await api.get(`${server.url}/token`);
    expect(seen).toEqual([[null, 200]]);
  });

  it('authHooks gives the same exchange to an instance composed by hand', async () => {
    const api = flavour.hooks(new ChallengeTokenAuth());
    expect((await api.post(`${server.url}/token`, { body: 'x' })).status).toBe(200);
    expect(server.requests.map((r) => [r.status, new TextDecoder().decode(r.body)])).toEqual([
      [401, 'x'],
      [200, 'x'],
    ]);
  });
});

describe('ky specifics', () => {
  it('ky 2 retries a refused proxy like any network error, unless shouldRetry finds the AuthError (README)', async () => {
    const authErrorIn = (error: unknown) => {
      for (let e: unknown = error; e instanceof Error; e = e.cause) if (isAuthError(e)) return e;
      return undefined;
    };
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'wrong') });
    const api = withAuth(ky, new TokenAuth());
    const options = { dispatcher, retry: { limit: 2, backoffLimit: 1 } } as never;
    const retried = await api.get(`${server.url}/token`, options).catch((e: unknown) => e);
    expect(authErrorIn(retried)?.code).toBe('ERR_PROXY_AUTHENTICATION');
    expect(proxy.requests).toHaveLength(3);
    proxy.reset();
    const once = await api
      .extend({ retry: { limit: 2, shouldRetry: ({ error }) => (authErrorIn(error) ? false : undefined) } })
      .get(`${server.url}/token`, { dispatcher } as never)
      .catch((e: unknown) => e);
    expect(authErrorIn(once)?.code).toBe('ERR_PROXY_AUTHENTICATION');
    expect(proxy.requests).toHaveLength(1);
    await dispatcher.close();
  });

  it('ky 2: a fetch given per request still goes through auth (the init hook wraps it)', async () => {
    const counter = countingFetch();
    const response = await withAuth(ky, new ChallengeTokenAuth()).get(`${server.url}/token`, { fetch: counter.fetch });
    expect(response.status).toBe(200);
    expect(counter.calls).toBe(2);
  });

  it('uses a fetch set on the instance before withAuth for every leg', async () => {
    const counter = countingFetch();
    for (const base of [ky.extend({ fetch: counter.fetch }), ky1.extend({ fetch: counter.fetch })]) {
      const response = await withAuth(base as KyInstance, new ChallengeTokenAuth()).get(`${server.url}/token`);
      expect(response.status).toBe(200);
    }
    expect(counter.calls).toBe(4);
  });
});

describe('argument checks', () => {
  const refusal = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      return isAuthError(error) ? `${error.code}: ${error.message}` : error;
    }
    return undefined;
  };
  const bad: Array<[string, unknown, string]> = [
    ['maxLegs: 0', { maxLegs: 0 }, 'option maxLegs must be an integer of at least 1'],
    ["maxLegs: '2'", { maxLegs: '2' }, 'option maxLegs must be an integer of at least 1'],
    ["redirects: 'follow'", { redirects: 'follow' }, "option redirects must be 'authbelt' or 'client'"],
    ['an unknown option', { timeout: 100 }, 'has no option "timeout"'],
    ['null', null, 'options must be an object'],
  ];

  it.each(bad)('withAuth refuses %s at once, naming the option', (_name, options, message) => {
    expect(String(refusal(() => withAuth(ky, new TokenAuth(), options as never)))).toContain(
      `ERR_INVALID_ARGUMENT: withAuth ${message}`,
    );
    expect(refusal(() => withAuth(ky1, new TokenAuth(), options as never))).toMatch(/^ERR_INVALID_ARGUMENT/);
  });

  it.each([
    ...bad,
    ['fetch that is not a function', { fetch: 'https://example.org' }, 'option fetch must be a function'],
  ])('authHooks refuses %s at once, naming the option', (_name, options, message) => {
    expect(String(refusal(() => authHooks(new TokenAuth(), options as never)))).toContain(
      `ERR_INVALID_ARGUMENT: authHooks ${message}`,
    );
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'ky'],
    ['an object without extend', {}],
  ])('withAuth refuses %s for the ky instance with ERR_INVALID_ARGUMENT', (_name, instance) => {
    expect(refusal(() => withAuth(instance as KyInstance, new TokenAuth()))).toBe(
      'ERR_INVALID_ARGUMENT: withAuth needs a ky instance as its first argument',
    );
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'auth'],
    ['a function with a flow property', Object.assign(() => {}, { flow: () => {} })],
    ['an object without flow', {}],
  ])('withAuth and authHooks refuse %s for the scheme with ERR_INVALID_ARGUMENT', (_name, auth) => {
    const message = 'ERR_INVALID_ARGUMENT: Pass an AuthBase (BasicAuth, DigestAuth, ...) as auth';
    expect(refusal(() => withAuth(ky, auth as AuthBase))).toBe(message);
    expect(refusal(() => authHooks(auth as AuthBase))).toBe(message);
  });

  it('takes any object with an extend function as the ky instance', () => {
    const base = { extend: ky.extend.bind(ky) };
    expect(typeof withAuth(base, new TokenAuth()).get).toBe('function');
  });

  it('takes valid options and none', () => {
    expect(refusal(() => withAuth(ky, new TokenAuth(), { redirects: 'authbelt', maxLegs: 5 }))).toBeUndefined();
    expect(refusal(() => authHooks(new TokenAuth(), { redirects: 'authbelt' }))).toBeUndefined();
    expect(refusal(() => withAuth(ky, new TokenAuth(), { redirects: 'client', maxLegs: 1 }))).toBeUndefined();
    expect(refusal(() => withAuth(ky, new TokenAuth(), undefined))).toBeUndefined();
    expect(refusal(() => authHooks(new TokenAuth(), { fetch, maxLegs: undefined }))).toBeUndefined();
  });

  it('types: both ky versions are accepted and keep their own instance type', () => {
    const two: KyInstance = withAuth(ky, new TokenAuth());
    const one: Ky1Instance = withAuth(ky1, new TokenAuth());
    const hooks = authHooks(new TokenAuth());
    ky.create({ hooks: { init: hooks.init, beforeRequest: [...hooks.beforeRequest] } });
    ky1.create({ hooks: { beforeRequest: [...hooks.beforeRequest] } });
    expect(typeof two.extend).toBe('function');
    expect(typeof one.extend).toBe('function');
  });
});
