import { createHash } from 'node:crypto';
import { BasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { asInFirefox, startTestServer, type TestServer } from '@authbelt/test-server';
import { Agent, Request as UndiciRequest, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withAuth } from './with-auth.js';

class TokenAuth extends AuthBase {
  constructor(private readonly token: string) {
    super();
  }
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', this.token);
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

const users = { Aladdin: 'open sesame' };
let server: TestServer;
let other: TestServer;
let secure: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/always': { auth: 'basic', realm: 'r', users, alwaysUnauthorized: true },
      '/to-same': { auth: 'basic', realm: 'r', users, redirect: { location: '/basic' } },
      '/digest-endless': { auth: 'digest', realm: 'r', users, endless401: true },
      '/loop': { redirect: { location: '/loop' } },
      '/to-ftp': { redirect: { location: 'ftp://127.0.0.1/file' } },
      '/to-other': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } },
      '/to-other-307': {
        auth: 'header',
        header: { name: 'X-TokenAuth', value: 'tok' },
        redirect: { location: `${other.url}/landing`, status: 307 },
      },
    },
  });
  secure = await startTestServer({
    tls: true,
    routes: { '/to-http': { auth: 'basic', realm: 'r', users, redirect: { location: `${other.url}/landing` } } },
  });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close(), secure.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
  secure.reset();
});

describe('withAuth(fetch, BasicAuth)', () => {
  it('gets 200 from a Basic route in exactly one request', async () => {
    const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/basic`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ authenticated: true, user: 'Aladdin' });
    expect(server.stats('/basic')).toMatchObject({ requests: 1, authFailures: 0 });
  });

  it('returns a wrong password as the server’s 401, after one request', async () => {
    const response = await withAuth(fetch, new BasicAuth('Aladdin', 'wrong'))(`${server.url}/basic`);
    expect(response.status).toBe(401);
    expect(server.stats('/basic').requests).toBe(1);
  });

  it('takes a string, a URL or a Request, and keeps the caller’s headers in any form', async () => {
    const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
    const url = `${server.url}/basic?q=1`;
    const inputs: Array<[RequestInfo | URL, RequestInit | undefined]> = [
      [url, { headers: { 'X-One': '1' } }],
      [new URL(url), { headers: [['X-One', '1']] }],
      [new Request(url, { headers: new Headers({ 'X-One': '1' }) }), undefined],
    ];
    for (const [input, init] of inputs) {
      const response = await authFetch(input, init);
      expect(response.status).toBe(200);
    }
    expect(server.requests.map((r) => [r.target, r.headers['x-one']])).toEqual([
      ['/basic?q=1', '1'],
      ['/basic?q=1', '1'],
      ['/basic?q=1', '1'],
    ]);
  });

  it('takes a Request made by undici’s own package (the type undici’s fetch gives the wrapped one), body and all', async () => {
    const authFetch = withAuth(undiciFetch, new ChallengeTokenAuth());
    const input = new UndiciRequest(`${server.url}/token?q=1`, {
      method: 'POST',
      body: 'from undici',
      headers: { 'X-One': '1' },
    });
    const response = await authFetch(input);
    expect(response.status).toBe(200);
    expect(
      server.requests.map((r) => [r.method, r.target, new TextDecoder().decode(r.body), r.headers['x-one']]),
    ).toEqual([
      ['POST', '/token?q=1', 'from undici', '1'],
      ['POST', '/token?q=1', 'from undici', '1'],
    ]);
  });

  it('runs a custom AuthBase (requests’ TokenAuth)', async () => {
    const response = await withAuth(fetch, new TokenAuth('tok'))(`${server.url}/token`);
    expect(response.status).toBe(200);
    expect(server.stats('/token').requests).toBe(1);
  });
});

describe('bodies', () => {
  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  const form = new FormData();
  form.append('field', 'value');
  form.append('file', new Blob(['file body'], { type: 'text/plain' }), 'a.txt');

  it.each<[string, () => BodyInit]>([
    ['string', () => 'héllo wörld'],
    ['Uint8Array', () => new Uint8Array([0, 1, 2, 255])],
    ['ArrayBuffer', () => new Uint8Array([9, 8, 7]).buffer],
    ['DataView', () => new DataView(new Uint8Array([5, 6]).buffer)],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: 'two words' })],
    ['Blob', () => new Blob(['blob body'], { type: 'application/x-blob' })],
    ['FormData', () => form],
  ])('replays a %s body byte for byte on the retry', async (_kind, makeBody) => {
    const authFetch = withAuth(fetch, new ChallengeTokenAuth());
    const response = await authFetch(`${server.url}/token`, { method: 'PUT', body: makeBody() });
    expect(response.status).toBe(200);
    const [first, second] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(first?.status).toBe(401);
    expect(first?.body.byteLength).toBeGreaterThan(0);
    expect(sha(second?.body ?? new Uint8Array())).toBe(sha(first?.body ?? new Uint8Array([1])));
    expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
  });

  it.each<[string, () => BodyInit]>([
    ['string', () => 'héllo wörld'],
    ['Uint8Array', () => new Uint8Array([0, 1, 2, 255])],
    ['URLSearchParams', () => new URLSearchParams({ a: '1' })],
    ['Blob', () => new Blob(['blob body'], { type: 'application/x-blob' })],
    ['FormData', () => form],
  ])('sends the bytes a scheme read (auth-int) for a %s body, with the same content type', async (_kind, makeBody) => {
    const read: Uint8Array[] = [];
    class BytesAuth extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        const response = yield request;
        if (response.status === 401 && request.body) {
          read.push(await request.body.bytes());
          request.headers.set('X-TokenAuth', 'tok');
          yield request;
        }
      }
    }
    const response = await withAuth(fetch, new BytesAuth())(`${server.url}/token`, { method: 'PUT', body: makeBody() });
    expect(response.status).toBe(200);
    const [first, second] = server.requests;
    expect(sha(second?.body ?? new Uint8Array())).toBe(sha(read[0] ?? new Uint8Array([1])));
    expect(sha(second?.body ?? new Uint8Array())).toBe(sha(first?.body ?? new Uint8Array([1])));
    expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
  });

  it('replays the body of a Request input', async () => {
    const authFetch = withAuth(fetch, new ChallengeTokenAuth());
    const response = await authFetch(new Request(`${server.url}/token`, { method: 'POST', body: 'from a Request' }));
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => new TextDecoder().decode(r.body))).toEqual(['from a Request', 'from a Request']);
  });

  it('where Request has no body property (Firefox): replays a Request’s body, and sends a GET without one', async () => {
    const authFetch = withAuth(fetch, new ChallengeTokenAuth());
    await asInFirefox(async () => {
      const post = await authFetch(new Request(`${server.url}/token`, { method: 'POST', body: 'from a Request' }));
      expect(post.status).toBe(200);
      const get = await authFetch(new Request(`${server.url}/token`));
      expect(get.status).toBe(200);
    });
    expect(server.requests.map((r) => [r.method, new TextDecoder().decode(r.body)])).toEqual([
      ['POST', 'from a Request'],
      ['POST', 'from a Request'],
      ['GET', ''],
      ['GET', ''],
    ]);
  });

  const stream = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });

  it('sends a stream once and fails clearly when a retry would need it again', async () => {
    const authFetch = withAuth(fetch, new ChallengeTokenAuth());
    const error = await authFetch(`${server.url}/token`, {
      method: 'POST',
      body: stream(),
      duplex: 'half',
    } as RequestInit).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect((error as { response: Response }).response.status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it('sends a stream with a preemptive scheme', async () => {
    const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/basic`, {
      method: 'POST',
      body: stream(),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('streamed');
  });
});

describe('the exchange', () => {
  it('answers a server that keeps answering 401 once, then returns its 401', async () => {
    const response = await withAuth(fetch, new ChallengeTokenAuth())(`${server.url}/always`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toBe('');
  });

  it('drains intermediate 401s so keep-alive connections are reused', async () => {
    const authFetch = withAuth(fetch, new ChallengeTokenAuth());
    for (let i = 0; i < 50; i++) {
      const response = await authFetch(`${server.url}/token`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(server.stats('/token').requests).toBe(100);
    expect(server.openSockets()).toBeLessThanOrEqual(2);
  });

  it('moves on from an intermediate 401 whose body never ends: the Digest exchange gets its 200', async () => {
    // Without a bound on draining the 401 this waits forever (the test's timeout ends it).
    const authFetch = withAuth(fetch, new DigestAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/digest-endless`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ authenticated: true, user: 'Aladdin' });
    expect(server.stats('/digest-endless')).toMatchObject({ requests: 2, challenges: 1, authSuccesses: 1 });
  });

  it('closes the connection of each endless 401 it cancels (none leaks)', async () => {
    const own = await startTestServer({ routes: { '/d': { auth: 'digest', realm: 'r', users, endless401: true } } });
    const authFetch = withAuth(fetch, new DigestAuth('Aladdin', 'open sesame'));
    for (let i = 0; i < 5; i++) await (await authFetch(`${own.url}/d`)).arrayBuffer();
    // One kept-alive connection for the 200s, perhaps one closing: never one per cancelled 401.
    await vi.waitFor(() => expect(own.openSockets()).toBeLessThanOrEqual(2));
    await own.close();
  });

  it('ends cleanly when the signal aborts mid-exchange', async () => {
    const controller = new AbortController();
    class AbortingAuth extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        yield request;
        controller.abort(new Error('user gave up'));
        yield request;
      }
    }
    const authFetch = withAuth(fetch, new AbortingAuth());
    await expect(authFetch(`${server.url}/token`, { signal: controller.signal })).rejects.toThrow('user gave up');
    expect(server.stats('/token').requests).toBe(1);
  });
});

describe('redirects', () => {
  const userHeaders = { Authorization: 'Bearer mine', Cookie: 'session=1', 'X-Trace': 'keep' };

  it('stays authenticated across a same-origin redirect', async () => {
    const response = await withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'))(`${server.url}/to-same`);
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${server.url}/basic`);
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([
      ['/to-same', 302],
      ['/basic', 200],
    ]);
  });

  it('carries no credential of any kind to another origin', async () => {
    const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/to-other`, { headers: userHeaders });
    expect(response.status).toBe(200);
    const landed = other.requests[0];
    expect(landed?.path).toBe('/landing');
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
    expect(landed?.headers['x-trace']).toBe('keep');
  });

  it('carries no custom scheme header to another origin on a 307 with a body', async () => {
    const authFetch = withAuth(fetch, new TokenAuth('tok'));
    const response = await authFetch(`${server.url}/to-other-307`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    const landed = other.requests[0];
    expect(landed?.method).toBe('POST');
    expect(new TextDecoder().decode(landed?.body)).toBe('payload');
    expect(landed?.headers['x-tokenauth']).toBeUndefined();
  });

  it('carries no credential from https to http (undici’s fetch and its dispatcher, no casts)', async () => {
    const dispatcher = new Agent({ connect: { ca: secure.ca ?? '' } });
    const authFetch = withAuth(undiciFetch, new BasicAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${secure.url}/to-http`, { headers: userHeaders, dispatcher });
    expect(response.status).toBe(200);
    expect(secure.requests[0]?.user).toBe('Aladdin');
    const landed = other.requests[0];
    expect(landed?.headers.authorization).toBeUndefined();
    expect(landed?.headers.cookie).toBeUndefined();
    await dispatcher.close();
  });

  it('passes redirect: manual through', async () => {
    const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/to-other`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(other.requests).toHaveLength(0);
  });
});

describe('errors as fetch gives them', () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  it.each([
    '/basic',
    'basic',
    'http://[::1',
    '',
  ])('rejects the URL %j with fetch’s TypeError, naming it', async (url) => {
    const error = await failure(withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'))(url));
    const fetchError = await failure(fetch(url));
    expect(error).toBeInstanceOf(TypeError);
    expect(isAuthError(error)).toBe(false);
    expect((error as TypeError).message).toBe(`Failed to parse URL from ${url}`);
    expect((error as TypeError).message).toBe((fetchError as TypeError).message);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a redirect loop as fetch does, a TypeError, with the reason as an AuthError on its cause', async () => {
    const fetchError = await failure(fetch(`${server.url}/loop`));
    const fetchRequests = server.requests.length;
    server.reset();
    const error = await failure(withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'))(`${server.url}/loop`));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe((fetchError as TypeError).message);
    const cause = (error as TypeError).cause;
    expect(isAuthError(cause) && cause.code).toBe('ERR_REDIRECT');
    expect(isAuthError(cause) && (cause.response as Response).status).toBe(302);
    // As many requests as fetch makes before it gives up (the first and 20 redirects).
    expect(server.requests).toHaveLength(fetchRequests);
  });

  it('rejects a redirect to a Location that is not http(s) as fetch does, a TypeError with the reason on its cause', async () => {
    const fetchError = await failure(fetch(`${server.url}/to-ftp`));
    const error = await failure(withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'))(`${server.url}/to-ftp`));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe((fetchError as TypeError).message);
    const cause = (error as TypeError).cause;
    expect(isAuthError(cause) && cause.code).toBe('ERR_REDIRECT');
  });
});

describe('arguments', () => {
  it('rejects what is not a fetch or not an AuthBase at once', () => {
    expect(() => withAuth(null as never, new TokenAuth('t'))).toThrow(/fetch/);
    expect(() => withAuth(fetch, {} as never)).toThrow(/AuthBase/);
  });

  it('keeps the wrapped fetch’s own properties, as its type says (Bun’s fetch.preconnect)', () => {
    const preconnected: string[] = [];
    const bunLike = Object.assign((input: string, init?: RequestInit) => fetch(input, init), {
      preconnect: (url: string) => {
        preconnected.push(url);
      },
    });
    withAuth(bunLike, new TokenAuth('t')).preconnect('https://example.org');
    expect(preconnected).toEqual(['https://example.org']);
  });

  const refusal = (options: unknown) => {
    try {
      withAuth(fetch, new TokenAuth('t'), options as never);
    } catch (error) {
      return isAuthError(error) ? `${error.code}: ${error.message}` : error;
    }
    return undefined;
  };

  it.each<[string, unknown, RegExp]>([
    ['maxLegs: 0', { maxLegs: 0 }, /^ERR_INVALID_ARGUMENT: .*option maxLegs /],
    ['maxLegs: 2.5', { maxLegs: 2.5 }, /^ERR_INVALID_ARGUMENT: .*option maxLegs /],
    ["maxLegs: '3'", { maxLegs: '3' }, /^ERR_INVALID_ARGUMENT: .*option maxLegs /],
    [
      "redirects: 'follow'",
      { redirects: 'follow' },
      /^ERR_INVALID_ARGUMENT: .*option redirects must be 'authbelt' or 'client'/,
    ],
    ['an unknown option', { maxleg: 3 }, /^ERR_INVALID_ARGUMENT: withAuth has no option "maxleg"/],
    ['null', null, /^ERR_INVALID_ARGUMENT: withAuth options must be an object/],
    ['a string', 'authbelt', /^ERR_INVALID_ARGUMENT: withAuth options must be an object/],
  ])('refuses %s at construction, naming the option', (_name, options, expected) => {
    expect(refusal(options)).toMatch(expected);
  });

  it('takes valid options and none', () => {
    expect(refusal({ maxLegs: 1, redirects: 'client' })).toBeUndefined();
    expect(refusal({ maxLegs: undefined })).toBeUndefined();
    expect(refusal(undefined)).toBeUndefined();
  });
});
