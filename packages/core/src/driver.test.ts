import { describe, expect, it } from 'vitest';
import { AuthBase } from './auth-base.js';
import { authErrorOf, authenticate, requireProxy, type Transport } from './driver.js';
import { AuthError, isAuthError } from './errors.js';
import type { AuthFlow, AuthRequest, AuthResponse } from './types.js';

// The driver's own logic (legs, draining, redirects, scope) tested offline, as
// httpx tests its auth flows: a scripted transport records what was sent.
interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
}
interface Scripted {
  status: number;
  headers?: Record<string, string>;
}
class ScriptedTransport implements Transport<AuthResponse & { id: number }> {
  sent: Sent[] = [];
  discarded: number[] = [];
  constructor(private readonly answer: (request: AuthRequest, index: number) => Scripted) {}
  async send(request: AuthRequest): Promise<AuthResponse & { id: number }> {
    const index = this.sent.length;
    this.sent.push({ method: request.method, url: request.url, headers: Object.fromEntries(request.headers) });
    const { status, headers = {} } = this.answer(request, index);
    return { id: index, status, url: request.url, headers: new Headers(headers) };
  }
  view(response: AuthResponse & { id: number }): AuthResponse {
    return response;
  }
  async discard(response: AuthResponse & { id: number }): Promise<void> {
    this.discarded.push(response.id);
  }
}

class TokenAuth extends AuthBase {
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', 'token');
  }
}

/** Answers every 401 once with a counter, like a challenge scheme. */
class CountingAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    let response = yield request;
    for (let n = 1; response.status === 401; n++) {
      request.headers.set('authorization', `Counting ${n}`);
      response = yield request;
    }
  }
}

const get = (url = 'http://a.test/x', headers: Record<string, string> = {}): AuthRequest => ({
  method: 'GET',
  url,
  headers: new Headers(headers),
});

describe('authenticate', () => {
  it("reads a response's headers only to follow a redirect, so a view may build them on first read", async () => {
    const reads: number[] = [];
    const lazy: Transport<{ id: number; status: number }> = {
      async send() {
        return { id: reads.length, status: reads.length === 0 ? 302 : 200 };
      },
      view(response) {
        const index = response.id;
        reads[index] = 0;
        return {
          status: response.status,
          url: 'http://a.test/x',
          get headers() {
            reads[index] = (reads[index] ?? 0) + 1;
            return new Headers(response.status === 302 ? { location: '/y' } : {});
          },
        };
      },
      async discard() {},
    };
    const response = await authenticate(new TokenAuth(), get(), lazy);
    expect(response.status).toBe(200);
    // The 302's headers, for its Location; never the 200's.
    expect(reads).toEqual([1, 0]);
  });

  it('sends a static scheme once with its header', async () => {
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    const response = await authenticate(new TokenAuth(), get(), transport);
    expect(response.status).toBe(200);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.headers['x-tokenauth']).toBe('token');
    expect(transport.discarded).toEqual([]);
  });

  it('drains every intermediate response and returns the last', async () => {
    const transport = new ScriptedTransport((_r, i) => ({ status: i < 2 ? 401 : 200 }));
    const response = await authenticate(new CountingAuth(), get(), transport);
    expect(response.id).toBe(2);
    expect(transport.discarded).toEqual([0, 1]);
  });

  it('caps the legs and hands back the last 401 undrained', async () => {
    const transport = new ScriptedTransport(() => ({ status: 401 }));
    const response = await authenticate(new CountingAuth(), get(), transport, { maxLegs: 3 });
    expect(transport.sent).toHaveLength(3);
    expect(response.status).toBe(401);
    expect(transport.discarded).toEqual([0, 1]);
  });

  it('lets the flow clean up when the exchange is cut short', async () => {
    let cleaned = false;
    class Cleanup extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        try {
          for (;;) yield request;
        } finally {
          cleaned = true;
        }
      }
    }
    await authenticate(new Cleanup(), get(), new ScriptedTransport(() => ({ status: 401 })), { maxLegs: 2 });
    expect(cleaned).toBe(true);
  });

  it('returns the 401 with the reason when a challenge cannot be answered', async () => {
    class Picky extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        yield request;
        throw new AuthError('ERR_UNSUPPORTED_ALGORITHM', 'no usable algorithm');
      }
    }
    const response = await authenticate(new Picky(), get(), new ScriptedTransport(() => ({ status: 401 })));
    expect(response.status).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('throws other scheme errors with the response attached', async () => {
    class Distrust extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        yield request;
        throw new AuthError('ERR_SERVER_NOT_AUTHENTICATED', 'bad rspauth');
      }
    }
    const error = await authenticate(new Distrust(), get(), new ScriptedTransport(() => ({ status: 200 }))).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(error) && error.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    expect((error as AuthError).response).toMatchObject({ status: 200 });
  });

  it('never sends a stream body twice', async () => {
    const transport = new ScriptedTransport(() => ({ status: 401 }));
    const request = get();
    request.method = 'POST';
    request.body = { replayable: false, bytes: async () => new Uint8Array() };
    const error = await authenticate(new CountingAuth(), request, transport).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect((error as AuthError).response).toMatchObject({ status: 401 });
    expect(transport.sent).toHaveLength(1);
  });

  it('stops at once when the signal is aborted between legs', async () => {
    const controller = new AbortController();
    const transport = new ScriptedTransport(() => {
      controller.abort(new Error('stop'));
      return { status: 401 };
    });
    await expect(authenticate(new CountingAuth(), get(), transport, { signal: controller.signal })).rejects.toThrow(
      'stop',
    );
    expect(transport.sent).toHaveLength(1);
  });
});

describe('redirects', () => {
  const redirectTo = (location: string, status = 302) => ({ status, headers: { location } });

  it('keeps credentials on a same-origin redirect', async () => {
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo('/y') : { status: 200 }));
    await authenticate(new TokenAuth(), get('http://a.test/x', { cookie: 'c=1' }), transport);
    expect(transport.sent[1]).toMatchObject({ url: 'http://a.test/y' });
    expect(transport.sent[1]?.headers['x-tokenauth']).toBe('token');
    expect(transport.sent[1]?.headers.cookie).toBe('c=1');
  });

  it.each([
    ['another origin', 'http://b.test/y'],
    ['another port', 'http://a.test:8080/y'],
    ['https to http', 'http://a.test/y', 'https://a.test/x'],
  ])('carries no credential of any kind to %s', async (_name, location, start = 'http://a.test/x') => {
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo(location) : { status: 200 }));
    const user = { authorization: 'Bearer mine', cookie: 'c=1', 'proxy-authorization': 'Basic eA==', 'x-trace': 't' };
    await authenticate(new TokenAuth(), get(start, user), transport);
    expect(transport.sent[1]?.url).toBe(location);
    expect(transport.sent[1]?.headers).toEqual({ 'x-trace': 't' });
  });

  it('carries no header the scheme changed to another origin, not even the caller’s own value of it', async () => {
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo('http://b.test/y') : { status: 200 }));
    await authenticate(new TokenAuth(), get('http://a.test/x', { 'x-tokenauth': 'mine', 'x-trace': 't' }), transport);
    expect(transport.sent[0]?.headers).toEqual({ 'x-tokenauth': 'token', 'x-trace': 't' });
    expect(transport.sent[1]?.headers).toEqual({ 'x-trace': 't' });
  });

  it('leaves the caller’s credentials behind for good once the chain has left their origin', async () => {
    // a.test -> b.test/y -> b.test/z: b.test/z is same-origin with the hop before, but not with the caller's.
    const transport = new ScriptedTransport((r) =>
      r.url === 'http://a.test/x'
        ? redirectTo('http://b.test/y')
        : r.url === 'http://b.test/y'
          ? redirectTo('/z')
          : { status: 200 },
    );
    const user = { authorization: 'Bearer mine', cookie: 'c=1', 'x-trace': 't' };
    await authenticate(new TokenAuth(), get('http://a.test/x', user), transport);
    expect(transport.sent.map((sent) => sent.url)).toEqual(['http://a.test/x', 'http://b.test/y', 'http://b.test/z']);
    expect(transport.sent[1]?.headers).toEqual({ 'x-trace': 't' });
    expect(transport.sent[2]?.headers).toEqual({ 'x-trace': 't' });
  });

  it('follows a redirect to https (another origin: no credentials)', async () => {
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo('https://a.test/y') : { status: 200 }));
    const response = await authenticate(new TokenAuth(), get('http://a.test/x', { cookie: 'c=1' }), transport);
    expect(response.status).toBe(200);
    expect(transport.sent[1]).toMatchObject({ url: 'https://a.test/y', headers: {} });
  });

  it('returns a redirect status without Location as it is', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      const transport = new ScriptedTransport(() => ({ status }));
      const response = await authenticate(new TokenAuth(), get(), transport);
      expect(response.status).toBe(status);
      expect(transport.sent).toHaveLength(1);
      expect(transport.discarded).toEqual([]);
    }
  });

  it('rewrites only what Fetch rewrites: PUT on 302 and HEAD on 303 keep their method', async () => {
    const body = { replayable: true, bytes: async () => new Uint8Array([1]) };
    for (const [method, status, expected, hasBody] of [
      ['PUT', 302, 'PUT', true],
      ['PUT', 301, 'PUT', true],
      ['HEAD', 303, 'HEAD', false],
      ['HEAD', 302, 'HEAD', false],
      ['DELETE', 303, 'GET', false],
    ] as const) {
      let seen: AuthRequest | undefined;
      const transport = new ScriptedTransport((r, i) => {
        if (i === 1) seen = r;
        return i === 0 ? redirectTo('/next', status) : { status: 200 };
      });
      const request = get('http://a.test/x', { 'content-type': 'text/plain' });
      request.method = method;
      if (method !== 'HEAD') request.body = body;
      await authenticate(new TokenAuth(), request, transport);
      expect([method, status, seen?.method]).toEqual([method, status, expected]);
      expect(seen?.body !== undefined).toBe(hasBody);
    }
  });

  it('drops every request-body header with the body (Fetch: content-type, -length, -encoding, -language, -location)', async () => {
    let seen: AuthRequest | undefined;
    const transport = new ScriptedTransport((r, i) => {
      if (i === 1) seen = r;
      return i === 0 ? redirectTo('/next', 302) : { status: 200 };
    });
    const request = get('http://a.test/x', {
      'content-type': 'text/plain',
      'content-length': '1',
      'content-encoding': 'gzip',
      'content-language': 'en',
      'content-location': '/x',
      'content-disposition': 'inline',
      'x-trace': 't',
    });
    request.method = 'POST';
    request.body = { replayable: true, bytes: async () => new Uint8Array([1]) };
    await authenticate(new TokenAuth(), request, transport);
    expect(seen?.method).toBe('GET');
    // content-disposition is not a request-body header in Fetch's list: it stays.
    expect(Object.keys(Object.fromEntries(seen?.headers ?? []))).toEqual([
      'content-disposition',
      'x-tokenauth',
      'x-trace',
    ]);
  });

  it('takes a parsed url only when it is the request’s: one for another origin does not carry credentials there', async () => {
    // The adapter's parse saves the driver one; a URL that is not request.url's must not widen the scope.
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo('http://b.test/y') : { status: 200 }));
    await authenticate(new TokenAuth(), get('http://a.test/x'), transport, { url: new URL('http://b.test/x') });
    expect(transport.sent[0]?.headers['x-tokenauth']).toBe('token');
    expect(transport.sent[1]).toMatchObject({ url: 'http://b.test/y', headers: {} });
  });

  it('uses the parsed url it is given as the exchange’s first URL', async () => {
    const seen: URL[] = [];
    class Recording extends TokenAuth {
      override appliesTo(url: URL, initialUrl: URL): boolean {
        seen.push(url, initialUrl);
        return super.appliesTo(url, initialUrl);
      }
    }
    const parsed = new URL('http://a.test/x');
    await authenticate(new Recording(), get('http://a.test/x'), new ScriptedTransport(() => ({ status: 200 })), {
      url: parsed,
    });
    expect(seen).toEqual([parsed, parsed]);
    expect(seen[0]).toBe(parsed);
  });

  it('views each response once, and follows a redirect the flow saw', async () => {
    const transport = new ScriptedTransport((_r, i) => (i === 0 ? redirectTo('/y') : { status: 200 }));
    const views: number[] = [];
    const counting: Transport<AuthResponse & { id: number }> = {
      send: (request) => transport.send(request),
      view: (response) => {
        views.push(response.id);
        return response;
      },
      discard: (response) => transport.discard(response),
    };
    const response = await authenticate(new TokenAuth(), get(), counting);
    expect(response.id).toBe(1);
    expect(views).toEqual([0, 1]);
    expect(transport.sent.map((sent) => sent.url)).toEqual(['http://a.test/x', 'http://a.test/y']);
  });

  it('does not answer a challenge from another origin', async () => {
    const transport = new ScriptedTransport((r) =>
      r.url.startsWith('http://a.test') ? redirectTo('http://b.test/') : { status: 401 },
    );
    const response = await authenticate(new CountingAuth(), get(), transport);
    expect(response.status).toBe(401);
    expect(transport.sent).toHaveLength(2);
  });

  it('turns a 303 into a body-less GET and keeps the body on a 307', async () => {
    const body = { replayable: true, bytes: async () => new Uint8Array([1]) };
    for (const [status, method, hasBody] of [
      [303, 'GET', false],
      [307, 'POST', true],
      [301, 'GET', false],
    ] as const) {
      let seen: AuthRequest | undefined;
      const transport = new ScriptedTransport((r, i) => {
        if (i === 1) seen = r;
        return i === 0 ? redirectTo('/next', status) : { status: 200 };
      });
      const request = get('http://a.test/x', { 'content-type': 'text/plain' });
      request.method = 'POST';
      request.body = body;
      await authenticate(new TokenAuth(), request, transport);
      expect(seen?.method).toBe(method);
      expect(seen?.body !== undefined).toBe(hasBody);
      expect(seen?.headers.has('content-type')).toBe(hasBody);
    }
  });

  it('stops after the redirect cap with ERR_REDIRECT', async () => {
    const transport = new ScriptedTransport(() => redirectTo('/again'));
    const error = await authenticate(new TokenAuth(), get(), transport, { maxRedirects: 3 }).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REDIRECT');
    expect(transport.sent).toHaveLength(4);
  });

  it.each([
    'http://[::1',
    'ftp://a.test/y',
    'javascript:alert(1)',
  ])('refuses a redirect to %s with ERR_REDIRECT, the response attached', async (location) => {
    const transport = new ScriptedTransport(() => redirectTo(location));
    const error = await authenticate(new TokenAuth(), get(), transport).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REDIRECT');
    expect((error as AuthError).response).toMatchObject({ status: 302 });
    expect(transport.sent).toHaveLength(1);
  });

  it('keeps the fragment when Location has none', async () => {
    const transport = new ScriptedTransport((_r, i) =>
      i < 2 ? redirectTo(i === 0 ? '/y' : '/z#new') : { status: 200 },
    );
    await authenticate(new TokenAuth(), get('http://a.test/x#frag'), transport);
    expect(transport.sent.map((s) => s.url)).toEqual([
      'http://a.test/x#frag',
      'http://a.test/y#frag',
      'http://a.test/z#new',
    ]);
  });

  it('returns redirects as they are in manual mode', async () => {
    const transport = new ScriptedTransport(() => redirectTo('/y'));
    const response = await authenticate(new TokenAuth(), get(), transport, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(transport.sent).toHaveLength(1);
  });
});

describe('proxy credentials only to a proxy the adapter knows', () => {
  /** Answers every 407 with Proxy-Authorization, as a careless proxy scheme would (no requireProxy). */
  class CarelessProxyAuth extends AuthBase {
    override async *flow(request: AuthRequest): AuthFlow {
      request.headers.set('proxy-authorization', 'Basic cHU6cHA=');
      let response = yield request;
      for (let n = 1; response.status === 407; n++) {
        request.headers.set('proxy-authorization', `Answer ${n}`);
        response = yield request;
      }
    }
    override appliesTo(): boolean {
      return true;
    }
  }
  class StrictProxyAuth extends CarelessProxyAuth {
    override async *flow(request: AuthRequest): AuthFlow {
      requireProxy(request);
      yield* super.flow(request);
    }
  }
  const proxied = (url = 'http://a.test/x'): AuthRequest => ({ ...get(url), proxy: 'http://proxy.test:3128' });

  it('lets no scheme’s Proxy-Authorization leave without a proxy, and says why', async () => {
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    const response = await authenticate(new CarelessProxyAuth(), get(), transport);
    expect(transport.sent[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  it('answers no 407 without a proxy: the 407 goes back after one bare request', async () => {
    const transport = new ScriptedTransport(() => ({ status: 407 }));
    const response = await authenticate(new CarelessProxyAuth(), get(), transport);
    expect(transport.sent).toHaveLength(1);
    expect(response.status).toBe(407);
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  it('a scheme that calls requireProxy sends the request bare, with the reason', async () => {
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    const response = await authenticate(new StrictProxyAuth(), get(), transport);
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]?.headers['proxy-authorization']).toBeUndefined();
    expect(authErrorOf(response)?.code).toBe('ERR_NO_PROXY');
  });

  it('through a proxy: credentials go, its 407 is answered, no reason is kept', async () => {
    const transport = new ScriptedTransport((_r, i) => ({ status: i === 0 ? 407 : 200 }));
    const response = await authenticate(new StrictProxyAuth(), proxied(), transport);
    expect(transport.sent.map((sent) => sent.headers['proxy-authorization'])).toEqual(['Basic cHU6cHA=', 'Answer 1']);
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('keeps the proxy on every hop of a redirect', async () => {
    const transport = new ScriptedTransport((_r, i) =>
      i === 0 ? { status: 302, headers: { location: 'http://b.test/y' } } : { status: 200 },
    );
    const response = await authenticate(new StrictProxyAuth(), proxied(), transport);
    expect(transport.sent.map((sent) => [sent.url, sent.headers['proxy-authorization']])).toEqual([
      ['http://a.test/x', 'Basic cHU6cHA='],
      ['http://b.test/y', 'Basic cHU6cHA='],
    ]);
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('leaves a Proxy-Authorization the caller set by hand as it is', async () => {
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    await authenticate(new TokenAuth(), get('http://a.test/x', { 'proxy-authorization': 'Mine' }), transport);
    expect(transport.sent[0]?.headers['proxy-authorization']).toBe('Mine');
  });
});

describe('requireProxy', () => {
  it('gives the proxy a request goes through', () => {
    expect(requireProxy({ ...get(), proxy: 'http://proxy.test:3128' })).toBe('http://proxy.test:3128');
  });

  it('refuses a request through no proxy with ERR_NO_PROXY, saying proxy credentials were not sent', () => {
    let error: unknown;
    try {
      requireProxy(get());
    } catch (caught) {
      error = caught;
    }
    expect(isAuthError(error) && error.code).toBe('ERR_NO_PROXY');
    expect((error as Error).message).toMatch(/^Proxy credentials not sent: this request goes through no proxy/);
  });
});

describe('what the driver says and keeps', () => {
  it('says a scheme’s Proxy-Authorization without a proxy was not sent', async () => {
    class SetsProxyAuthorization extends AuthBase {
      override authorize(request: AuthRequest): void {
        request.headers.set('proxy-authorization', 'Basic cHU6cHA=');
      }
    }
    const response = await authenticate(
      new SetsProxyAuthorization(),
      get(),
      new ScriptedTransport(() => ({ status: 200 })),
    );
    expect(authErrorOf(response)?.message).toMatch(/^Proxy-Authorization not sent: /);
  });

  it('keeps no reason when a scheme only removes the caller’s own Proxy-Authorization', async () => {
    class RemovesProxyAuthorization extends AuthBase {
      override authorize(request: AuthRequest): void {
        request.headers.delete('proxy-authorization');
      }
    }
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    const request = get('http://a.test/x', { 'proxy-authorization': 'Mine' });
    const response = await authenticate(new RemovesProxyAuthorization(), request, transport);
    expect(transport.sent[0]?.headers).toEqual({});
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('names what went wrong when a stream body would be sent twice', async () => {
    const request = get();
    request.method = 'POST';
    request.body = { replayable: false, bytes: async () => new Uint8Array() };
    const error = await authenticate(new CountingAuth(), request, new ScriptedTransport(() => ({ status: 401 }))).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('A stream body cannot be sent twice');
  });

  it('stops after the redirect cap with a message naming the cap and the last redirect attached', async () => {
    const transport = new ScriptedTransport(() => ({ status: 301, headers: { location: '/again' } }));
    const error = await authenticate(new TokenAuth(), get(), transport, { maxRedirects: 2 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('More than 2 redirects');
    expect((error as AuthError).response).toMatchObject({ id: 2, status: 301 });
  });

  it('refuses a Location that is not http(s), saying so', async () => {
    const transport = new ScriptedTransport(() => ({ status: 302, headers: { location: 'ftp://a.test/' } }));
    const error = await authenticate(new TokenAuth(), get(), transport).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Redirect Location is not an http(s) URL');
  });
});

describe('scheme errors', () => {
  /** A scheme that throws `error` when it sees the first response (or before its first request, if `first`). */
  const throwing = (error: unknown, first = false) =>
    new (class extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        if (first) throw error;
        yield request;
        throw error;
      }
    })();

  it('passes a refusal before the first request (ERR_INSECURE_TRANSPORT) to the caller, and sends nothing', async () => {
    const transport = new ScriptedTransport(() => ({ status: 200 }));
    const refusal = new AuthError('ERR_INSECURE_TRANSPORT', 'no Basic over http');
    const error = await authenticate(throwing(refusal, true), get(), transport).catch((e: unknown) => e);
    expect(error).toBe(refusal);
    expect(transport.sent).toEqual([]);
  });

  it('passes an error that is not an AuthError through as it is, with nothing attached', async () => {
    const own = new Error('the scheme’s own');
    const error = await authenticate(throwing(own), get(), new ScriptedTransport(() => ({ status: 401 }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBe(own);
    expect(error).not.toHaveProperty('response');
  });

  it.each([
    'ERR_CHALLENGE_SYNTAX',
    'ERR_INVALID_CHALLENGE',
    'ERR_UNSUPPORTED_ALGORITHM',
    'ERR_UNSUPPORTED_QOP',
  ] as const)('returns the 401 when the scheme cannot answer its challenge (%s), the reason kept', async (code) => {
    const response = await authenticate(
      throwing(new AuthError(code, 'cannot answer')),
      get(),
      new ScriptedTransport(() => ({ status: 401 })),
    );
    expect(response.status).toBe(401);
    expect(authErrorOf(response)?.code).toBe(code);
  });

  it('throws a scheme error that is about no challenge, also on a 401 (ERR_INVALID_CREDENTIALS)', async () => {
    const transport = new ScriptedTransport(() => ({ status: 401 }));
    const error = await authenticate(
      throwing(new AuthError('ERR_INVALID_CREDENTIALS', 'a control character')),
      get(),
      transport,
    ).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as AuthError).response).toMatchObject({ id: 0, status: 401 });
  });

  it('throws a challenge error on a response that is no 401 or 407 (a bad Authentication-Info on a 200)', async () => {
    const error = await authenticate(
      throwing(new AuthError('ERR_CHALLENGE_SYNTAX', 'bad Authentication-Info')),
      get(),
      new ScriptedTransport(() => ({ status: 200 })),
    ).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect((error as AuthError).response).toMatchObject({ status: 200 });
  });

  it('returns a proxy’s 407 it cannot answer, through a known proxy, with the reason', async () => {
    const transport = new ScriptedTransport(() => ({ status: 407 }));
    const request: AuthRequest = { ...get(), proxy: 'http://proxy.test:3128' };
    const response = await authenticate(throwing(new AuthError('ERR_UNSUPPORTED_QOP', 'no qop')), request, transport);
    expect(response.status).toBe(407);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_QOP');
  });

  it('keeps the response a scheme error already carries', async () => {
    const own = new AuthError('ERR_SERVER_NOT_AUTHENTICATED', 'bad rspauth', { response: 'the scheme’s' });
    const error = await authenticate(throwing(own), get(), new ScriptedTransport(() => ({ status: 200 }))).catch(
      (e: unknown) => e,
    );
    expect((error as AuthError).response).toBe('the scheme’s');
  });
});

describe('redirects at the end of the legs', () => {
  it('follows a redirect that answers the last leg the cap allows', async () => {
    // 401, then the answered request is redirected: the flow never sees the 302.
    const transport = new ScriptedTransport((r, i) =>
      r.url === 'http://a.test/y'
        ? { status: 200 }
        : i === 0
          ? { status: 401 }
          : { status: 302, headers: { location: '/y' } },
    );
    const response = await authenticate(new CountingAuth(), get(), transport, { maxLegs: 2 });
    expect(transport.sent.map((sent) => sent.url)).toEqual(['http://a.test/x', 'http://a.test/x', 'http://a.test/y']);
    expect(response.status).toBe(200);
  });

  it('follows a redirect with a cap of one leg (the flow sees no response)', async () => {
    const transport = new ScriptedTransport((_r, i) =>
      i === 0 ? { status: 302, headers: { location: '/y' } } : { status: 200 },
    );
    const response = await authenticate(new TokenAuth(), get(), transport, { maxLegs: 1 });
    expect(transport.sent.map((sent) => sent.url)).toEqual(['http://a.test/x', 'http://a.test/y']);
    expect(response.status).toBe(200);
  });
});

describe('what a redirected hop carries', () => {
  it('keeps the request-body headers dropped on a 303 dropped on every later hop (Fetch changes the request’s own header list)', async () => {
    const transport = new ScriptedTransport((r) =>
      r.url.endsWith('/x')
        ? { status: 303, headers: { location: '/y' } }
        : r.url.endsWith('/y')
          ? { status: 307, headers: { location: '/z' } }
          : { status: 200 },
    );
    const request = get('http://a.test/x', { 'content-type': 'text/plain', 'x-trace': 't' });
    request.method = 'POST';
    request.body = { replayable: true, bytes: async () => new Uint8Array([1]) };
    await authenticate(new TokenAuth(), request, transport);
    expect(transport.sent.map((sent) => [sent.method, sent.url, sent.headers['content-type']])).toEqual([
      ['POST', 'http://a.test/x', 'text/plain'],
      ['GET', 'http://a.test/y', undefined],
      ['GET', 'http://a.test/z', undefined],
    ]);
    expect(transport.sent[2]?.headers['x-trace']).toBe('t');
  });

  it('hands the transport a hop with no proxy or body key the request it follows did not have', async () => {
    const seen: AuthRequest[] = [];
    const transport = new ScriptedTransport((r, i) => {
      seen.push(r);
      return i === 0 ? { status: 307, headers: { location: '/y' } } : { status: 200 };
    });
    await authenticate(new TokenAuth(), get(), transport);
    expect(Object.keys(seen[1] ?? {}).sort()).toEqual(['headers', 'method', 'url']);
  });
});
