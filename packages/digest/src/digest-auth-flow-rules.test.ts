// DigestAuth's flow, leg by leg against the in-memory server of
// test-helpers.ts: which requests carry an answer, when a server's word is
// taken (stale, domain, Authentication-Info), and when an error stops the
// exchange before anything is sent.
import { type AuthBody, type AuthRequest, type AuthResponse, isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';
import { drive, FakeDigestServer, get, response, type Server, sentParams } from './test-helpers.js';

const URL_A = 'http://a.test/dir/index.html';

function digest(options: DigestAuthOptions = {}): DigestAuth {
  let i = 0;
  return new DigestAuth('Mufasa', 'Circle of Life', { cnonce: () => `cn${++i}`, ...options });
}

const statuses = (legs: Array<{ response: AuthResponse }>): number[] => legs.map((leg) => leg.response.status);
const answered = (legs: Array<{ request: { headers: Headers } }>): boolean[] =>
  legs.map((leg) => leg.request.headers.has('authorization'));

/** A server that records what it is sent, and what the flow threw, if it did. */
async function run(
  auth: DigestAuth,
  request: AuthRequest,
  server: Server,
): Promise<{ seen: AuthRequest[]; error: unknown }> {
  const seen: AuthRequest[] = [];
  let error: unknown;
  try {
    await drive(auth, request, (sent) => {
      seen.push({ ...sent, headers: new Headers(sent.headers) });
      return server(sent);
    });
  } catch (caught) {
    error = caught;
  }
  return { seen, error };
}

function body(text: string, failure?: Error): AuthBody {
  return {
    replayable: true,
    bytes: async () => {
      if (failure !== undefined) throw failure;
      return new TextEncoder().encode(text);
    },
  };
}

describe('domain (RFC 7616 §3.3) with spaces around its URIs', () => {
  it('names only its URIs: a request elsewhere on the origin is not answered up front', async () => {
    const server = new FakeDigestServer({ qop: 'auth', domain: ' /one/  /two/ ' });
    const auth = digest();
    expect(statuses(await drive(auth, get('http://a.test/one/a'), server.handle))).toEqual([401, 200]);
    expect(answered(await drive(auth, get('http://a.test/two/b'), server.handle))).toEqual([true]);
    expect(answered(await drive(auth, get('http://a.test/three/c'), server.handle))).toEqual([false, true]);
  });
});

describe('a body that cannot be read for an answer up front', () => {
  it('a read error stops the exchange before anything is sent, not a bare request', async () => {
    const server = new FakeDigestServer({ qop: 'auth-int' });
    const auth = digest();
    expect(statuses(await drive(auth, get(URL_A, { method: 'POST', body: body('a') }), server.handle))).toEqual([
      401, 200,
    ]);
    const broken = new Error('socket hang up while reading the body');
    const { seen, error } = await run(auth, get(URL_A, { method: 'POST', body: body('b', broken) }), server.handle);
    expect(error).toBe(broken);
    expect(seen).toEqual([]);
  });

  it('a stream body in an auth-int-only space goes bare, and the 401 comes back with ERR_UNSUPPORTED_QOP', async () => {
    const server = new FakeDigestServer({ qop: 'auth-int' });
    const auth = digest();
    await drive(auth, get(URL_A, { method: 'POST', body: body('a') }), server.handle);
    const stream: AuthBody = { replayable: false, bytes: async () => new Uint8Array() };
    const { seen, error } = await run(auth, get(URL_A, { method: 'POST', body: stream }), server.handle);
    expect(seen.map((request) => request.headers.has('authorization'))).toEqual([false]);
    expect(isAuthError(error) && error.code).toBe('ERR_UNSUPPORTED_QOP');
  });
});

describe('qop auth-int without a body', () => {
  it('a GET is answered with the hash of the empty body, first after the 401 and then up front', async () => {
    const server = new FakeDigestServer({ qop: 'auth-int', algorithm: 'SHA-256' });
    const auth = digest();
    const first = await drive(auth, get(URL_A), server.handle);
    expect(statuses(first)).toEqual([401, 200]);
    expect(sentParams(first[1]?.request.headers as Headers)?.qop).toBe('auth-int');
    const second = await drive(auth, get(URL_A), server.handle);
    expect(statuses(second)).toEqual([200]);
    expect(sentParams(second[0]?.request.headers as Headers)).toMatchObject({ qop: 'auth-int', nc: '00000002' });
    expect(server.failures).toEqual([]);
  });
});

describe('stale=true (RFC 7616 §3.2.1: the credentials were right, the nonce expired)', () => {
  it.each(['stale=TRUE', 'stale="True"', 'stale=" true "'])('%s is stale, in any case and spacing', async (stale) => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest();
    await drive(auth, get(URL_A), server.handle);
    let refused = false;
    const legs = await drive(auth, get(URL_A), async (request) => {
      if (!refused && request.headers.has('authorization')) {
        refused = true;
        return response(401, { 'www-authenticate': `${server.challenge()}, ${stale}`.replace(', stale=true', '') });
      }
      return server.handle(request);
    });
    // Up front (refused as stale: it gets its one answer), the answer (stale: one more), then success.
    expect(statuses(legs)).toEqual([401, 200]);
    const again = await drive(auth, get(URL_A), (request) =>
      request.headers.has('authorization')
        ? response(401, { 'www-authenticate': `${server.challenge()}, ${stale}` })
        : server.handle(request),
    );
    expect(statuses(again)).toEqual([401, 401, 401]);
  });

  it('a server that answers stale=true forever gets the answer and one more; the space is kept for the next request', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const alwaysStale: Server = (request) =>
      request.headers.has('authorization')
        ? response(401, { 'www-authenticate': server.challenge(true) })
        : server.handle(request);
    const auth = digest();
    const legs = await drive(auth, get(URL_A), alwaysStale, 10);
    expect(statuses(legs)).toEqual([401, 401, 401]);
    expect(answered(legs)).toEqual([false, true, true]);
    // Its credentials were never refused: the next request is answered up front.
    const next = await drive(auth, get(URL_A), server.handle);
    expect(answered(next)).toEqual([true]);
    expect(statuses(next)).toEqual([200]);
  });
});

describe('Authentication-Info (RFC 7615, RFC 7616 §3.5)', () => {
  const withInfo =
    (server: FakeDigestServer, info: (request: AuthRequest) => string | undefined): Server =>
    async (request) => {
      const answer = await server.handle(request);
      const value = info(request);
      if (answer.status === 200 && value !== undefined) answer.headers.set('authentication-info', value);
      return answer;
    };

  it('on a response to a request that carried no answer, it is not read', async () => {
    const open: Server = () => response(200, { 'authentication-info': 'rspauth="00", nextnonce="x"' });
    expect(statuses(await drive(digest(), get(URL_A), open))).toEqual([200]);
  });

  it('rspauth is hex: an upper-case one, with spaces around it, is the same value', async () => {
    const good = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256', rspauth: 'good' });
    const shouting: Server = async (request) => {
      const answer = await good.handle(request);
      const info = answer.headers.get('authentication-info');
      if (info !== null) {
        answer.headers.set(
          'authentication-info',
          info.replace(/rspauth="([0-9a-f]+)"/, (_, hex: string) => `rspauth=" ${hex.toUpperCase()} "`),
        );
      }
      return answer;
    };
    const legs = await drive(digest(), get(URL_A), shouting);
    expect(legs[1]?.response.headers.get('authentication-info')).toMatch(/rspauth=" [0-9A-F]+ "/);
    expect(statuses(legs)).toEqual([401, 200]);
  });

  it('an auth-int answer’s rspauth (it covers the response body) is not checked', async () => {
    const server = new FakeDigestServer({ qop: 'auth-int' });
    const legs = await drive(
      digest(),
      get(URL_A),
      withInfo(server, () => 'rspauth="0123456789abcdef", qop=auth-int'),
    );
    expect(statuses(legs)).toEqual([401, 200]);
  });

  it('an empty nextnonce is not a nonce: the next request keeps the current one', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest();
    const first = await drive(
      auth,
      get(URL_A),
      withInfo(server, () => 'nextnonce=""'),
    );
    const nonce = sentParams(first[1]?.request.headers as Headers)?.nonce;
    const second = await drive(auth, get(URL_A), server.handle);
    expect(statuses(second)).toEqual([200]);
    expect(sentParams(second[0]?.request.headers as Headers)).toMatchObject({ nonce, nc: '00000002' });
  });
});

describe('what a caller reads when the server is not proven', () => {
  it('an Authentication-Info that cannot be parsed: the header named, the parse error as cause', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const garbled: Server = async (request) => {
      const answer = await server.handle(request);
      if (answer.status === 200) answer.headers.set('authentication-info', 'rspauth="unterminated');
      return answer;
    };
    const { error } = await run(digest(), get(URL_A), garbled);
    expect(isAuthError(error) && error.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    expect((error as Error).message).toBe('The authentication-info header cannot be parsed');
    expect(isAuthError((error as Error).cause)).toBe(true);
  });

  it('a wrong rspauth: the message says the server did not prove it knows the credentials', async () => {
    const bad = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256', rspauth: 'bad' });
    const { error } = await run(digest(), get(URL_A), bad.handle);
    expect((error as Error).message).toBe(
      "The server's rspauth does not match: it did not prove it knows the credentials",
    );
  });
});

describe('a subclass that keeps its credentials from a request', () => {
  it('sendsTo false: the 401 is not answered, nothing is sent with credentials', async () => {
    class NotHere extends DigestAuth {
      protected override sendsTo(request: AuthRequest): boolean {
        return !request.url.startsWith('http://a.test/');
      }
    }
    const server = new FakeDigestServer({ qop: 'auth' });
    const legs = await drive(new NotHere('Mufasa', 'Circle of Life'), get(URL_A), server.handle);
    expect(statuses(legs)).toEqual([401]);
    expect(answered(legs)).toEqual([false]);
  });
});
