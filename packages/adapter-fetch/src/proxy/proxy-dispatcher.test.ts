import type { Readable } from 'node:stream';
import { ProxyBasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthRequest, isAuthError } from '@authbelt/core';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { type ProxyOptions, startTestServer, type TestServer } from '@authbelt/test-server';
import { Agent, type Dispatcher, fetch as undiciFetch, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { proxyDispatcher } from './proxy-dispatcher.js';

let proxy: TestServer;
let origin: TestServer;
let secureOrigin: TestServer;

beforeAll(async () => {
  proxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  origin = await startTestServer({ routes: { '/open': {}, '/moved': { redirect: { location: '/open' } } } });
  secureOrigin = await startTestServer({ tls: true, routes: { '/open': {} } });
});
afterAll(async () => {
  await Promise.all([proxy.close(), origin.close(), secureOrigin.close()]);
});
beforeEach(() => {
  proxy.reset();
  origin.reset();
  secureOrigin.reset();
});

describe('proxyDispatcher with ProxyBasicAuth', () => {
  it('sends a plain-http request in absolute-form with Proxy-Authorization', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await fetch(`${origin.url}/open?x=1`, { dispatcher } as RequestInit);
    expect(response.status).toBe(200);
    expect(proxy.requests[0]).toMatchObject({ proxy: true, target: `${origin.url}/open?x=1`, status: 200 });
    // The proxy strips its own credentials before forwarding.
    expect(origin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    await dispatcher.close();
  });

  it('replays a POST body through the proxy byte for byte', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await fetch(`${origin.url}/open`, {
      method: 'POST',
      body: 'through the proxy',
      dispatcher,
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(origin.requests[0]?.body)).toBe('through the proxy');
    await dispatcher.close();
  });

  it('ends the call with ERR_PROXY_AUTHENTICATION when the credentials are wrong (fetch hides a 407)', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'wrong') });
    const error = await fetch(`${origin.url}/open`, { dispatcher } as RequestInit).catch((e: unknown) => e);
    const cause = (error as { cause?: unknown }).cause;
    expect(isAuthError(cause) && cause.code).toBe('ERR_PROXY_AUTHENTICATION');
    expect((cause as { response: { status: number } }).response.status).toBe(407);
    expect(proxy.requests).toHaveLength(1);
    expect(origin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('opens a CONNECT tunnel to an https target (its authority in Host), credentials only on the CONNECT', async () => {
    const dispatcher = proxyDispatcher({
      proxy: proxy.url,
      auth: new ProxyBasicAuth('pu', 'pp'),
      requestTls: { ca: secureOrigin.ca ?? '' },
    });
    const response = await undiciFetch(`${secureOrigin.url}/open`, { dispatcher });
    expect(response.status).toBe(200);
    expect(proxy.requests[0]).toMatchObject({ method: 'CONNECT', target: `127.0.0.1:${secureOrigin.port}` });
    expect(proxy.requests[0]?.headers.host).toBe(`127.0.0.1:${secureOrigin.port}`);
    expect(proxy.requests[0]?.headers['proxy-authorization']).toMatch(/^Basic /);
    expect(secureOrigin.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    await dispatcher.close();
  });

  it('fails the call with ERR_PROXY_AUTHENTICATION when the proxy refuses the tunnel', async () => {
    const dispatcher = proxyDispatcher({
      proxy: proxy.url,
      auth: new ProxyBasicAuth('pu', 'wrong'),
      requestTls: { ca: secureOrigin.ca ?? '' },
    });
    const error = await undiciFetch(`${secureOrigin.url}/open`, { dispatcher }).catch((e: unknown) => e);
    const cause = (error as { cause?: unknown }).cause;
    expect(isAuthError(cause) && cause.code).toBe('ERR_PROXY_AUTHENTICATION');
    expect(secureOrigin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('refuses credentials in the proxy URL and non-http proxies', () => {
    expect(() => proxyDispatcher({ proxy: 'http://u:p@127.0.0.1:1' })).toThrow(/scheme/);
    expect(() => proxyDispatcher({ proxy: 'socks5://127.0.0.1:1' })).toThrow(/http/);
  });
});

// Which requests carry proxy credentials and where they go (DESIGN.md: to the
// proxy only), what the proxy and the origin are told, and how a refusal reaches the caller.

const causeOf = async (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => (error as { cause?: unknown }).cause ?? error,
  );

describe('the proxy URL', () => {
  const refusal = (proxyUrl: string) => {
    try {
      proxyDispatcher({ proxy: proxyUrl });
    } catch (error) {
      return isAuthError(error) ? `${error.code}: ${error.message}` : error;
    }
    return undefined;
  };

  it.each([
    ['not a URL', 'ERR_INVALID_ARGUMENT: proxyDispatcher needs a valid proxy URL'],
    ['https://127.0.0.1:1', 'ERR_INVALID_ARGUMENT: proxyDispatcher supports http:// proxies, not https:'],
    [
      'http://user@127.0.0.1:1',
      'ERR_INVALID_ARGUMENT: Give proxy credentials as a scheme (auth), not in the proxy URL',
    ],
    [
      'http://:secret@127.0.0.1:1',
      'ERR_INVALID_ARGUMENT: Give proxy credentials as a scheme (auth), not in the proxy URL',
    ],
  ])('refuses %j, saying why', (proxyUrl, expected) => {
    expect(refusal(proxyUrl)).toBe(expected);
  });

  it('keeps the URL parser’s error as the cause of its refusal', () => {
    const error = (() => {
      try {
        proxyDispatcher({ proxy: 'not a URL' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect((error as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
  });

  it('takes a plain http proxy as a string or a URL', () => {
    expect(refusal('http://127.0.0.1:1')).toBeUndefined();
    expect(() => proxyDispatcher({ proxy: new URL('http://127.0.0.1:1') })).not.toThrow();
  });
});

describe('a proxy that wants credentials the dispatcher was not given', () => {
  it('ends a plain-http request with ERR_PROXY_AUTHENTICATION and the 407, the origin never reached', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url });
    const cause = await causeOf(fetch(`${origin.url}/open`, { dispatcher } as RequestInit));
    expect(isAuthError(cause) && `${cause.code}: ${cause.message}`).toBe(
      'ERR_PROXY_AUTHENTICATION: The proxy did not accept the credentials (407)',
    );
    expect((cause as { response: { status: number } }).response.status).toBe(407);
    expect(proxy.requests).toHaveLength(1);
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(origin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('refuses the tunnel to an https target with ERR_PROXY_AUTHENTICATION naming the status', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, requestTls: { ca: secureOrigin.ca ?? '' } });
    const cause = await causeOf(undiciFetch(`${secureOrigin.url}/open`, { dispatcher }));
    expect(isAuthError(cause) && `${cause.code}: ${cause.message}`).toBe(
      'ERR_PROXY_AUTHENTICATION: The proxy answered CONNECT with 407',
    );
    expect((cause as { response: { status: number } }).response.status).toBe(407);
    expect(proxy.requests).toHaveLength(1);
    expect(secureOrigin.requests).toHaveLength(0);
    await dispatcher.close();
  });
});

describe('what the proxy and the origin are told', () => {
  it('sends the origin’s Host in absolute-form, not the proxy’s', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await fetch(`${origin.url}/open`, { dispatcher } as RequestInit);
    expect(response.status).toBe(200);
    expect(proxy.requests[0]?.headers.host).toBe(`127.0.0.1:${origin.port}`);
    await dispatcher.close();
  });

  it.each<[string, unknown]>([
    ['an array of name-value pairs', ['x-trace', 'a', 'x-other', 'b']],
    ['an object with a list value', { 'x-trace': 'a', 'x-other': ['b'], 'x-none': undefined }],
    [
      'an iterable of pairs',
      new Map([
        ['x-trace', 'a'],
        ['x-other', 'b'],
      ]),
    ],
  ])('passes the caller’s headers given as %s (undici.request) to the origin, with its streamed body', async (_kind, headers) => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    async function* chunks() {
      yield 'str';
      yield new TextEncoder().encode('eam');
    }
    const response = await undiciRequest(`${origin.url}/open`, {
      dispatcher,
      method: 'POST',
      headers: headers as Record<string, string>,
      // undici takes any async iterable at run time; its types name only Readable among them.
      body: chunks() as unknown as Readable,
    });
    await response.body.arrayBuffer();
    expect(response.statusCode).toBe(200);
    const landed = origin.requests[0];
    expect(landed?.headers['x-trace']).toBe('a');
    expect(landed?.headers['x-other']).toBe('b');
    expect(landed?.headers['x-none']).toBeUndefined();
    expect(landed?.headers.undefined).toBeUndefined();
    expect(new TextDecoder().decode(landed?.body)).toBe('stream');
    expect(landed?.headers['proxy-authorization']).toBeUndefined();
    await dispatcher.close();
  });
});

describe('what reaches the origin', () => {
  it('hands the caller the origin’s response body whole, in absolute-form and through a tunnel', async () => {
    const dispatcher = proxyDispatcher({
      proxy: proxy.url,
      auth: new ProxyBasicAuth('pu', 'pp'),
      requestTls: { ca: secureOrigin.ca ?? '' },
    });
    // The test server's body echoes the request it got.
    const plain = await fetch(`${origin.url}/open?x=1`, { dispatcher } as RequestInit);
    expect(JSON.parse(await plain.text())).toMatchObject({ method: 'GET', target: '/open?x=1' });
    const tunnelled = await undiciFetch(`${secureOrigin.url}/open?y=2`, { dispatcher });
    expect(JSON.parse(await tunnelled.text())).toMatchObject({ method: 'GET', target: '/open?y=2' });
    await dispatcher.close();
  });

  it('takes an origin given as a URL (a trailing slash): the proxy gets the target once, the origin its path', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await dispatcher.request({ origin: new URL(origin.url), path: '/open?x=1', method: 'GET' });
    await response.body.arrayBuffer();
    expect(response.statusCode).toBe(200);
    expect(proxy.requests[0]?.target).toBe(`${origin.url}/open?x=1`);
    expect(origin.requests[0]?.path).toBe('/open');
    await dispatcher.close();
  });

  it.each<[string, string | Uint8Array]>([
    ['a string', 'a string body'],
    ['bytes', new TextEncoder().encode('a bytes body')],
  ])('sends %s body (undici.request) to the origin as it is', async (_kind, body) => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await undiciRequest(`${origin.url}/open`, { dispatcher, method: 'PUT', body });
    await response.body.arrayBuffer();
    expect(response.statusCode).toBe(200);
    const sent = typeof body === 'string' ? body : new TextDecoder().decode(body);
    expect(new TextDecoder().decode(origin.requests[0]?.body)).toBe(sent);
    await dispatcher.close();
  });
});

describe('a proxy that challenges first (Digest)', () => {
  it('answers its 407 on CONNECT and in absolute-form: one challenge, then the request through', async () => {
    const digestProxy = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
    const dispatcher = proxyDispatcher({
      proxy: digestProxy.url,
      auth: new ProxyDigestAuth('pu', 'pp'),
      requestTls: { ca: secureOrigin.ca ?? '' },
    });
    expect((await undiciFetch(`${secureOrigin.url}/open`, { dispatcher })).status).toBe(200);
    expect(digestProxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['CONNECT', 407],
      ['CONNECT', 200],
    ]);
    digestProxy.reset();
    const plain = await fetch(`${origin.url}/open`, { method: 'POST', body: 'twice', dispatcher } as RequestInit);
    expect(plain.status).toBe(200);
    expect(digestProxy.requests.map((r) => r.status)).toEqual([200]);
    expect(new TextDecoder().decode(origin.requests[0]?.body)).toBe('twice');
    await dispatcher.close();
    await digestProxy.close();
  });
});

describe('the proxy’s answer only', () => {
  it('answers a Digest proxy that asks for auth-int over the request body', async () => {
    const digestProxy = await startTestServer({
      proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' }, qop: ['auth-int'] },
    });
    const dispatcher = proxyDispatcher({ proxy: digestProxy.url, auth: new ProxyDigestAuth('pu', 'pp') });
    const response = await fetch(`${origin.url}/open`, { method: 'POST', body: 'hashed', dispatcher } as RequestInit);
    expect(response.status).toBe(200);
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
    expect(new TextDecoder().decode(origin.requests[0]?.body)).toBe('hashed');
    await dispatcher.close();
    await digestProxy.close();
  });

  it('leaves the origin’s redirect to fetch: with redirect manual the caller gets the 302', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await fetch(`${origin.url}/moved`, { redirect: 'manual', dispatcher } as RequestInit);
    expect(response.status).toBe(302);
    expect(origin.requests.map((r) => r.path)).toEqual(['/moved']);
    await dispatcher.close();
  });
});

describe('a proxy that is not there', () => {
  it('fails a plain-http and an https request through it, neither reaching the origin', async () => {
    const gone = await startTestServer({ proxy: { auth: 'basic', users: { pu: 'pp' } } });
    await gone.close();
    const dispatcher = proxyDispatcher({ proxy: gone.url, requestTls: { ca: secureOrigin.ca ?? '' } });
    await expect(fetch(`${origin.url}/open`, { dispatcher } as RequestInit)).rejects.toThrow(TypeError);
    await expect(undiciFetch(`${secureOrigin.url}/open`, { dispatcher })).rejects.toThrow(TypeError);
    expect(origin.requests).toHaveLength(0);
    expect(secureOrigin.requests).toHaveLength(0);
    await dispatcher.close();
  });
});

describe('closing', () => {
  it.each(['close', 'destroy'] as const)('%s() ends the dispatcher: a later request through it fails', async (how) => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    expect((await fetch(`${origin.url}/open`, { dispatcher } as RequestInit)).status).toBe(200);
    await dispatcher[how]();
    origin.reset();
    await expect(fetch(`${origin.url}/open`, { dispatcher } as RequestInit)).rejects.toThrow();
    expect(origin.requests).toHaveLength(0);
  });
});

describe('what a handler of the dispatcher sees (dispatcher.dispatch, as undici calls it)', () => {
  const sink = () => ({
    onConnect() {},
    onError() {},
    onHeaders: () => true,
    onData: () => true,
    onComplete() {},
  });
  const options = () => ({ origin: origin.url, path: '/open', method: 'GET' as const });

  it('a connection per leg, then only the answer it gets: the 407 and its body never reach it; dispatch() is never busy', async () => {
    const digestProxy = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
    const dispatcher = proxyDispatcher({ proxy: digestProxy.url, auth: new ProxyDigestAuth('pu', 'pp') });
    const events: string[] = [];
    const chunks: Buffer[] = [];
    let accepted: boolean | undefined;
    await new Promise<void>((resolve, reject) => {
      const handler = {
        onConnect: () => events.push('connect'),
        onResponseStarted: () => events.push('response started'),
        onHeaders: (status: number) => events.push(`headers ${status}`) > 0,
        onData: (chunk: Buffer) => chunks.push(chunk) > 0,
        onComplete: () => {
          events.push('complete');
          resolve();
        },
        onError: reject,
      };
      accepted = dispatcher.dispatch(options(), handler as unknown as Dispatcher.DispatchHandler);
    });
    expect(accepted).toBe(true);
    expect(events).toEqual(['connect', 'response started', 'connect', 'response started', 'headers 200', 'complete']);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ method: 'GET', target: '/open' });
    expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
    await dispatcher.close();
    await digestProxy.close();
  });

  it.each([
    'onConnect',
    'onHeaders',
    'onData',
    'onComplete',
  ])('refuses a handler without %s through its onError, as undici’s Agent does, sending nothing', async (name) => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const agent = new Agent();
    const outcome = (through: Dispatcher) => {
      const errors: string[] = [];
      const handler = { ...sink(), [name]: undefined, onError: (error: Error) => errors.push(error.message) };
      const accepted = through.dispatch(options(), handler as unknown as Dispatcher.DispatchHandler);
      return { accepted, errors };
    };
    expect(outcome(dispatcher)).toEqual({ accepted: true, errors: [`invalid ${name} method`] });
    expect(outcome(dispatcher)).toEqual(outcome(agent));
    expect(proxy.requests).toHaveLength(0);
    await Promise.all([dispatcher.close(), agent.close()]);
  });

  it('throws for a handler without onError, as undici’s Agent does, sending nothing', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const agent = new Agent();
    const handler = { ...sink(), onError: undefined } as unknown as Dispatcher.DispatchHandler;
    expect(() => dispatcher.dispatch(options(), handler)).toThrow('invalid onError method');
    expect(() => agent.dispatch(options(), handler)).toThrow('invalid onError method');
    expect(proxy.requests).toHaveLength(0);
    await Promise.all([dispatcher.close(), agent.close()]);
  });

  it('fails a request whose header list has a name without a value, as undici does', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const headers = ['x-trace', 'a', 'x-dangling'];
    const ours = await undiciRequest(`${origin.url}/open`, { dispatcher, headers }).catch((e: unknown) => e);
    const undicis = await undiciRequest(`${origin.url}/open`, { headers }).catch((e: unknown) => e);
    expect((ours as Error).message).toBe('headers array must be even');
    expect((ours as { code?: string }).code).toBe((undicis as { code?: string }).code);
    expect((undicis as Error).message).toBe('headers array must be even');
    expect(proxy.requests).toHaveLength(0);
    expect(origin.requests).toHaveLength(0);
    await dispatcher.close();
  });

  it('keeps a Host the caller set (undici.request) instead of the origin’s', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    const response = await undiciRequest(`${origin.url}/open`, { dispatcher, headers: { host: 'example.test' } });
    await response.body.arrayBuffer();
    expect(response.statusCode).toBe(200);
    expect(proxy.requests[0]?.headers.host).toBe('example.test');
    await dispatcher.close();
  });

  it('shows the proxy’s scheme no body for a request without one, and the body for one with it', async () => {
    const seen: Array<string | undefined> = [];
    class LookingProxyAuth extends AuthBase {
      override async authorize(request: AuthRequest): Promise<void> {
        seen.push(request.body && new TextDecoder().decode(await request.body.bytes()));
        request.headers.set('proxy-authorization', 'Basic cHU6cHA=');
      }
    }
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new LookingProxyAuth() });
    await (await fetch(`${origin.url}/open`, { dispatcher } as RequestInit)).arrayBuffer();
    await (
      await fetch(`${origin.url}/open`, { method: 'POST', body: 'seen', dispatcher } as RequestInit)
    ).arrayBuffer();
    expect(seen).toEqual([undefined, 'seen']);
    expect(proxy.requests.map((r) => r.status)).toEqual([200, 200]);
    await dispatcher.close();
  });
});

/** A proxy of its own for one test and a dispatcher through it, both closed after `run`. */
// Its scheme is the one the proxy asks for, with the right credentials.
const throughOwnProxy = async (
  options: ProxyOptions,
  run: (own: TestServer, dispatcher: Dispatcher) => Promise<void>,
): Promise<void> => {
  const own = await startTestServer({ proxy: options });
  const auth = options.auth === 'digest' ? new ProxyDigestAuth('pu', 'pp') : new ProxyBasicAuth('pu', 'pp');
  const dispatcher = proxyDispatcher({ proxy: own.url, auth, requestTls: { ca: secureOrigin.ca ?? '' } });
  try {
    await run(own, dispatcher);
  } finally {
    // A test may have closed it already.
    await dispatcher.close().catch(() => {});
    await own.close();
  }
};
const digestUsers = { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } as const;
const basicUsers = { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } as const;

describe('a proxy’s interim and broken answers', () => {
  it('skips a 103 Early Hints before the 407 and before the answer', async () => {
    await throughOwnProxy({ ...digestUsers, earlyHints: true }, async (own, dispatcher) => {
      const response = await fetch(`${origin.url}/open`, { dispatcher } as RequestInit);
      expect(response.status).toBe(200);
      expect(JSON.parse(await response.text())).toMatchObject({ target: '/open' });
      expect(own.requests.map((r) => r.status)).toEqual([407, 200]);
    });
  });

  it('fails the body the caller reads when the proxy’s connection breaks in the middle of it', async () => {
    await throughOwnProxy({ ...basicUsers, failMidBody: true }, async (_own, dispatcher) => {
      const response = await fetch(`${origin.url}/open`, { dispatcher } as RequestInit);
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow(TypeError);
    });
  });
});

describe('the CONNECT authority', () => {
  it('names port 443 for an https URL without a port', async () => {
    const dispatcher = proxyDispatcher({ proxy: proxy.url, auth: new ProxyBasicAuth('pu', 'pp') });
    // Nothing listens on 127.0.0.1:443 here: the proxy answers 502, so the call fails.
    await expect(undiciFetch('https://127.0.0.1/open', { dispatcher })).rejects.toThrow(TypeError);
    expect(proxy.requests.map((r) => [r.method, r.target])).toEqual([['CONNECT', '127.0.0.1:443']]);
    await dispatcher.close();
  });
});

describe('a proxy’s answer to CONNECT', () => {
  it('is never followed when it redirects: the call fails naming the 302, after one CONNECT', async () => {
    const connectRedirect = `${secureOrigin.url}/elsewhere`;
    await throughOwnProxy({ ...basicUsers, connectRedirect }, async (own, dispatcher) => {
      const cause = await causeOf(undiciFetch(`${secureOrigin.url}/open`, { dispatcher }));
      expect(isAuthError(cause) && `${cause.code}: ${cause.message}`).toBe(
        'ERR_PROXY_AUTHENTICATION: The proxy answered CONNECT with 302',
      );
      expect(own.requests.map((r) => r.method)).toEqual(['CONNECT']);
      expect(secureOrigin.requests).toHaveLength(0);
    });
  });

  it('closes the connection of a 407 the proxy would keep open, once the tunnel is answered', async () => {
    await throughOwnProxy({ ...digestUsers, connect407KeepAlive: true }, async (keeping, dispatcher) => {
      const response = await undiciFetch(`${secureOrigin.url}/open`, { dispatcher });
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(keeping.requests.map((r) => [r.method, r.status])).toEqual([
        ['CONNECT', 407],
        ['CONNECT', 200],
      ]);
      await dispatcher.close();
      // The tunnel goes with the dispatcher; the 407's connection was ours to close.
      await vi.waitFor(() => expect(keeping.openSockets()).toBe(0));
    });
  });
});
