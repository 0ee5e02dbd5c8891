import { createHash } from 'node:crypto';
import { BasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthFlow, type AuthRequest } from '@authbelt/core';
import { asInFirefox, startTestServer, type TestServer } from '@authbelt/test-server';
import ky, { HTTPError, type KyInstance, TimeoutError } from 'ky';
import ky1, { HTTPError as HTTPError1, type KyInstance as Ky1Instance, TimeoutError as TimeoutError1 } from 'ky1';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authHooks, withAuth } from './index.js';

class TokenAuth extends AuthBase {
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', 'tok');
  }
}

/** Sends nothing first and answers a 401 once: every body has to be sent twice. */
class ChallengeTokenAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    const response = yield request;
    if (response.status === 401) {
      request.headers.set('X-TokenAuth', 'tok');
      yield request;
    }
  }
}

/** Waits between its two legs longer than the client's timeout. */
class SlowAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    yield request;
    await new Promise((resolve) => setTimeout(resolve, 300));
    request.headers.set('X-TokenAuth', 'tok');
    yield request;
  }
}

const users = { Aladdin: 'open sesame' };
const sha = (bytes: Uint8Array | undefined) =>
  createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');
let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/always': { auth: 'basic', realm: 'r', users, alwaysUnauthorized: true },
      '/to-same': { auth: 'basic', realm: 'r', users, redirect: { location: '/basic' } },
      '/to-other': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } },
    },
  });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
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
  it('ky 2: a fetch given per request still goes through auth (the init hook wraps it)', async () => {
    let calls = 0;
    const myFetch = (input: string | URL | Request, init?: RequestInit) => {
      calls++;
      return fetch(input, init);
    };
    const response = await withAuth(ky, new ChallengeTokenAuth()).get(`${server.url}/token`, { fetch: myFetch });
    expect(response.status).toBe(200);
    expect(calls).toBe(2);
  });

  it('uses a fetch set on the instance before withAuth for every leg', async () => {
    let calls = 0;
    const myFetch = (input: string | URL | Request, init?: RequestInit) => {
      calls++;
      return fetch(input, init);
    };
    for (const base of [ky.extend({ fetch: myFetch }), ky1.extend({ fetch: myFetch })]) {
      const response = await withAuth(base as KyInstance, new ChallengeTokenAuth()).get(`${server.url}/token`);
      expect(response.status).toBe(200);
    }
    expect(calls).toBe(4);
  });
});

describe('argument checks', () => {
  it('refuses what is not a ky instance or a scheme', () => {
    expect(() => withAuth({} as KyInstance, new TokenAuth())).toThrow(/ky instance/);
    expect(() => withAuth(ky, {} as AuthBase)).toThrow(/AuthBase/);
    expect(() => authHooks({} as AuthBase)).toThrow(/AuthBase/);
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
