import { Stream } from 'node:stream';
import { AuthBase, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

// The body as a scheme reads it (Digest auth-int hashes it) is exactly what
// axios sends; a stream is sent once and never read ahead or sent again.

/** Reads the request's body bytes up front, as a scheme signing the body would. */
class BodyReadingAuth extends AuthBase {
  seen: string | undefined;
  override async *flow(request: AuthRequest): AuthFlow {
    const bytes = await request.body?.bytes();
    this.seen = bytes === undefined ? undefined : new TextDecoder().decode(bytes);
    yield request;
  }
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/int': { auth: 'digest', realm: 'r', users: { Mufasa: 'Circle of Life' }, qop: ['auth-int'] },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
    },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

const digest = () => new DigestAuth('Mufasa', 'Circle of Life');
const error = (pending: Promise<unknown>) =>
  pending.then(
    () => undefined,
    (e: unknown) => e,
  );
const form = () => {
  const data = new FormData();
  data.append('field', 'value');
  return data;
};

describe.each(['http', 'fetch'] as const)('Digest auth-int over an axios body with the %s adapter', (adapter) => {
  it.each<[string, () => unknown]>([
    ['string', () => 'héllo wörld'],
    ['ArrayBuffer', () => new Uint8Array([5, 6, 7]).buffer],
    // A small Buffer is a view into Node's shared pool, at an offset.
    ['Buffer', () => Buffer.from([0, 1, 2, 255])],
    ['Blob', () => new Blob(['blob body'], { type: 'application/x-blob' })],
    ['FormData', form],
  ])('hashes a %s body as it is sent: the server accepts the answer', async (_kind, body) => {
    const response = await withAuth(axios.create({ adapter }), digest()).put(`${server.url}/int`, body());
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
  });

  it.each([
    ['Digest auth-int, which reads it', '/int', digest],
    ['a scheme that answers without reading it', '/token', () => new ChallengeTokenAuth()],
  ])('sends a FormData on each leg with the Content-Type whose boundary its bytes use (%s)', async (_name, path, auth) => {
    const response = await withAuth(axios.create({ adapter }), auth()).put(`${server.url}${path}`, form());
    expect(response.status).toBe(200);
    expect(server.requests).toHaveLength(2);
    for (const received of server.requests) {
      const boundary = /^multipart\/form-data; boundary=(\S+)$/.exec(String(received.headers['content-type']))?.[1];
      const text = new TextDecoder().decode(received.body);
      expect(text.startsWith(`--${boundary}\r\n`) && text.endsWith(`--${boundary}--\r\n`)).toBe(true);
      expect(text).toContain('name="field"\r\n\r\nvalue\r\n');
    }
  });

  it('sends a Blob on each leg with the Content-Type plain axios sends for it', async () => {
    const blob = () => new Blob(['blob body'], { type: 'application/x-blob' });
    await axios.put(`${server.url}/int`, blob(), { adapter, validateStatus: () => true });
    const response = await withAuth(axios.create({ adapter }), digest()).put(`${server.url}/int`, blob());
    expect(response.status).toBe(200);
    const [plain, ...legs] = server.requests.map((r) => [r.headers['content-type'], new TextDecoder().decode(r.body)]);
    expect(plain?.[1]).toBe('blob body');
    expect(legs).toEqual([plain, plain]);
  });

  it('refuses a scheme reading a stream ahead of sending it (ERR_BODY_NOT_REPLAYABLE): nothing is sent', async () => {
    const body = adapter === 'http' ? Stream.Readable.from([Buffer.from('x')]) : new Blob(['x']).stream();
    const failed = await error(
      withAuth(axios.create({ adapter }), new BodyReadingAuth()).put(`${server.url}/int`, body),
    );
    expect(isAuthError(failed) && `${failed.code}: ${failed.message}`).toBe(
      'ERR_BODY_NOT_REPLAYABLE: A stream body cannot be read before it is sent',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('hashes the empty body of a request without data (GET): the server accepts the answer', async () => {
    const response = await withAuth(axios.create({ adapter }), digest()).get(`${server.url}/int`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.method, r.status, r.body.byteLength])).toEqual([
      ['GET', 401, 0],
      ['GET', 200, 0],
    ]);
  });

  it.each<[string, () => ArrayBuffer | Uint8Array]>([
    ['ArrayBuffer', () => new Uint8Array([1, 2, 3]).buffer],
    ['Buffer', () => Buffer.from([1, 2, 3])],
  ])('sends a %s body as it is, whatever a scheme does to the bytes it read', async (_kind, body) => {
    class ScribblingAuth extends AuthBase {
      override async *flow(request: AuthRequest): AuthFlow {
        (await request.body?.bytes())?.fill(0);
        request.headers.set('X-TokenAuth', 'tok');
        yield request;
      }
    }
    const response = await withAuth(axios.create({ adapter }), new ScribblingAuth()).put(`${server.url}/token`, body());
    expect(response.status).toBe(200);
    expect([...(server.requests[0]?.body ?? [])]).toEqual([1, 2, 3]);
  });

  it('refuses a scheme reading data transformRequest left as something axios cannot send (ERR_INVALID_ARGUMENT)', async () => {
    const config = { adapter, transformRequest: [(data: unknown) => data] };
    const failed = await error(withAuth(axios.create(config), new BodyReadingAuth()).put(`${server.url}/int`, 42));
    expect(isAuthError(failed) && `${failed.code}: ${failed.message}`).toBe(
      'ERR_INVALID_ARGUMENT: The request data is not a string, ArrayBuffer, Buffer, Blob, FormData or stream after transformRequest',
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('bodies only one adapter takes', () => {
  it('the fetch adapter: a URLSearchParams left by transformRequest is hashed as sent', async () => {
    const api = withAuth(axios.create({ adapter: 'fetch', transformRequest: [(data: unknown) => data] }), digest());
    const response = await api.put(`${server.url}/int`, new URLSearchParams({ a: '1', b: 'two words' }));
    expect(response.status).toBe(200);
    expect(new TextDecoder().decode(server.requests[1]?.body)).toBe('a=1&b=two+words');
  });

  it('the http adapter: a FormData goes with the Content-Length of its bytes on each leg, whatever the caller set, as with plain axios', async () => {
    const headers = { 'Content-Length': '1' };
    await axios.put(`${server.url}/token`, form(), { adapter: 'http', headers, validateStatus: () => true });
    const api = withAuth(axios.create({ adapter: 'http' }), new ChallengeTokenAuth());
    expect((await api.put(`${server.url}/token`, form(), { headers })).status).toBe(200);
    expect(server.requests).toHaveLength(3);
    for (const received of server.requests) {
      expect(received.headers['content-length']).toBe(String(received.body.byteLength));
      expect(received.body.byteLength).toBeGreaterThan(1);
    }
  });

  it('the http adapter: a legacy Node stream (pipe, not async-iterable) is sent once, never again', async () => {
    const legacy = new Stream() as Stream & { readable: boolean };
    legacy.readable = true;
    setImmediate(() => {
      legacy.emit('data', Buffer.from('legacy'));
      legacy.emit('end');
    });
    const failed = await error(
      withAuth(axios.create({ adapter: 'http' }), new ChallengeTokenAuth()).post(`${server.url}/token`, legacy),
    );
    expect(isAuthError(failed) && failed.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect(server.requests.map((r) => [r.status, new TextDecoder().decode(r.body)])).toEqual([[401, 'legacy']]);
  });
});

describe('streams only one adapter takes', () => {
  it('the fetch adapter: an async iterable transformRequest leaves is a stream, sent once and never read ahead', async () => {
    async function* chunks() {
      yield new TextEncoder().encode('iterated');
    }
    const config = { adapter: 'fetch' as const, transformRequest: [(data: unknown) => data] };
    const api = (auth: AuthBase) => withAuth(axios.create(config), auth);
    const readAhead = await error(api(new BodyReadingAuth()).put(`${server.url}/int`, chunks()));
    expect(isAuthError(readAhead) && readAhead.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect(server.requests).toHaveLength(0);
    const resent = await error(api(new ChallengeTokenAuth()).put(`${server.url}/token`, chunks()));
    expect(isAuthError(resent) && resent.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect(server.requests.map((r) => [r.status, new TextDecoder().decode(r.body)])).toEqual([[401, 'iterated']]);
  });

  it('a web ReadableStream that is not async-iterable (Safari’s) is a stream too: never read ahead', async () => {
    const iterator = Object.getOwnPropertyDescriptor(ReadableStream.prototype, Symbol.asyncIterator);
    delete (ReadableStream.prototype as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator];
    try {
      const body = new Blob(['x']).stream();
      expect(Symbol.asyncIterator in body).toBe(false);
      const failed = await error(
        withAuth(axios.create({ adapter: 'fetch' }), new BodyReadingAuth()).put(`${server.url}/int`, body),
      );
      expect(isAuthError(failed) && failed.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    } finally {
      if (iterator) Object.defineProperty(ReadableStream.prototype, Symbol.asyncIterator, iterator);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('a runtime without ReadableStream, Blob, FormData or AbortSignal (http adapter)', () => {
  beforeEach(() => {
    for (const name of ['ReadableStream', 'Blob', 'FormData', 'AbortSignal']) vi.stubGlobal(name, undefined);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('replays a Buffer body on the retry', async () => {
    const api = withAuth(axios.create({ adapter: 'http' }), new ChallengeTokenAuth());
    const response = await api.put(`${server.url}/token`, Buffer.from('buffered'));
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.status, new TextDecoder().decode(r.body)])).toEqual([
      [401, 'buffered'],
      [200, 'buffered'],
    ]);
  });

  it('refuses a scheme reading data axios cannot send with ERR_INVALID_ARGUMENT, as anywhere else', async () => {
    const config = { adapter: 'http' as const, transformRequest: [(data: unknown) => data] };
    const failed = await error(withAuth(axios.create(config), new BodyReadingAuth()).put(`${server.url}/int`, 42));
    expect(isAuthError(failed) && failed.code).toBe('ERR_INVALID_ARGUMENT');
    expect(server.requests).toHaveLength(0);
  });
});

describe('what a scheme reads of a body', () => {
  it('reads the bytes axios sends, and reads them again the same', async () => {
    const auth = new BodyReadingAuth();
    const api = withAuth(axios.create({ adapter: 'http' }), auth);
    await api.post(`${server.url}/token`, 'once', { validateStatus: () => true });
    await api.post(`${server.url}/token`, 'twice', { validateStatus: () => true });
    expect(auth.seen).toBe('twice');
    expect(server.requests.map((r) => new TextDecoder().decode(r.body))).toEqual(['once', 'twice']);
  });
});
