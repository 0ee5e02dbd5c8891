import { setTimeout as sleep } from 'node:timers/promises';
import { ProxyBasicAuth } from '@authbelt/basic';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { type Dispatcher, interceptors, fetch as undiciFetch, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { proxyDispatcher } from './proxy-dispatcher.js';

// undici 7's handler API (what its interceptors pass down): driven by
// proxyDispatcher as by undici's own dispatchers.

let digestProxy: TestServer;
let stallingProxy: TestServer;
let basicProxy: TestServer;
let origin: TestServer;
let secureOrigin: TestServer;

beforeAll(async () => {
  digestProxy = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
  basicProxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  // Its 407's body never ends: the leg is drained for 100 ms, then cut, before the answer goes.
  stallingProxy = await startTestServer({
    proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' }, endless407: true },
  });
  origin = await startTestServer({
    routes: {
      '/open': {},
      '/moved': { redirect: { location: '/open' } },
      // Two WWW-Authenticate lines: a repeated response header, one with octets outside ASCII (é, sent as UTF-8).
      '/twice': { auth: 'basic', users: { u: 'p' }, challenges: ['Basic realm="a"', 'Basic realm="caf\u00e9"'] },
      '/thrice': {
        auth: 'basic',
        users: { u: 'p' },
        challenges: ['Basic realm="a"', 'Basic realm="b"', 'Basic realm="c"'],
      },
    },
  });
  secureOrigin = await startTestServer({ tls: true, routes: { '/open': {} } });
});
afterAll(async () => {
  await Promise.all([
    digestProxy.close(),
    stallingProxy.close(),
    basicProxy.close(),
    origin.close(),
    secureOrigin.close(),
  ]);
});
beforeEach(() => {
  for (const server of [digestProxy, stallingProxy, basicProxy, origin, secureOrigin]) server.reset();
});

const throughDigestProxy = () =>
  proxyDispatcher({
    proxy: digestProxy.url,
    auth: new ProxyDigestAuth('pu', 'pp'),
    requestTls: { ca: secureOrigin.ca ?? '' },
  });

describe('proxyDispatcher composed with undici 7 interceptors', () => {
  it('answers the proxy’s 407 under interceptors.retry: undici.fetch gets the origin’s 200 body, in absolute-form and through a tunnel', async () => {
    // A dispatcher (and scheme) for each target, so each meets the 407.
    const dispatchers = [throughDigestProxy(), throughDigestProxy()] as const;
    const [forPlain, forTunnel] = dispatchers.map((d) =>
      d.compose(interceptors.retry({ maxRetries: 1, minTimeout: 10 })),
    ) as [Dispatcher, Dispatcher];
    const plain = await undiciFetch(`${origin.url}/open?x=1`, { dispatcher: forPlain });
    expect(plain.status).toBe(200);
    expect(JSON.parse(await plain.text())).toMatchObject({ method: 'GET', target: '/open?x=1' });
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
    digestProxy.reset();
    const tunnelled = await undiciFetch(`${secureOrigin.url}/open?y=2`, { dispatcher: forTunnel });
    expect(tunnelled.status).toBe(200);
    expect(JSON.parse(await tunnelled.text())).toMatchObject({ method: 'GET', target: '/open?y=2' });
    expect(digestProxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['CONNECT', 407],
      ['CONNECT', 200],
    ]);
    await Promise.all(dispatchers.map((d) => d.close()));
  });

  it('sends a POST body under interceptors.retry with ProxyBasicAuth, the origin getting it once', async () => {
    const dispatcher = proxyDispatcher({ proxy: basicProxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const composed = dispatcher.compose(interceptors.retry({ maxRetries: 1, minTimeout: 10 }));
    const response = await undiciFetch(`${origin.url}/open`, { method: 'POST', body: 'retried', dispatcher: composed });
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toMatchObject({ method: 'POST', target: '/open' });
    expect(origin.requests.map((r) => new TextDecoder().decode(r.body))).toEqual(['retried']);
    await dispatcher.close();
  });

  it('follows the origin’s redirect under interceptors.redirect (undici.request), each hop through the proxy', async () => {
    const dispatcher = throughDigestProxy();
    const composed = dispatcher.compose(interceptors.redirect({ maxRedirections: 1 }));
    const response = await undiciRequest(`${origin.url}/moved`, { dispatcher: composed });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(await response.body.text())).toMatchObject({ target: '/open' });
    expect(origin.requests.map((r) => r.path)).toEqual(['/moved', '/open']);
    expect(digestProxy.requests.map((r) => [r.target, r.status])).toEqual([
      [`${origin.url}/moved`, 407],
      [`${origin.url}/moved`, 302],
      [`${origin.url}/open`, 200],
    ]);
    await dispatcher.close();
  });

  it('drops the origin’s body under interceptors.dump (undici.request): the status comes, the body is empty', async () => {
    const dispatcher = throughDigestProxy();
    const composed = dispatcher.compose(interceptors.dump({ maxSize: 64 * 1024 }));
    const response = await undiciRequest(`${origin.url}/open`, { dispatcher: composed });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('');
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
    await dispatcher.close();
  });
});

type Controller = {
  abort(reason?: Error): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: Error | null | undefined;
};

/** A GET of `path` on the origin through `dispatcher`, driven by a hand-written handler. */
const getThrough = (dispatcher: Dispatcher, path: string, handler: object): boolean =>
  dispatcher.dispatch({ origin: origin.url, path, method: 'GET' }, handler as Dispatcher.DispatchHandler);

describe('a handler written for undici 7’s API (dispatcher.dispatch)', () => {
  it('gets onRequestStart once, then the status and headers (a repeated one as a list, values latin1), the body and its end, in order', async () => {
    const dispatcher = throughDigestProxy();
    const events: string[] = [];
    const chunks: Buffer[] = [];
    let seenHeaders: Record<string, string | string[]> = {};
    let trailers: unknown;
    await new Promise<void>((resolve, reject) => {
      const handler = {
        onRequestStart: () => events.push('request start'),
        onResponseStart: (
          _c: Controller,
          status: number,
          headers: Record<string, string | string[]>,
          message: string,
        ) => {
          events.push(`response start ${status} ${message}`);
          seenHeaders = headers;
        },
        onResponseData: (_c: Controller, chunk: Buffer) => {
          if (!events.includes('data')) events.push('data');
          chunks.push(chunk);
        },
        onResponseEnd: (_c: Controller, ends: unknown) => {
          events.push('end');
          trailers = ends;
          resolve();
        },
        onResponseError: (_c: Controller, error: Error) => reject(error),
      };
      getThrough(dispatcher, '/twice', handler);
    });
    expect(events).toEqual(['request start', 'response start 401 Unauthorized', 'data', 'end']);
    // As undici gives them: one character per octet (latin1), é's two UTF-8 octets as two characters.
    expect(seenHeaders['www-authenticate']).toEqual(['Basic realm="a"', 'Basic realm="caf\u00c3\u00a9"']);
    expect(seenHeaders['content-type']).toBe('text/plain');
    expect(Buffer.concat(chunks).toString()).toBe('authentication required\n');
    expect({ ...(trailers as object) }).toEqual({});
    // The proxy's 407 was answered below the handler.
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 401]);
    await dispatcher.close();
  });

  it('gets no body while paused, and all of it once resumed', async () => {
    const dispatcher = throughDigestProxy();
    const chunks: Buffer[] = [];
    let started: (c: Controller) => void = () => {};
    const pausedAtStart = new Promise<Controller>((resolve) => {
      started = resolve;
    });
    const ended = new Promise<void>((resolve, reject) => {
      const handler = {
        onRequestStart: () => {},
        onResponseStart: (c: Controller) => {
          c.pause();
          started(c);
        },
        onResponseData: (_c: Controller, chunk: Buffer) => chunks.push(chunk),
        onResponseEnd: () => resolve(),
        onResponseError: (_c: Controller, error: Error) => reject(error),
      };
      getThrough(dispatcher, '/open', handler);
    });
    const controller = await Promise.race([pausedAtStart, ended.then(() => Promise.reject(new Error('no start')))]);
    expect(controller.paused).toBe(true);
    // Time for a body that was not held to arrive.
    await sleep(50);
    expect(chunks).toHaveLength(0);
    controller.resume();
    expect(controller.paused).toBe(false);
    await ended;
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ method: 'GET', target: '/open' });
    await dispatcher.close();
  });

  it('ends with onResponseError(reason) when it aborts in onRequestStart, nothing sent', async () => {
    const dispatcher = throughDigestProxy();
    const reason = new Error('not wanted');
    const events: string[] = [];
    const [controller, error] = await new Promise<[Controller, unknown]>((resolve) => {
      const handler = {
        onRequestStart: (c: Controller) => {
          events.push('request start');
          c.abort(reason);
        },
        onResponseStart: () => events.push('response start'),
        onResponseData: () => events.push('data'),
        onResponseEnd: () => events.push('end'),
        onResponseError: (c: Controller, e: unknown) => {
          events.push('error');
          resolve([c, e]);
        },
      };
      getThrough(dispatcher, '/open', handler);
    });
    expect(error).toBe(reason);
    expect(events).toEqual(['request start', 'error']);
    expect(controller.aborted).toBe(true);
    expect(controller.reason).toBe(reason);
    expect(digestProxy.requests).toHaveLength(0);
    expect(origin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('gets a header sent three times as one list of three values', async () => {
    const dispatcher = throughDigestProxy();
    const headers = await new Promise<Record<string, string | string[]>>((resolve, reject) => {
      const handler = {
        onRequestStart: () => {},
        onResponseStart: (_c: Controller, _status: number, seen: Record<string, string | string[]>) => resolve(seen),
        onResponseError: (_c: Controller, error: Error) => reject(error),
      };
      getThrough(dispatcher, '/thrice', handler);
    });
    expect(headers['www-authenticate']).toEqual(['Basic realm="a"', 'Basic realm="b"', 'Basic realm="c"']);
    await dispatcher.close();
  });

  it('keeps the first reason when it aborts twice', async () => {
    const dispatcher = throughDigestProxy();
    const first = new Error('first');
    const [controller, error] = await new Promise<[Controller, unknown]>((resolve) => {
      const handler = {
        onRequestStart: (c: Controller) => {
          c.abort(first);
          c.abort(new Error('second'));
        },
        onResponseError: (c: Controller, e: unknown) => resolve([c, e]),
      };
      getThrough(dispatcher, '/open', handler);
    });
    expect(error).toBe(first);
    expect(controller.reason).toBe(first);
    await dispatcher.close();
  });

  it('ends with onResponseError(reason) when it aborts while the proxy’s 407 is drained, the answer never sent', async () => {
    const dispatcher = proxyDispatcher({ proxy: stallingProxy.url, auth: new ProxyDigestAuth('pu', 'pp') });
    const reason = new Error('gave up');
    const events: string[] = [];
    const error = await new Promise<unknown>((resolve) => {
      const handler = {
        // The 407's body stalls for 100 ms before the answer may go: the abort lands inside that wait.
        onRequestStart: (c: Controller) => setTimeout(() => c.abort(reason), 20),
        onResponseStart: () => events.push('response start'),
        onResponseData: () => events.push('data'),
        onResponseEnd: () => events.push('end'),
        onResponseError: (_c: Controller, e: unknown) => resolve(e),
      };
      getThrough(dispatcher, '/open', handler);
    });
    expect(error).toBe(reason);
    expect(events).toEqual([]);
    expect(stallingProxy.requests.map((r) => r.status)).toEqual([407]);
    expect(origin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('runs as usual when it pauses and resumes before any response', async () => {
    const dispatcher = throughDigestProxy();
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const handler = {
        onRequestStart: (c: Controller) => {
          c.pause();
          c.resume();
        },
        onResponseData: (_c: Controller, chunk: Buffer) => chunks.push(chunk),
        onResponseEnd: () => resolve(),
        onResponseError: (_c: Controller, error: Error) => reject(error),
      };
      getThrough(dispatcher, '/open', handler);
    });
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ target: '/open' });
    await dispatcher.close();
  });

  for (const left of ['onResponseStart', 'onResponseData', 'onResponseEnd']) {
    it(`takes a handler without ${left} (undici calls only the callbacks a handler has)`, async () => {
      const dispatcher = throughDigestProxy();
      const errors: unknown[] = [];
      let done: () => void = () => {};
      const finished = new Promise<void>((resolve) => {
        done = resolve;
      });
      const handler: Record<string, unknown> = {
        onRequestStart: () => {},
        onResponseStart: () => {},
        // Without onResponseEnd, the body's first chunk says the response came.
        onResponseData: () => {
          if (left === 'onResponseEnd') done();
        },
        onResponseEnd: () => done(),
        onResponseError: (_c: Controller, error: unknown) => {
          errors.push(error);
          done();
        },
      };
      delete handler[left];
      getThrough(dispatcher, '/open', handler);
      await finished;
      // Room for a failure after the last callback (a missing onResponseEnd called at the end).
      await sleep(50);
      expect(errors).toEqual([]);
      expect(origin.requests).toHaveLength(1);
      await dispatcher.close();
    });
  }

  it.each([
    ['onRequestStart without onResponseError', { onRequestStart() {}, onResponseEnd() {} }],
    ['the response callbacks without onRequestStart', { onResponseStart() {}, onResponseError() {} }],
  ])('still refuses a handler with neither API complete (%s), sending nothing', async (_kind, handler) => {
    const dispatcher = throughDigestProxy();
    expect(() => getThrough(dispatcher, '/open', handler)).toThrow('invalid onConnect method');
    expect(digestProxy.requests).toHaveLength(0);
    await dispatcher.close();
  });
});
