import { createHash } from 'node:crypto';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { BasicAuth, ProxyBasicAuth } from '@authbelt/basic';
import { AuthBase, AuthError, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosAdapter, AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ejectAuth, type WithAuthOptions, withAuth } from './index.js';
import { ChallengeTokenAuth, TokenAuth } from './test-helpers.js';

const users = { Aladdin: 'open sesame' };
const sha = (bytes: Uint8Array | undefined) =>
  createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');
let server: TestServer;
let other: TestServer;
let secure: TestServer;
let proxy: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/always': { auth: 'basic', realm: 'r', users, alwaysUnauthorized: true },
      '/to-same': { auth: 'basic', realm: 'r', users, redirect: { location: '/basic' } },
      '/to-other': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } },
      '/failing': { status: 503 },
      '/open-hop': { redirect: { location: '/basic' } },
      '/gone': { status: 410 },
    },
  });
  secure = await startTestServer({
    tls: true,
    routes: { '/to-http': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } } },
  });
  proxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close(), secure.close(), proxy.close()]);
});
beforeEach(() => {
  for (const s of [server, other, secure, proxy]) s.reset();
});

const adapters = ['http', 'fetch'] as const;

describe.each(adapters)('withAuth(axios) with the %s adapter', (adapter) => {
  const client = (auth: AuthBase, config: AxiosRequestConfig = {}): AxiosInstance =>
    withAuth(axios.create({ adapter, ...config }), auth);

  it('gets 200 from a Basic route in exactly one request, keeping baseURL and params', async () => {
    const api = client(new BasicAuth('Aladdin', 'open sesame'), { baseURL: server.url });
    const response = await api.get('/basic', { params: { q: 'a b' }, headers: { 'X-One': '1' } });
    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({ authenticated: true, user: 'Aladdin' });
    expect(server.requests.map((r) => [r.target, r.headers['x-one']])).toEqual([['/basic?q=a+b', '1']]);
  });

  it('rejects a wrong password with the AxiosError axios gives for a 401, after one request', async () => {
    const error = await client(new BasicAuth('Aladdin', 'wrong'))
      .get(`${server.url}/basic`)
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect((error as AxiosError).response?.status).toBe(401);
    expect((error as AxiosError).config?.url).toBe(`${server.url}/basic`);
    expect(server.stats('/basic').requests).toBe(1);
  });

  it('resolves with the 401 when validateStatus accepts it', async () => {
    const response = await client(new BasicAuth('Aladdin', 'wrong')).get(`${server.url}/basic`, {
      validateStatus: () => true,
    });
    expect(response.status).toBe(401);
    expect(response.config.validateStatus?.(401)).toBe(true);
  });

  it('runs a custom AuthBase (requests’ TokenAuth)', async () => {
    const response = await client(new TokenAuth('tok')).get(`${server.url}/token`);
    expect(response.status).toBe(200);
    expect(server.stats('/token').requests).toBe(1);
  });

  it('answers a server that keeps answering 401 once, then rejects with its 401', async () => {
    const error = await client(new ChallengeTokenAuth())
      .get(`${server.url}/always`)
      .catch((e: unknown) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(server.stats('/always').requests).toBe(2);
  });

  const form = () => {
    const data = new FormData();
    data.append('field', 'value');
    data.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');
    return data;
  };
  it.each<[string, () => unknown]>([
    ['string', () => 'héllo wörld'],
    ['object (JSON)', () => ({ a: 1, b: ['two'] })],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: 'two words' })],
    ['FormData', form],
    ['Buffer', () => Buffer.from([0, 1, 2, 255])],
    ['Uint8Array', () => new Uint8Array([9, 8, 7])],
    ['ArrayBuffer', () => new Uint8Array([5, 6]).buffer],
    ['Blob', () => new Blob(['blob body'], { type: 'application/x-blob' })],
  ])('replays a %s body byte for byte on the retry', async (_kind, makeBody) => {
    const response = await client(new ChallengeTokenAuth()).put(`${server.url}/token`, makeBody());
    expect(response.status).toBe(200);
    const [first, second] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(first?.status).toBe(401);
    expect(first?.body.byteLength).toBeGreaterThan(0);
    expect(sha(second?.body)).toBe(sha(first?.body));
    expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
  });

  it('sends a stream once and fails with ERR_BODY_NOT_REPLAYABLE when a retry would need it', async () => {
    const body = adapter === 'http' ? Readable.from([Buffer.from('streamed')]) : new Blob(['x']).stream();
    const error = await client(new ChallengeTokenAuth())
      .post(`${server.url}/token`, body)
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect((error as { response?: { status: number } }).response?.status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it('sends a stream with a preemptive scheme', async () => {
    const body = adapter === 'http' ? Readable.from([Buffer.from('streamed')]) : new Blob(['streamed']).stream();
    const response = await client(new BasicAuth('Aladdin', 'open sesame')).post(`${server.url}/basic`, body);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('streamed');
  });

  it('sends a Node Readable once with a preemptive scheme', async () => {
    const response = await client(new BasicAuth('Aladdin', 'open sesame')).post(
      `${server.url}/basic`,
      Readable.from([Buffer.from('node stream')]),
    );
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('node stream');
  });

  it('takes a web ReadableStream only where axios does (the fetch adapter)', async () => {
    const send = (api: AxiosInstance) =>
      api.post(`${server.url}/basic`, new Blob(['web stream']).stream()).then(
        (response) => response.status,
        (error: unknown) => (error as AxiosError).code,
      );
    const plain = await send(axios.create({ adapter, auth: { username: 'Aladdin', password: 'open sesame' } }));
    const ours = await send(client(new BasicAuth('Aladdin', 'open sesame')));
    // axios 1.13's http adapter refuses it before sending ("Data after transformation must be ...").
    expect(plain).toBe(adapter === 'http' ? 'ERR_BAD_REQUEST' : 200);
    expect(ours).toBe(plain);
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
    expect(landed?.path).toBe('/landing');
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
    expect(landed?.headers['x-trace']).toBe('keep');
  });

  it('returns a redirect as it is when maxRedirects is 0', async () => {
    const response = await client(new BasicAuth('Aladdin', 'open sesame'), {
      maxRedirects: 0,
      fetchOptions: { redirect: 'manual' },
      validateStatus: () => true,
    }).get(`${server.url}/to-same`);
    expect(response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('ends cleanly when the signal aborts mid-exchange, with axios’s CanceledError', async () => {
    const controller = new AbortController();
    class AbortingAuth extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        yield request;
        controller.abort(new Error('user gave up'));
        yield request;
      }
    }
    const error = await client(new AbortingAuth())
      .get(`${server.url}/token`, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(axios.isCancel(error)).toBe(true);
    expect(server.stats('/token').requests).toBe(1);
  });

  it('drains intermediate 401s so keep-alive connections are reused', async () => {
    const api = client(new ChallengeTokenAuth());
    for (let i = 0; i < 5; i++) await api.get(`${server.url}/token`);
    const warm = server.openSockets();
    for (let i = 0; i < 50; i++) {
      expect((await api.get(`${server.url}/token`)).status).toBe(200);
    }
    expect(server.stats('/token').requests).toBe(110);
    expect(server.openSockets()).toBeLessThanOrEqual(warm);
  });
});

describe('withAuth(axios) specifics', () => {
  it('carries no credential from https to http (Node http adapter)', async () => {
    const api = withAuth(
      axios.create({ httpsAgent: new HttpsAgent({ ca: secure.ca ?? '' }) }),
      new BasicAuth('Aladdin', 'open sesame'),
    );
    const response = await api.get(`${secure.url}/to-http`);
    expect(response.status).toBe(200);
    expect(secure.requests[0]?.headers.authorization).toMatch(/^Basic /);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('works on the default axios instance and is removed by ejectAuth', async () => {
    withAuth(axios, new BasicAuth('Aladdin', 'open sesame'));
    try {
      expect((await axios.get(`${server.url}/basic`)).status).toBe(200);
    } finally {
      expect(ejectAuth(axios)).toBe(true);
    }
    expect(ejectAuth(axios)).toBe(false);
    const error = await axios.get(`${server.url}/basic`).catch((e: unknown) => e);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(server.requests.map((r) => r.user ?? null)).toEqual(['Aladdin', null]);
  });

  it('runs the scheme once for a config re-sent by a retry library, not once more inside', async () => {
    /** Sends how many times it was asked, so the server sees a scheme run twice for one request. */
    class CountingAuth extends AuthBase {
      runs = 0;
      override authorize(request: AuthRequest): void {
        this.runs++;
        request.headers.set('X-Runs', String(this.runs));
      }
    }
    const api = withAuth(axios.create(), new CountingAuth());
    const first = await api.get(`${server.url}/token`, { validateStatus: () => true });
    await api.request(first.config);
    expect(server.requests.map((r) => r.headers['x-runs'])).toEqual(['1', '2']);
  });

  it('replaces the scheme when called again on the same instance', async () => {
    const api = withAuth(axios.create(), new BasicAuth('Aladdin', 'wrong'));
    withAuth(api, new BasicAuth('Aladdin', 'open sesame'));
    expect((await api.get(`${server.url}/basic`)).status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  it('authenticates a config re-sent by a retry library exactly once', async () => {
    const api = withAuth(axios.create(), new ChallengeTokenAuth());
    const first = await api.get(`${server.url}/token`);
    const again = await api.request(first.config);
    expect(again.status).toBe(200);
    expect(server.stats('/token').requests).toBe(4);
  });

  it('answers the proxy’s 407 through axios’s proxy option, in absolute-form', async () => {
    const port = Number(new URL(proxy.url).port);
    const api = withAuth(
      axios.create({ proxy: { protocol: 'http', host: '127.0.0.1', port } }),
      new ProxyBasicAuth('pu', 'pp'),
    );
    const response = await api.get(`${other.url}/landing?x=1`);
    expect(response.status).toBe(200);
    expect(proxy.requests[0]).toMatchObject({ proxy: true, target: `${other.url}/landing?x=1`, status: 200 });
    expect(other.requests[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it.each<[string, unknown, RegExp]>([
    ['maxLegs: 0', { maxLegs: 0 }, /withAuth option maxLegs must be an integer of at least 1/],
    ['maxLegs: 2.5', { maxLegs: 2.5 }, /withAuth option maxLegs/],
    ["redirects: 'follow'", { redirects: 'follow' }, /withAuth option redirects must be 'authbelt' or 'client'/],
    ['an unknown option', { maxRedirects: 3 }, /withAuth has no option "maxRedirects"/],
    ['null', null, /withAuth options must be an object/],
  ])('refuses %s at construction with ERR_INVALID_ARGUMENT naming the option', (_name, options, message) => {
    let error: unknown;
    try {
      withAuth(axios.create(), new BasicAuth('a', 'b'), options as WithAuthOptions);
    } catch (e) {
      error = e;
    }
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(message);
  });

  it('refuses what is not an axios instance or a scheme', () => {
    expect(() => withAuth({} as AxiosInstance, new BasicAuth('a', 'b'))).toThrow(/axios instance/);
    expect(() => withAuth(axios.create(), {} as AuthBase)).toThrow(/AuthBase/);
  });
});

describe.each(adapters)('what the caller gets with the %s adapter', (adapter) => {
  it('sends params on an absolute URL (no baseURL)', async () => {
    const api = withAuth(axios.create({ adapter }), new BasicAuth('Aladdin', 'open sesame'));
    const response = await api.get(`${server.url}/basic`, { params: { q: 'a b', n: 1 } });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.target)).toEqual(['/basic?q=a+b&n=1']);
  });

  it('rejects a 5xx with ERR_BAD_RESPONSE and a 4xx with ERR_BAD_REQUEST, as axios’s settle does', async () => {
    const api = withAuth(axios.create({ adapter }), new BasicAuth('Aladdin', 'open sesame'));
    const failed = await api.get(`${server.url}/failing`).catch((e: unknown) => e);
    expect((failed as AxiosError).code).toBe('ERR_BAD_RESPONSE');
    expect((failed as AxiosError).message).toBe('Request failed with status code 503');
    expect((failed as AxiosError).response?.status).toBe(503);
    const refused = await api.get(`${server.url}/gone`).catch((e: unknown) => e);
    expect((refused as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect((refused as AxiosError).message).toBe('Request failed with status code 410');
  });

  it('resolves every status when validateStatus is null, as axios does', async () => {
    const api = withAuth(axios.create({ adapter, validateStatus: null }), new BasicAuth('Aladdin', 'wrong'));
    expect((await api.get(`${server.url}/basic`)).status).toBe(401);
    expect((await api.get(`${server.url}/failing`)).status).toBe(503);
  });

  it('points an AuthError’s response at the caller’s config', async () => {
    const body = adapter === 'http' ? Readable.from([Buffer.from('streamed')]) : new Blob(['x']).stream();
    const error = await withAuth(axios.create({ adapter, baseURL: server.url }), new ChallengeTokenAuth())
      .post('/token', body, { headers: { 'X-Mine': '1' } })
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    const config = (error as { response?: { config: AxiosRequestConfig } }).response?.config;
    expect(config?.url).toBe('/token');
    expect(config?.baseURL).toBe(server.url);
  });

  it('points an AxiosError from the network at the caller’s config', async () => {
    const closed = await startTestServer({});
    const url = closed.url;
    await closed.close();
    const error = await withAuth(axios.create({ adapter, baseURL: url }), new BasicAuth('Aladdin', 'open sesame'))
      .get('/basic', { params: { q: 1 } })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    expect((error as AxiosError).config?.url).toBe('/basic');
    expect((error as AxiosError).config?.params).toEqual({ q: 1 });
    expect((error as AxiosError).config?.baseURL).toBe(url);
  });

  it.each([
    ['a data: URL', 'data:text/plain,hello'],
    ['a URL that does not parse', 'http://[not a host/'],
  ])('hands %s to axios as it is: the same outcome as plain axios, and the scheme is never asked', async (_name, url) => {
    class WatchedAuth extends AuthBase {
      asked = 0;
      override authorize(): void {
        this.asked++;
      }
    }
    const auth = new WatchedAuth();
    const outcome = (pending: Promise<{ data: unknown }>) =>
      pending.then(
        (r) => r.data,
        (e: unknown) => [(e as AxiosError).code, (e as Error).message],
      );
    const plain = await outcome(axios.get(url, { adapter, responseType: 'text' }));
    const ours = await outcome(withAuth(axios.create({ adapter }), auth).get(url, { responseType: 'text' }));
    expect(ours).toEqual(plain);
    expect(auth.asked).toBe(0);
  });

  it('hands an adapter of its own each leg’s method in lower case, as axios hands it', async () => {
    const methods: (string | undefined)[] = [];
    const inner = axios.getAdapter(adapter);
    const own: AxiosAdapter = (config) => {
      methods.push(config.method);
      return inner(config);
    };
    await axios.post(`${server.url}/token`, 'x', { adapter: own, validateStatus: () => true });
    await withAuth(axios.create({ adapter: own }), new ChallengeTokenAuth()).post(`${server.url}/token`, 'x');
    expect(methods).toEqual(['post', 'post', 'post']);
  });

  it.each<[string, () => unknown]>([
    ['an AuthError', () => new AuthError('ERR_INVALID_CREDENTIALS', 'refused by the scheme')],
    ['a TypeError', () => new TypeError('a bug in the scheme')],
    ['null', () => null],
  ])('hands what a scheme throws before anything is sent to the caller as it is: %s', async (_name, make) => {
    const thrown = make();
    const keys = typeof thrown === 'object' && thrown !== null ? Object.keys(thrown) : [];
    class RefusingAuth extends AuthBase {
      // biome-ignore lint/correctness/useYield: it fails before its first request
      override async *flow(): AuthFlow {
        throw thrown;
      }
    }
    const error = await withAuth(axios.create({ adapter }), new RefusingAuth())
      .get(`${server.url}/token`)
      .then(
        () => 'resolved',
        (e: unknown) => e,
      );
    expect(error).toBe(thrown);
    expect(typeof error === 'object' && error !== null ? Object.keys(error) : []).toEqual(keys);
    expect(server.requests).toHaveLength(0);
  });

  it('points the response of an AxiosError an adapter of its own rejects with at the caller’s config', async () => {
    const inner = axios.getAdapter(adapter);
    // An adapter that settles by itself, as custom adapters often do: a 4xx rejects, with its response.
    const settling: AxiosAdapter = async (config) => {
      const response = await inner(config);
      if (response.status < 400) return response;
      throw new AxiosError('refused', 'E_REFUSED', config, response.request, response);
    };
    const error = await withAuth(axios.create({ adapter: settling, baseURL: server.url }), new TokenAuth('wrong'))
      .get('/token')
      .catch((e: unknown) => e);
    expect((error as AxiosError).code).toBe('E_REFUSED');
    expect((error as AxiosError).config?.url).toBe('/token');
    expect((error as AxiosError).response?.config.url).toBe('/token');
    expect((error as AxiosError).response?.config.baseURL).toBe(server.url);
  });

  it('takes a signal that is not an AbortSignal (axios’s GenericAbortSignal) as axios does', async () => {
    const signal = { aborted: false, addEventListener: () => {}, removeEventListener: () => {} };
    const response = await withAuth(axios.create({ adapter }), new ChallengeTokenAuth()).get(`${server.url}/token`, {
      signal,
    });
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
  });

  it('sends with axios’s default adapter when an interceptor clears the adapter, as plain axios does', async () => {
    const saved = axios.defaults.adapter;
    const kindOf = (request: unknown) => (request instanceof Request ? 'fetch' : 'http');
    try {
      for (const fallback of [adapter, undefined]) {
        (axios.defaults as { adapter?: unknown }).adapter = fallback;
        const plain = axios.create();
        plain.interceptors.request.use((config) => ({ ...config, adapter: undefined }) as never);
        const api = withAuth(axios.create(), new TokenAuth());
        api.interceptors.request.use((config) => ({ ...config, adapter: undefined }) as never);
        const ours = await api.get(`${server.url}/token`);
        expect(ours.status).toBe(200);
        // With no default either, axios's own list ['xhr', 'http', 'fetch'] picks http in Node.
        expect(kindOf(ours.request)).toBe(fallback ?? 'http');
        if (fallback !== undefined)
          expect(kindOf((await plain.get(`${server.url}/landing`).catch((e) => e.response))?.request)).toBe(fallback);
      }
    } finally {
      (axios.defaults as { adapter?: unknown }).adapter = saved;
    }
  });
});

describe('redirect modes only one adapter has', () => {
  it('the fetch adapter’s fetchOptions redirect: error fails on a redirect, as plain axios does', async () => {
    const config: AxiosRequestConfig = { adapter: 'fetch', fetchOptions: { redirect: 'error' } };
    const plain = await axios.get(`${server.url}/open-hop`, config).catch((e: unknown) => e);
    expect((plain as AxiosError).code).toBe('ERR_NETWORK');
    server.reset();
    const ours = await withAuth(axios.create(config), new BasicAuth('Aladdin', 'open sesame'))
      .get(`${server.url}/open-hop`)
      .catch((e: unknown) => e);
    expect((ours as AxiosError).code).toBe('ERR_NETWORK');
    expect(server.requests.map((r) => r.path)).toEqual(['/open-hop']);
  });

  it('the http adapter with maxRedirects: 0 says no other URL answered, as plain axios does', async () => {
    const config: AxiosRequestConfig = { adapter: 'http', maxRedirects: 0, validateStatus: () => true };
    const plain = await axios.get(`${server.url}/to-same`, config);
    const ours = await withAuth(axios.create(config), new BasicAuth('Aladdin', 'open sesame')).get(
      `${server.url}/to-same`,
    );
    expect(ours.status).toBe(302);
    expect(ours.request.res.responseUrl).toBe(plain.request.res.responseUrl);
  });
});
