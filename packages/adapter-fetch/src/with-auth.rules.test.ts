import { Readable } from 'node:stream';
import { AuthBase, AuthError, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { Request as UndiciRequest, request as undiciRequest } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type FetchFunction, withAuth } from './with-auth.js';

// The rules withAuth keeps for every request, seen over the wire: the method a
// scheme signs is the one sent, a content type goes only where fetch would put
// one, and errors reach the caller as their own.

/** Sends nothing first; on a 401 reads the body (as Digest auth-int does) and answers with a token. */
class ReadingAuth extends AuthBase {
  override async *flow(request: AuthRequest): AuthFlow {
    const response = yield request;
    if (response.status === 401) {
      await request.body?.bytes();
      request.headers.set('X-TokenAuth', 'tok');
      yield request;
    }
  }
}

/** Sends the request, then aborts `controller` before the second leg. */
const abortingAuth = (controller: AbortController): AuthBase =>
  new (class extends AuthBase {
    override async *flow(request: AuthRequest): AuthFlow {
      yield request;
      controller.abort(new Error('user gave up'));
      yield request;
    }
  })();

/** A stream body: it can be read once. */
const streamOf = (text: string): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });

const users = { Aladdin: 'open sesame' };
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/digest': { auth: 'digest', realm: 'r', users },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/to-token': { redirect: { location: '/token' } },
      '/see-token': { redirect: { location: '/token', status: 303 } },
    },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('the method', () => {
  it('signs a lowercase method as the uppercase one fetch sends (Digest over post)', async () => {
    const authFetch = withAuth(fetch, new DigestAuth('Aladdin', 'open sesame'));
    const response = await authFetch(`${server.url}/digest`, { method: 'post', body: 'payload' });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.method, r.status])).toEqual([
      ['POST', 401],
      ['POST', 200],
    ]);
  });
});

describe('options', () => {
  it.each(['authbelt', 'client'] as const)('takes redirects: %j', (redirects) => {
    expect(() => withAuth(fetch, new ReadingAuth(), { redirects })).not.toThrow();
  });

  it('copies none of a function’s own properties from the fetch, even one it made enumerable', async () => {
    const named = Object.defineProperty((input: string, init?: RequestInit) => fetch(input, init), 'name', {
      value: 'namedFetch',
      enumerable: true,
    });
    const authFetch = withAuth(named, new ReadingAuth());
    expect(authFetch.name).not.toBe('namedFetch');
    expect((await authFetch(`${server.url}/token`)).status).toBe(200);
  });

  it('with maxLegs: 1 sends one request and returns its 401 as it is', async () => {
    const response = await withAuth(fetch, new ReadingAuth(), { maxLegs: 1 })(`${server.url}/token`);
    expect(response.status).toBe(401);
    expect(server.requests).toHaveLength(1);
  });

  it('with redirects: client leaves the redirect to fetch (its response says redirected)', async () => {
    const response = await withAuth(fetch, new ReadingAuth(), { redirects: 'client' })(`${server.url}/to-token`);
    expect(response.status).toBe(200);
    expect(response.redirected).toBe(true);
    const own = await withAuth(fetch, new ReadingAuth())(`${server.url}/to-token`);
    expect(own.status).toBe(200);
    expect(own.redirected).toBe(false);
  });

  it('ends the exchange when the signal of a Request input aborts between legs', async () => {
    const controller = new AbortController();
    const input = new Request(`${server.url}/token`, { signal: controller.signal });
    await expect(withAuth(fetch, abortingAuth(controller))(input)).rejects.toThrow('user gave up');
    expect(server.requests).toHaveLength(1);
  });
});

describe('the input', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['an object with no url', { method: 'GET', clone: () => undefined }],
    ['an object with no method', { url: 'http://127.0.0.1:1/', clone: () => undefined }],
    ['an object with no clone', { url: 'http://127.0.0.1:1/', method: 'GET' }],
  ])('rejects %s as fetch does, with its TypeError', async (_kind, input) => {
    const error = await failure(withAuth(fetch, new ReadingAuth())(input as never));
    const fetchError = await failure(fetch(input as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe((fetchError as TypeError).message);
  });

  it('puts the URL parser’s reason on the cause of a URL it cannot parse, as fetch does', async () => {
    const error = await failure(withAuth(fetch, new ReadingAuth())('http://[::1'));
    const fetchError = await failure(fetch('http://[::1'));
    expect(String((error as TypeError).cause)).toBe(String((fetchError as TypeError).cause));
    expect((error as TypeError).cause).toBeInstanceOf(TypeError);
  });

  it('leaves a null dispatcher to fetch: the same rejection, nothing sent', async () => {
    const init = { dispatcher: null } as RequestInit;
    const error = await failure(withAuth(fetch, new ReadingAuth())(`${server.url}/token`, init));
    // Node's fetch throws this one at once, not through its promise.
    const fetchError = await failure((async () => fetch(`${server.url}/token`, init))());
    expect((error as Error).message).toBe((fetchError as Error).message);
    expect(server.requests).toHaveLength(0);
  });

  it('keeps redirect: manual of a Request from undici’s package', async () => {
    const response = await withAuth(
      fetch,
      new ReadingAuth(),
    )(new UndiciRequest(`${server.url}/to-token`, { redirect: 'manual' }) as never);
    expect(response.status).toBe(302);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the integrity of a Request from undici’s package: a mismatch fails as in fetch', async () => {
    const init = { integrity: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };
    const fetchError = await failure(fetch(`${server.url}/to-token`, init));
    const error = await failure(
      withAuth(fetch, new ReadingAuth())(new UndiciRequest(`${server.url}/to-token`, init) as never),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError).cause)).toBe(String((fetchError as TypeError).cause));
  });

  it('ends the exchange when the signal of a Request from undici’s package aborts between legs', async () => {
    const controller = new AbortController();
    const input = new UndiciRequest(`${server.url}/token`, { signal: controller.signal });
    await expect(withAuth(fetch, abortingAuth(controller))(input as never)).rejects.toThrow('user gave up');
    expect(server.requests).toHaveLength(1);
  });
});

describe('redirects', () => {
  it('drops the body on a 303, as fetch does: the next hop is a GET with none', async () => {
    const response = await withAuth(fetch, new ReadingAuth())(`${server.url}/see-token`, {
      method: 'POST',
      body: 'payload',
    });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.method, r.path, r.body.byteLength])).toEqual([
      ['POST', '/see-token', 7],
      ['GET', '/token', 0],
      ['GET', '/token', 0],
    ]);
  });
});

describe('bodies', () => {
  it('shows a scheme no body for a request without one, and the body for one with it', async () => {
    const seen: boolean[] = [];
    class LookingAuth extends AuthBase {
      override authorize(request: AuthRequest): void {
        seen.push(request.body !== undefined);
      }
    }
    const authFetch = withAuth(fetch, new LookingAuth());
    await authFetch(`${server.url}/token`);
    await authFetch(`${server.url}/token`, { method: 'POST', body: 'x' });
    expect(seen).toEqual([false, true]);
  });

  it('sends a stream body the caller gave without duplex (what Node’s fetch needs is added)', async () => {
    const stream = streamOf('no duplex');
    const authFetch = withAuth(fetch, new ReadingAuth(), { maxLegs: 1 });
    await authFetch(`${server.url}/token`, { method: 'POST', body: stream });
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('no duplex');
  });

  it('sends a Node stream (Readable) the caller gave without duplex as a stream', async () => {
    const authFetch = withAuth(fetch, new ReadingAuth(), { maxLegs: 1 });
    // Node's fetch takes any async iterable; the DOM's BodyInit names none of them.
    const body = Readable.from(['node ', 'stream']) as unknown as BodyInit;
    await authFetch(`${server.url}/token`, { method: 'POST', body });
    expect(server.requests[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('node stream');
  });

  it('sends a ReadableStream that is not async-iterable (as in Safari) without duplex as a stream', async () => {
    const stream = streamOf('no iterator');
    Object.defineProperty(stream, Symbol.asyncIterator, { value: undefined });
    const authFetch = withAuth(fetch, new ReadingAuth(), { maxLegs: 1 });
    await authFetch(`${server.url}/token`, { method: 'POST', body: stream });
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('no iterator');
  });

  it('hands the caller’s fetch a duplex only with a stream body (a string goes as it is)', async () => {
    const duplexes: Array<string | undefined> = [];
    const recording: FetchFunction = (input, init) => {
      duplexes.push(init.duplex);
      return fetch(input, init as RequestInit);
    };
    // The caller passes what fetch takes (withAuth's result has its fetch's type: FetchFunction's init is what legs get).
    const authFetch = withAuth(recording, new ReadingAuth(), { maxLegs: 1 }) as unknown as typeof fetch;
    await authFetch(`${server.url}/token`, { method: 'POST', body: 'a string' });
    await authFetch(`${server.url}/token`, { method: 'POST', body: streamOf('a stream') });
    expect(duplexes).toEqual([undefined, 'half']);
  });

  it('sends a body on a runtime with no ReadableStream, through a fetch that needs none', async () => {
    // Here undici.request, which reads no global ReadableStream (Node's fetch does).
    const streamless: FetchFunction = async (input, init) => {
      const answer = await undiciRequest(input, {
        method: init.method as 'POST',
        headers: Object.fromEntries(new Headers(init.headers as HeadersInit)),
        body: init.body as unknown as string,
      });
      await answer.body.dump();
      const headers = new Headers(answer.headers as Record<string, string>);
      return { status: answer.statusCode, url: input, headers, body: null, bodyUsed: true };
    };
    // A scheme that reads no body (Node's Response, which would encode it, needs ReadableStream too).
    class TokenAuth extends AuthBase {
      override authorize(request: AuthRequest): void {
        request.headers.set('X-TokenAuth', 'tok');
      }
    }
    vi.stubGlobal('ReadableStream', undefined);
    try {
      const streamlessAuthFetch = withAuth(streamless, new TokenAuth()) as unknown as typeof fetch;
      const response = await streamlessAuthFetch(`${server.url}/token`, {
        method: 'POST',
        body: 'no streams here',
      });
      expect(response.status).toBe(200);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(server.requests.map((r) => [r.status, new TextDecoder().decode(r.body)])).toEqual([
      [200, 'no streams here'],
    ]);
  });

  it('sends a stream body as a stream (chunked), not read into memory first', async () => {
    const stream = streamOf('streamed');
    const authFetch = withAuth(fetch, new ReadingAuth(), { maxLegs: 1 });
    await authFetch(`${server.url}/token`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    expect(server.requests[0]?.headers['transfer-encoding']).toBe('chunked');
    expect(new TextDecoder().decode(server.requests[0]?.body)).toBe('streamed');
  });
});

describe('content type', () => {
  it('keeps the caller’s Content-Type over the body’s own when a scheme read the bytes', async () => {
    const authFetch = withAuth(fetch, new ReadingAuth());
    const response = await authFetch(`${server.url}/token`, {
      method: 'PUT',
      headers: { 'content-type': 'text/x-mine' },
      body: new Blob(['blob body'], { type: 'application/x-blob' }),
    });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual(['text/x-mine', 'text/x-mine']);
  });

  it('adds no content type to a Request whose headers the init replaces, as fetch adds none', async () => {
    const make = () => new Request(`${server.url}/token`, { method: 'POST', body: 'from a Request' });
    await fetch(make(), { headers: { 'x-trace': '1' } });
    const fetchSent = server.requests[0]?.headers['content-type'];
    server.reset();
    const response = await withAuth(fetch, new ReadingAuth())(make(), { headers: { 'x-trace': '1' } });
    expect(response.status).toBe(200);
    expect(fetchSent).toBeUndefined();
    expect(server.requests.map((r) => r.headers['content-type'])).toEqual([undefined, undefined]);
    expect(new TextDecoder().decode(server.requests[1]?.body)).toBe('from a Request');
  });
});

describe('errors', () => {
  it('refuses a missing fetch or AuthBase with ERR_INVALID_ARGUMENT and its reason', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return isAuthError(error) ? `${error.code}: ${error.message}` : error;
      }
      return undefined;
    };
    expect(refusal(() => withAuth(undefined as never, new ReadingAuth()))).toBe(
      'ERR_INVALID_ARGUMENT: withAuth needs a fetch function',
    );
    expect(refusal(() => withAuth(fetch, null as never))).toBe('ERR_INVALID_ARGUMENT: withAuth needs an AuthBase');
    expect(refusal(() => withAuth(fetch, undefined as never))).toBe('ERR_INVALID_ARGUMENT: withAuth needs an AuthBase');
  });

  it('hands a scheme’s own AuthError to the caller as it is: only a redirect failure becomes fetch’s TypeError', async () => {
    class RefusingAuth extends AuthBase {
      override authorize(): void {
        throw new AuthError('ERR_INVALID_CREDENTIALS', 'no usable password');
      }
    }
    const error = await failure(withAuth(fetch, new RefusingAuth())(`${server.url}/token`));
    expect(isAuthError(error) && `${error.code}: ${error.message}`).toBe('ERR_INVALID_CREDENTIALS: no usable password');
    expect(server.requests).toHaveLength(0);
  });

  it.each<[string, () => BodyInit]>([
    ['a ReadableStream', () => streamOf('once')],
    ['a Node stream (Readable)', () => Readable.from(['once']) as unknown as BodyInit],
  ])('hands %s a scheme needs again to the caller as ERR_BODY_NOT_REPLAYABLE, not a TypeError', async (_kind, make) => {
    const stream = make();
    const authFetch = withAuth(fetch, new ReadingAuth());
    const error = await failure(
      authFetch(`${server.url}/token`, { method: 'POST', body: stream, duplex: 'half' } as RequestInit),
    );
    expect(isAuthError(error) && `${error.code}: ${error.message}`).toBe(
      'ERR_BODY_NOT_REPLAYABLE: A stream body cannot be read before it is sent',
    );
    expect(server.requests).toHaveLength(1);
  });
});
