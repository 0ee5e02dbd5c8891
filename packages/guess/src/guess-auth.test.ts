import { withAuth } from '@authbelt/adapter-fetch';
import { type AuthResponse, authErrorOf, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GuessAuth, GuessProxyAuth } from './guess-auth.js';

const users = { Mufasa: 'Circle of Life' };
const realm = 'guess@example.org';
const digestChallenge =
  'Digest realm="guess@example.org", qop="auth", algorithm=SHA-256, nonce="{nonce}", opaque="{opaque}"';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm, users },
      '/digest': { auth: 'digest', realm, users, algorithms: ['MD5', 'SHA-256', 'SHA-512-256'] },
      '/digest-md5': { auth: 'digest', realm, users, algorithms: ['MD5'] },
    },
  });
});
afterAll(() => server.close());
beforeEach(() => server.reset());

describe('GuessAuth against the test server', () => {
  it('takes Basic when only Basic is offered, then answers up front', async () => {
    const authFetch = withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'));
    for (let i = 0; i < 5; i++) {
      const response = await authFetch(`${server.url}/basic`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    // N requests cost N+1 round trips: one challenge, then preemptive.
    expect(server.stats('/basic')).toMatchObject({ requests: 6, authFailures: 0 });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('takes the strongest Digest when Digest is offered, then answers up front', async () => {
    const authFetch = withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'));
    for (let i = 0; i < 10; i++) {
      const response = await authFetch(`${server.url}/digest`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(server.stats('/digest')).toMatchObject({ requests: 11, authFailures: 0 });
    expect(server.requests[1]?.headers.authorization).toMatch(/^Digest .*algorithm=SHA-512-256/);
  });

  it('sends nothing before the first challenge', async () => {
    await withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'))(`${server.url}/digest-md5`);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('returns a wrong password’s 401 after one answer', async () => {
    const response = await withAuth(fetch, new GuessAuth('Mufasa', 'wrong'))(`${server.url}/digest`);
    expect(response.status).toBe(401);
    expect(server.stats('/digest').requests).toBe(2);
  });
});

describe('GuessAuth remembers a scheme per protection space, not per origin', () => {
  // Apache's layout: Basic on /basic/, Digest on /digest/, one origin.
  let mixed: TestServer;
  beforeAll(async () => {
    const basic = { auth: 'basic' as const, realm: 'basic', users };
    const digest = { auth: 'digest' as const, realm: 'digest', users, algorithms: ['SHA-256' as const] };
    mixed = await startTestServer({
      routes: { '/basic/a': basic, '/basic/b': basic, '/digest/a': digest, '/digest/b': digest, '/other': digest },
    });
  });
  afterAll(() => mixed.close());
  beforeEach(() => mixed.reset());

  const schemeOf = (i: number) => String(mixed.requests[i]?.headers.authorization ?? 'none').split(' ')[0];

  it('answers each path up front after its first challenge, and switching costs nothing', async () => {
    const authFetch = withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'));
    for (const path of ['/basic/a', '/digest/a', '/basic/b', '/digest/b', '/basic/a', '/digest/a']) {
      const response = await authFetch(`${mixed.url}${path}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    // One 401 per space, then nothing but answers up front; Basic never sent to /digest/.
    expect(mixed.requests.map((r) => `${r.path} ${schemeOf(mixed.requests.indexOf(r))} ${r.status}`)).toEqual([
      '/basic/a none 401',
      '/basic/a Basic 200',
      '/digest/a none 401',
      '/digest/a Digest 200',
      '/basic/b Basic 200',
      '/digest/b Digest 200',
      '/basic/a Basic 200',
      '/digest/a Digest 200',
    ]);
  });

  it('Digest remembered for the origin yields to Basic where a closer space asks for it', async () => {
    const authFetch = withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'));
    for (const path of ['/other', '/basic/a', '/basic/b', '/other', '/digest/a']) {
      const response = await authFetch(`${mixed.url}${path}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(mixed.requests.map((r, i) => `${r.path} ${schemeOf(i)} ${r.status}`)).toEqual([
      '/other none 401',
      '/other Digest 200',
      '/basic/a Digest 401',
      '/basic/a Basic 200',
      '/basic/b Basic 200',
      '/other Digest 200',
      '/digest/a Digest 200',
    ]);
  });
});

describe('GuessAuth picks from every challenge, in any order and layout', () => {
  const both = (lines: string[]) =>
    startTestServer({
      routes: { '/both': { auth: 'digest', realm, users, algorithms: ['SHA-256'], challenges: lines } },
    });

  it.each([
    ['Basic first, one line', [`Basic realm="${realm}", ${digestChallenge}`]],
    ['Digest first, one line', [`${digestChallenge}, Basic realm="${realm}"`]],
    ['Basic first, two lines', [`Basic realm="${realm}"`, digestChallenge]],
    ['Digest first, two lines', [digestChallenge, `Basic realm="${realm}"`]],
  ])('%s: Digest', async (_name, lines) => {
    const s = await both(lines);
    try {
      const response = await withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'))(`${s.url}/both`);
      expect(response.status).toBe(200);
      expect(s.requests[1]?.headers.authorization).toMatch(/^Digest /);
    } finally {
      await s.close();
    }
  });
});

describe('GuessAuth by hand', () => {
  const challenge = (status: number, header: string, value: string): AuthResponse => ({
    status,
    url: 'http://example.test/',
    headers: new Headers({ [header]: value }),
  });

  it('forgets Basic for a directory whose server now asks for Digest for the whole origin', async () => {
    const auth = new GuessAuth('u', 'p');
    const get = (path: string) => ({ method: 'GET', url: `http://127.0.0.1${path}`, headers: new Headers() });
    const ok = challenge(200, 'x-ok', '1');
    // /x/a: Basic asked for and answered; remembered for /x/.
    let flow = auth.flow(get('/x/a'));
    await flow.next();
    await flow.next(challenge(401, 'www-authenticate', 'Basic realm="x"'));
    await flow.next(ok);
    // /x/b: Basic up front is refused, Digest is asked for (its space: the whole origin).
    flow = auth.flow(get('/x/b'));
    expect((await flow.next()).value?.headers.get('authorization')).toMatch(/^Basic /);
    const digest = await flow.next(
      challenge(401, 'www-authenticate', 'Digest realm="d", nonce="n1", qop="auth", algorithm=SHA-256'),
    );
    expect(digest.value?.headers.get('authorization')).toMatch(/^Digest /);
    await flow.next(ok);
    // /x/c: Digest up front, not the Basic that would be refused on every request.
    flow = auth.flow(get('/x/c'));
    expect((await flow.next()).value?.headers.get('authorization')).toMatch(/^Digest /);
  });

  it('ignores responses that are not 401', async () => {
    const flow = new GuessAuth('u', 'p').flow({ method: 'GET', url: 'http://127.0.0.1/', headers: new Headers() });
    await flow.next();
    expect((await flow.next(challenge(403, 'www-authenticate', 'Basic realm="x"'))).done).toBe(true);
  });

  it('refuses Basic over plain http to a host that is not loopback', async () => {
    const flow = new GuessAuth('u', 'p').flow({ method: 'GET', url: 'http://example.test/', headers: new Headers() });
    await flow.next();
    const error = await flow.next(challenge(401, 'www-authenticate', 'Basic realm="x"')).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INSECURE_TRANSPORT');
  });

  it('sends Basic over plain http when told to', async () => {
    const flow = new GuessAuth('u', 'p', { allowInsecureBasic: true }).flow({
      method: 'GET',
      url: 'http://example.test/',
      headers: new Headers(),
    });
    await flow.next();
    const step = await flow.next(challenge(401, 'www-authenticate', 'Basic realm="x"'));
    expect(step.value?.headers.get('authorization')).toBe('Basic dTpw');
  });

  it('answers 407 then 401 with each side’s own credentials', async () => {
    const flow = new GuessProxyAuth('u', 'p', 'pu', 'pp').flow({
      method: 'GET',
      url: 'http://127.0.0.1/',
      headers: new Headers(),
      proxy: 'http://127.0.0.1:3128',
    });
    await flow.next();
    const proxied = await flow.next(challenge(407, 'proxy-authenticate', 'Basic realm="proxy"'));
    expect(proxied.value?.headers.get('proxy-authorization')).toBe('Basic cHU6cHA=');
    const both = await flow.next(challenge(401, 'www-authenticate', 'Basic realm="origin"'));
    expect(both.value?.headers.get('authorization')).toBe('Basic dTpw');
    expect(both.value?.headers.get('proxy-authorization')).toBe('Basic cHU6cHA=');
  });

  it('answers 401 then 407 as well', async () => {
    const flow = new GuessProxyAuth('u', 'p', 'pu', 'pp').flow({
      method: 'GET',
      url: 'http://127.0.0.1/',
      headers: new Headers(),
      proxy: 'http://127.0.0.1:3128',
    });
    await flow.next();
    const first = await flow.next(challenge(401, 'www-authenticate', 'Basic realm="origin"'));
    expect(first.value?.headers.get('authorization')).toBe('Basic dTpw');
    const second = await flow.next(challenge(407, 'proxy-authenticate', 'Basic realm="proxy"'));
    expect(second.value?.headers.get('proxy-authorization')).toBe('Basic cHU6cHA=');
  });

  it('never sends a proxy Digest nc twice while answering the origin', async () => {
    const flow = new GuessProxyAuth('u', 'p', 'pu', 'pp').flow({
      method: 'GET',
      url: 'http://127.0.0.1/',
      headers: new Headers(),
      proxy: 'http://127.0.0.1:3128',
    });
    await flow.next();
    const proxied = await flow.next(
      challenge(407, 'proxy-authenticate', 'Digest realm="proxy", nonce="n1", qop="auth", algorithm=SHA-256'),
    );
    const first = proxied.value?.headers.get('proxy-authorization') ?? '';
    expect(first).toMatch(/nc=00000001/);
    const both = await flow.next(challenge(401, 'www-authenticate', 'Basic realm="origin"'));
    expect(both.value?.headers.get('authorization')).toBe('Basic dTpw');
    const second = both.value?.headers.get('proxy-authorization') ?? '';
    expect(second).toMatch(/nc=00000002/);
    expect(second).not.toBe(first);
  });
});

describe('GuessAuth with a Digest minimum', () => {
  let weak: TestServer;
  beforeAll(async () => {
    weak = await startTestServer({
      routes: {
        '/md5': { auth: 'digest', realm, users, algorithms: ['MD5'] },
        '/rfc2069': { auth: 'digest', realm, users, algorithms: ['SHA-256'], qop: 'none' },
      },
    });
  });
  afterAll(() => weak.close());

  it('passes algorithms to Digest: MD5 refused, the 401 returned with the reason', async () => {
    const response = await withAuth(
      fetch,
      new GuessAuth('Mufasa', 'Circle of Life', { algorithms: ['SHA-256'] }),
    )(`${weak.url}/md5`);
    expect(response.status).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(weak.stats('/md5').requests).toBe(1);
  });

  it('refuses RFC 2069 Digest by default, and answers it with requireQop: false', async () => {
    const strict = await withAuth(fetch, new GuessAuth('Mufasa', 'Circle of Life'))(`${weak.url}/rfc2069`);
    expect(strict.status).toBe(401);
    expect(authErrorOf(strict)?.code).toBe('ERR_UNSUPPORTED_QOP');
    const lenient = await withAuth(
      fetch,
      new GuessAuth('Mufasa', 'Circle of Life', { requireQop: false }),
    )(`${weak.url}/rfc2069`);
    expect(lenient.status).toBe(200);
  });
});

describe('GuessAuth options', () => {
  it.each([
    ['an unknown option', { allowInsecure: true }, /GuessAuth has no option "allowInsecure"/],
    [
      'a value of the wrong type',
      { allowInsecureBasic: 'yes' },
      /GuessAuth option allowInsecureBasic must be a boolean/,
    ],
    ['options that are not an object', null, /GuessAuth options must be an object/],
    ['an algorithm no Digest speaks', { algorithms: ['SHA-1'] }, /GuessAuth option algorithms must be/],
  ])('refuses %s at construction', (_what, options, message) => {
    expect(() => new GuessAuth('u', 'p', options as never)).toThrow(message);
    expect(() => new GuessProxyAuth('u', 'p', 'pu', 'pp', options as never)).toThrow(
      message.source.replace('GuessAuth', 'GuessProxyAuth'),
    );
  });
});
