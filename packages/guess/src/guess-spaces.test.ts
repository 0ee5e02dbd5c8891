import { withAuth } from '@authbelt/adapter-fetch';
import { type AuthFlow, type AuthRequest, type AuthResponse, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuessAuth, GuessProxyAuth } from './guess-auth.js';

const response = (status: number, headers: Record<string, string> = {}): AuthResponse => ({
  status,
  url: 'http://127.0.0.1/',
  headers: new Headers(headers),
});
const ok = response(200);
const basic = response(401, { 'www-authenticate': 'Basic realm="b"' });
const digest = (nonce: string, extra = '') =>
  response(401, { 'www-authenticate': `Digest realm="d", nonce="${nonce}", qop="auth", algorithm=SHA-256${extra}` });
const get = (url: string, proxy?: string): AuthRequest => ({
  method: 'GET',
  url,
  headers: new Headers(),
  ...(proxy === undefined ? {} : { proxy }),
});
const header = (step: IteratorResult<AuthRequest, void>, name = 'authorization') =>
  step.done ? 'done' : (step.value.headers.get(name) ?? 'none');

// One whole exchange: the challenge, our answer, the server's 200.
const answered = async (flow: AuthFlow, challenge: AuthResponse) => {
  await flow.next();
  const answer = await flow.next(challenge);
  await flow.next(ok);
  return header(answer);
};

describe('GuessAuth answers only what it may, and only once', () => {
  it('answers Digest over plain http to any host (only Basic is held back)', async () => {
    const flow = new GuessAuth('u', 'p').flow(get('http://example.test/'));
    await flow.next();
    expect(header(await flow.next(digest('n1')))).toMatch(/^Digest /);
  });

  it('answers Basic over https to any host', async () => {
    const flow = new GuessAuth('u', 'p').flow(get('https://example.test/'));
    await flow.next();
    expect(header(await flow.next(basic))).toBe('Basic dTpw');
  });

  it('names the host and the way out when it refuses Basic over plain http, never the password', async () => {
    const flow = new GuessAuth('u', 'secret-pw').flow(get('http://example.test:8080/x'));
    await flow.next();
    const error = await flow.next(basic).catch((e: unknown) => e);
    expect(isAuthError(error) && `${error.code}: ${error.message}`).toBe(
      'ERR_INSECURE_TRANSPORT: Refusing to send Basic credentials over plain http to example.test:8080; use https or { allowInsecureBasic: true }',
    );
  });

  it.each([
    ['no challenge', response(401)],
    ['only a scheme it does not speak', response(401, { 'www-authenticate': 'Bearer realm="api"' })],
  ])('returns a 401 with %s', async (_name, challenge) => {
    const flow = new GuessAuth('u', 'p').flow(get('http://127.0.0.1/'));
    await flow.next();
    expect((await flow.next(challenge)).done).toBe(true);
  });

  it('guesses once per request: a second challenge for another scheme is returned', async () => {
    const flow = new GuessAuth('u', 'p').flow(get('http://127.0.0.1/a'));
    await flow.next();
    expect(header(await flow.next(basic))).toBe('Basic dTpw');
    expect((await flow.next(digest('n1'))).done).toBe(true);
  });

  it('replaces the caller’s own refused Authorization with its answer at once', async () => {
    const request = get('http://127.0.0.1/a');
    request.headers.set('Authorization', 'Bearer mine');
    const flow = new GuessAuth('u', 'p').flow(request);
    expect(header(await flow.next())).toBe('Bearer mine');
    expect(header(await flow.next(digest('n1')))).toMatch(/^Digest .*nonce="n1"/);
  });
});

describe('GuessAuth remembers spaces', () => {
  it('answers Digest up front in every directory of the origin it was asked in', async () => {
    const auth = new GuessAuth('u', 'p');
    expect(await answered(auth.flow(get('http://127.0.0.1/x/a')), digest('n1'))).toMatch(/^Digest /);
    expect(header(await auth.flow(get('http://127.0.0.1/y/b')).next())).toMatch(/^Digest .*nonce="n1"/);
  });

  it('answers a stale nonce of a Digest answered up front', async () => {
    const auth = new GuessAuth('u', 'p');
    await answered(auth.flow(get('http://127.0.0.1/a')), digest('n1'));
    const flow = auth.flow(get('http://127.0.0.1/b'));
    expect(header(await flow.next())).toMatch(/nonce="n1"/);
    expect(header(await flow.next(digest('n2', ', stale=true')))).toMatch(/nonce="n2"/);
  });

  it.each([
    ['refused again', basic],
    ['met with a challenge it cannot answer', response(401, { 'www-authenticate': 'Bearer realm="api"' })],
  ])('forgets a remembered scheme %s, returns the 401, and guesses again there next time', async (_name, challenge) => {
    const auth = new GuessAuth('u', 'p');
    await answered(auth.flow(get('http://127.0.0.1/x/a')), basic);
    const refused = auth.flow(get('http://127.0.0.1/x/b'));
    expect(header(await refused.next())).toBe('Basic dTpw');
    expect((await refused.next(challenge)).done).toBe(true);
    expect(header(await auth.flow(get('http://127.0.0.1/x/c')).next())).toBe('none');
  });

  it('keeps the scheme that replaced another in the same space', async () => {
    const auth = new GuessAuth('u', 'p');
    await answered(auth.flow(get('http://127.0.0.1/a')), basic);
    const switched = auth.flow(get('http://127.0.0.1/b'));
    expect(header(await switched.next())).toBe('Basic dTpw');
    expect(header(await switched.next(digest('n1')))).toMatch(/^Digest /);
    await switched.next(ok);
    expect(header(await auth.flow(get('http://127.0.0.1/c')).next())).toMatch(/^Digest /);
  });

  it('remembers 256 spaces, forgetting the least recently used first', async () => {
    const auth = new GuessAuth('u', 'p');
    const url = (i: number) => `http://127.0.0.1/d${i}/x`;
    for (let i = 0; i < 256; i++) await answered(auth.flow(get(url(i))), basic);
    // All 256 are answered up front; asking for d0 makes it the most recently used.
    for (let i = 0; i < 256; i++) expect(header(await auth.flow(get(url(i))).next())).toBe('Basic dTpw');
    expect(header(await auth.flow(get(url(0))).next())).toBe('Basic dTpw');
    await answered(auth.flow(get(url(256))), basic);
    expect(header(await auth.flow(get(url(1))).next())).toBe('none');
    expect(header(await auth.flow(get(url(0))).next())).toBe('Basic dTpw');
    expect(header(await auth.flow(get(url(2))).next())).toBe('Basic dTpw');
    expect(header(await auth.flow(get(url(256))).next())).toBe('Basic dTpw');
  });
});

describe('GuessProxyAuth and the proxy', () => {
  const proxyBasic = response(407, { 'proxy-authenticate': 'Basic realm="p"' });

  it('answers no 407 for a request that goes through no proxy', async () => {
    const flow = new GuessProxyAuth('u', 'p', 'pu', 'pp').flow(get('http://127.0.0.1/'));
    await flow.next();
    expect((await flow.next(proxyBasic)).done).toBe(true);
  });

  it('answers a proxy up front once it has challenged, and no other proxy', async () => {
    const auth = new GuessProxyAuth('u', 'p', 'pu', 'pp');
    const first = auth.flow(get('http://127.0.0.1/', 'http://127.0.0.1:3128'));
    await first.next();
    expect(header(await first.next(proxyBasic), 'proxy-authorization')).toBe('Basic cHU6cHA=');
    await first.next(ok);
    const again = await auth.flow(get('http://127.0.0.1/b', 'http://127.0.0.1:3128')).next();
    expect(header(again, 'proxy-authorization')).toBe('Basic cHU6cHA=');
    const other = await auth.flow(get('http://127.0.0.1/b', 'http://127.0.0.1:3129')).next();
    expect(header(other, 'proxy-authorization')).toBe('none');
  });

  it('keeps the scheme one request learnt for a proxy when another, started before it, meets a 407 it cannot answer', async () => {
    const auth = new GuessProxyAuth('u', 'p', 'pu', 'pp');
    const proxy = 'http://127.0.0.1:3128';
    const learns = auth.flow(get('http://127.0.0.1/a', proxy));
    const fails = auth.flow(get('http://127.0.0.1/b', proxy));
    // Both start while nothing is remembered for the proxy.
    expect(header(await learns.next(), 'proxy-authorization')).toBe('none');
    expect(header(await fails.next(), 'proxy-authorization')).toBe('none');
    expect(header(await learns.next(proxyBasic), 'proxy-authorization')).toBe('Basic cHU6cHA=');
    await learns.next(ok);
    expect((await fails.next(response(407, { 'proxy-authenticate': 'Bearer realm="p"' }))).done).toBe(true);
    const next = await auth.flow(get('http://127.0.0.1/c', proxy)).next();
    expect(header(next, 'proxy-authorization')).toBe('Basic cHU6cHA=');
  });

  it('returns a proxy Digest challenge to an https request through the proxy: its headers go to the origin', async () => {
    const flow = new GuessProxyAuth('u', 'p', 'pu', 'pp').flow(get('https://127.0.0.1/', 'http://127.0.0.1:3128'));
    await flow.next();
    const challenge = response(407, {
      'proxy-authenticate': 'Digest realm="p", nonce="n1", qop="auth", algorithm=SHA-256',
    });
    expect((await flow.next(challenge)).done).toBe(true);
  });
});

describe('GuessAuth checks the server’s answer over the wire', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      routes: {
        '/bad-rspauth': {
          auth: 'digest',
          realm: 'r',
          users: { u: 'p' },
          algorithms: ['SHA-256'],
          authInfo: true,
          badRspauth: true,
        },
        '/digest': { auth: 'digest', realm: 'r', users: { u: 'p' }, algorithms: ['SHA-256'] },
      },
    });
  });
  afterAll(() => server.close());

  it('rejects a guessed Digest exchange whose server proves nothing (bad rspauth)', async () => {
    const error = await withAuth(fetch, new GuessAuth('u', 'p'))(`${server.url}/bad-rspauth`).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
  });

  it('answers the challenge to a caller’s own Authorization in one more round trip', async () => {
    server.reset();
    const answer = await withAuth(fetch, new GuessAuth('u', 'p'))(`${server.url}/digest`, {
      headers: { Authorization: 'Bearer mine' },
    });
    expect(answer.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
  });
});
