import { type AuthBody, type AuthRequest, isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';
import { drive, FakeDigestServer, get, response, sentParams } from './test-helpers.js';

const URL_A = 'http://a.test/dir/index.html?x=1';
const cnonce = (() => {
  let i = 0;
  return () => `cn${++i}`;
})();

function digest(options: DigestAuthOptions = {}): DigestAuth {
  return new DigestAuth('Mufasa', 'Circle of Life', { cnonce, ...options });
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isAuthError(error) ? error.code : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}

/** What `promise` rejects with. */
async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('no error');
    },
    (error: unknown) => error,
  );
}

function bytesBody(text: string, replayable = true): AuthBody {
  return {
    replayable,
    bytes: async () => {
      if (!replayable) throw new Error('stream');
      return new TextEncoder().encode(text);
    },
  };
}

describe('DigestAuth construction', () => {
  it('refuses CR, LF and NUL in the credentials without echoing them', () => {
    for (const [user, pass] of [
      ['a\nb', 'p'],
      ['u', 'se\rcret'],
      ['u', 'x\0'],
    ] as const) {
      let caught: unknown;
      try {
        new DigestAuth(user, pass);
      } catch (error) {
        caught = error;
      }
      expect(isAuthError(caught) && caught.code).toBe('ERR_INVALID_CREDENTIALS');
      expect(String((caught as Error).message)).not.toContain('cret');
    }
  });

  it('refuses bad options', () => {
    const bad: unknown[] = [
      { qop: 'auth-conf' },
      { verifyServer: 'yes' },
      { preemptive: 1 },
      { maxProtectionSpaces: 0 },
      { maxProtectionSpaces: 1.5 },
      { cnonce: 'fixed' },
      null,
    ];
    for (const options of bad) {
      expect(() => new DigestAuth('u', 'p', options as DigestAuthOptions)).toThrowError(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
    expect(() => new DigestAuth(undefined as unknown as string, 'p')).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_CREDENTIALS' }),
    );
  });
});

describe('DigestAuth flow', () => {
  it('answers a 401 once, then answers later requests up front with the next nc', async () => {
    const server = new FakeDigestServer({ algorithm: 'SHA-256', qop: 'auth' });
    const auth = digest();
    const first = await drive(auth, get(URL_A), server.handle);
    expect(first.map((leg) => leg.response.status)).toEqual([401, 200]);
    expect(first[0]?.request.headers.has('authorization')).toBe(false);
    const answer = sentParams(first[1]?.request.headers as Headers);
    expect(answer).toMatchObject({
      uri: '/dir/index.html?x=1',
      nc: '00000001',
      qop: 'auth',
      algorithm: 'SHA-256',
      opaque: 'op',
    });

    const second = await drive(auth, get('http://a.test/other'), server.handle);
    expect(second.map((leg) => leg.response.status)).toEqual([200]);
    expect(sentParams(second[0]?.request.headers as Headers)).toMatchObject({
      nonce: answer?.nonce,
      nc: '00000002',
      uri: '/other',
    });
    expect(server.failures).toEqual([]);
  });

  it('keeps protection spaces per origin', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest();
    await drive(auth, get(URL_A), server.handle);
    const other = await drive(auth, get('http://b.test/'), server.handle);
    expect(other[0]?.request.headers.has('authorization')).toBe(false);
    const https = await drive(auth, get('https://a.test/'), server.handle);
    expect(https[0]?.request.headers.has('authorization')).toBe(false);
  });

  it('with preemptive: false, always waits for the challenge', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest({ preemptive: false });
    await drive(auth, get(URL_A), server.handle);
    const again = await drive(auth, get(URL_A), server.handle);
    expect(again.map((leg) => leg.response.status)).toEqual([401, 200]);
  });

  it('answers stale=true once more with the new nonce, nc restarting at 1', async () => {
    const server = new FakeDigestServer({ qop: 'auth', staleAfter: 0 });
    const auth = digest();
    const legs = await drive(auth, get(URL_A), server.handle);
    // bare, answer (stale), answer again (stale again): then the 401 is the caller's.
    expect(legs.map((leg) => leg.response.status)).toEqual([401, 401, 401]);
    const [a, b] = [sentParams(legs[1]?.request.headers as Headers), sentParams(legs[2]?.request.headers as Headers)];
    expect(a?.nc).toBe('00000001');
    expect(b?.nc).toBe('00000001');
    expect(b?.nonce).not.toBe(a?.nonce);
  });

  it('a stale nonce after success costs one extra leg', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest();
    const first = await drive(auth, get(URL_A), server.handle);
    server.expire(sentParams(first[1]?.request.headers as Headers)?.nonce as string);
    const legs = await drive(auth, get(URL_A), server.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([401, 200]);
    expect(sentParams(legs[1]?.request.headers as Headers)?.nc).toBe('00000001');
  });

  it('answers a refused preemptive answer once, even without stale', async () => {
    let reject = false;
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest();
    await drive(auth, get(URL_A), server.handle);
    const legs = await drive(auth, get(URL_A), (request) => {
      if (!reject) {
        reject = true;
        return response(401, { 'www-authenticate': server.challenge() });
      }
      return server.handle(request);
    });
    expect(legs.map((leg) => leg.response.status)).toEqual([401, 401, 200].slice(1));
  });

  it('gives wrong credentials exactly one answer and forgets the space', async () => {
    const server = new FakeDigestServer({ qop: 'auth', users: { Mufasa: 'other' } });
    const auth = digest();
    const legs = await drive(auth, get(URL_A), server.handle);
    expect(legs.map((leg) => leg.response.status)).toEqual([401, 401]);
    const again = await drive(auth, get(URL_A), server.handle);
    expect(again[0]?.request.headers.has('authorization')).toBe(false);
  });

  it('uses nextnonce from Authentication-Info for the next request', async () => {
    const server = new FakeDigestServer({ qop: 'auth', nextnonce: true });
    const auth = digest();
    const first = await drive(auth, get(URL_A), server.handle);
    const firstNonce = sentParams(first[1]?.request.headers as Headers)?.nonce;
    const second = await drive(auth, get(URL_A), server.handle);
    expect(second.map((leg) => leg.response.status)).toEqual([200]);
    const p = sentParams(second[0]?.request.headers as Headers);
    expect(p?.nonce).not.toBe(firstNonce);
    expect(p?.nc).toBe('00000001');
    expect(server.failures).toEqual([]);
  });

  it('checks rspauth: a good one passes, a bad one is ERR_SERVER_NOT_AUTHENTICATED', async () => {
    const good = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256', rspauth: 'good' });
    expect((await drive(digest(), get(URL_A), good.handle)).at(-1)?.response.status).toBe(200);

    const bad = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256', rspauth: 'bad' });
    const auth = digest();
    const refused = await errorOf(drive(auth, get(URL_A), bad.handle));
    expect(isAuthError(refused) && refused.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    expect((refused as Error).message).toBe(
      "The server's rspauth does not match: it did not prove it knows the credentials",
    );
    // The space it proved nothing for is forgotten.
    const again = await drive(auth, get(URL_A), bad.handle.bind(bad)).catch(() => []);
    expect(again[0]?.request.headers.has('authorization') ?? false).toBe(false);

    expect((await drive(digest({ verifyServer: false }), get(URL_A), bad.handle)).at(-1)?.response.status).toBe(200);
  });

  it('refuses an Authentication-Info it cannot parse, unless told not to verify', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const garbled = async (request: AuthRequest) => {
      const r = await server.handle(request);
      if (r.status === 200) r.headers.set('authentication-info', 'rspauth="unterminated');
      return r;
    };
    const refused = await errorOf(drive(digest(), get(URL_A), garbled));
    expect(isAuthError(refused) && refused.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    expect((refused as Error).message).toBe('The authentication-info header cannot be parsed');
    // The parser's own error, with where it stopped, is the cause.
    const { cause } = refused as Error;
    expect(isAuthError(cause) && cause.code).toBe('ERR_CHALLENGE_SYNTAX');
    expect((await drive(digest({ verifyServer: false }), get(URL_A), garbled)).at(-1)?.response.status).toBe(200);
  });

  it('picks the strongest Digest challenge across header lines, skipping unknown algorithms', async () => {
    const auth = digest();
    const headers = new Headers();
    headers.append('www-authenticate', 'Basic realm="r"');
    headers.append('www-authenticate', 'Digest realm="r", nonce="1", algorithm=MD5, qop="auth"');
    headers.append('www-authenticate', 'Digest realm="r", nonce="2", algorithm=SHA3-512, qop="auth"');
    headers.append(
      'www-authenticate',
      'Digest realm="r", nonce="3", algorithm=sha-256, qop="auth", Digest realm="r", nonce="4", algorithm=SHA-512-256-sess, qop="auth"',
    );
    headers.append('www-authenticate', 'Digest realm="r", nonce="5", algorithm=SHA-512, qop="auth"');
    const legs = await drive(auth, get(URL_A), (request) =>
      request.headers.has('authorization') ? response(200) : { status: 401, url: URL_A, headers },
    );
    expect(sentParams(legs[1]?.request.headers as Headers)).toMatchObject({
      nonce: '4',
      algorithm: 'SHA-512-256-sess',
    });
  });

  it('ranks SHA-256 over SHA-512 over MD5, plain over -sess', async () => {
    const pick = async (...challenges: string[]) => {
      const legs = await drive(digest({ requireQop: false }), get(URL_A), (request) =>
        request.headers.has('authorization')
          ? response(200)
          : response(401, { 'www-authenticate': challenges.join(', ') }),
      );
      return sentParams(legs[1]?.request.headers as Headers)?.algorithm;
    };
    expect(
      await pick('Digest realm="r", nonce="n", algorithm=MD5', 'Digest realm="r", nonce="n", algorithm=SHA-512'),
    ).toBe('SHA-512');
    expect(
      await pick('Digest realm="r", nonce="n", algorithm=SHA-512', 'Digest realm="r", nonce="n", algorithm=SHA-256'),
    ).toBe('SHA-256');
    expect(
      await pick('Digest realm="r", nonce="n", algorithm=MD5-sess', 'Digest realm="r", nonce="n", algorithm=MD5'),
    ).toBe('MD5');
    expect(
      await pick('Digest realm="r", nonce="n"', 'Digest realm="r", nonce="n", algorithm=MD5-sess'),
    ).toBeUndefined();
  });

  it.each([
    ['only unknown algorithms', 'Digest realm="r", nonce="n", algorithm=SHA3-256', 'ERR_UNSUPPORTED_ALGORITHM'],
    ['no nonce', 'Digest realm="r", qop="auth"', 'ERR_INVALID_CHALLENGE'],
    ['only unknown qops', 'Digest realm="r", nonce="n", qop="auth-conf"', 'ERR_UNSUPPORTED_QOP'],
    ['a malformed header', 'Digest realm="r, nonce="n', 'ERR_CHALLENGE_SYNTAX'],
    [
      'the closest failure among several',
      'Digest realm="r", algorithm=MD5, Digest realm="r", nonce="n", algorithm=SHA3, Digest realm="r", nonce="n", qop="x"',
      'ERR_UNSUPPORTED_QOP',
    ],
  ])('%s: the flow throws %s (the driver returns the 401 with it)', async (_name, header, code) => {
    const flow = digest().flow(get(URL_A));
    await flow.next();
    expect(await codeOf(flow.next(response(401, { 'www-authenticate': header })))).toBe(code);
  });

  it('ends the flow, leaving the 401 to the caller, when no challenge is Digest', async () => {
    const legs = await drive(digest(), get(URL_A), () =>
      response(401, { 'www-authenticate': 'Basic realm="r", Bearer' }),
    );
    expect(legs).toHaveLength(1);
    const none = await drive(digest(), get(URL_A), () => response(401));
    expect(none).toHaveLength(1);
  });

  it('answers with the request-target the origin sees: origin-form, also when the request goes to a proxy in absolute-form', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const legs = await drive(digest(), get('http://a.test/p%20q/r?s=t#frag', {}), server.handle);
    expect(sentParams(legs[1]?.request.headers as Headers)?.uri).toBe('/p%20q/r?s=t');
    const url = 'http://a.test/p?s=t';
    const proxied = await drive(digest(), get(url, { target: url }), (request) =>
      // The proxy forwards the request to the origin in origin-form (RFC 9112 §3.2.2).
      server.handle({ ...request, target: '/p?s=t' }),
    );
    expect(proxied.at(-1)?.response.status).toBe(200);
    expect(sentParams(proxied[1]?.request.headers as Headers)?.uri).toBe('/p?s=t');
    const target = await drive(digest(), get('http://a.test/', { target: '*', method: 'OPTIONS' }), server.handle);
    expect(sentParams(target[1]?.request.headers as Headers)?.uri).toBe('*');
  });

  it('answers with the username hashed when the server asks (RFC 7616 §3.4.4)', async () => {
    const server = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256', userhash: true });
    const legs = await drive(digest(), get(URL_A), server.handle);
    expect(legs.at(-1)?.response.status).toBe(200);
    const p = sentParams(legs[1]?.request.headers as Headers);
    expect(p?.userhash).toBe('true');
    expect(p?.username).toMatch(/^[0-9a-f]{64}$/);
  });

  it('auth-int hashes the body when asked and the body can be read', async () => {
    const server = new FakeDigestServer({ qop: 'auth, auth-int' });
    const post = () => get(URL_A, { method: 'POST', body: bytesBody('{"k":"v"}') });
    const legs = await drive(digest({ qop: 'auth-int' }), post(), server.handle);
    expect(legs.at(-1)?.response.status).toBe(200);
    expect(sentParams(legs[1]?.request.headers as Headers)?.qop).toBe('auth-int');
    const plain = await drive(digest(), post(), server.handle);
    expect(sentParams(plain[1]?.request.headers as Headers)?.qop).toBe('auth');
  });

  it('falls back to auth for a stream body, and cannot answer an auth-int-only challenge with one', async () => {
    const both = new FakeDigestServer({ qop: 'auth-int, auth' });
    const stream = () => get(URL_A, { method: 'POST', body: bytesBody('x', false) });
    const legs = await drive(digest({ qop: 'auth-int' }), stream(), both.handle);
    expect(sentParams(legs[1]?.request.headers as Headers)?.qop).toBe('auth');

    const flow = digest().flow(stream());
    await flow.next();
    const only = new FakeDigestServer({ qop: 'auth-int' });
    expect(await codeOf(flow.next(response(401, { 'www-authenticate': only.challenge() })))).toBe(
      'ERR_UNSUPPORTED_QOP',
    );
  });

  it('answers an RFC 2069 challenge (no qop) only with requireQop: false', async () => {
    const server = new FakeDigestServer({});
    expect(await codeOf(drive(digest(), get(URL_A), server.handle))).toBe('ERR_UNSUPPORTED_QOP');
    const auth = digest({ requireQop: false });
    const legs = await drive(auth, get(URL_A), server.handle);
    expect(legs.at(-1)?.response.status).toBe(200);
    const p = sentParams(legs[1]?.request.headers as Headers);
    expect(p?.qop).toBeUndefined();
    expect(p?.nc).toBeUndefined();
    expect(p?.cnonce).toBeUndefined();
  });
});

describe('DigestAuth concurrency and bounds', () => {
  it('200 concurrent requests on one instance never share an nc', async () => {
    const server = new FakeDigestServer({ qop: 'auth', algorithm: 'SHA-256' });
    const auth = digest();
    await drive(auth, get(URL_A), server.handle);
    const delayed = async (request: AuthRequest) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return server.handle(request);
    };
    const runs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => drive(auth, get(`http://a.test/${i}`), delayed)),
    );
    expect(runs.every((legs) => legs.length === 1 && legs[0]?.response.status === 200)).toBe(true);
    const ncs = runs.map((legs) => sentParams(legs[0]?.request.headers as Headers)?.nc);
    expect(new Set(ncs).size).toBe(200);
    expect(server.failures).toEqual([]);
  });

  it('concurrent first requests that get the same nonce still take distinct counts', async () => {
    // Like Apache, whose nonces are the same within a second.
    const server = new FakeDigestServer({ qop: 'auth', nonce: () => 'same' });
    const auth = digest();
    const runs = await Promise.all(Array.from({ length: 50 }, () => drive(auth, get(URL_A), server.handle)));
    expect(runs.every((legs) => legs.at(-1)?.response.status === 200)).toBe(true);
    expect(new Set(server.ncSeen).size).toBe(50);
    expect(server.failures).toEqual([]);
    const later = await drive(auth, get(URL_A), server.handle);
    expect(later.map((leg) => leg.response.status)).toEqual([200]);
  });

  it('remembers at most maxProtectionSpaces spaces, least recently used out first', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = digest({ maxProtectionSpaces: 2 });
    const origins = ['http://o1.test/', 'http://o2.test/', 'http://o3.test/'];
    for (const origin of origins) await drive(auth, get(origin), server.handle);
    const bare = async (url: string) =>
      (await drive(auth, get(url), server.handle))[0]?.request.headers.has('authorization');
    expect(await bare('http://o3.test/')).toBe(true);
    expect(await bare('http://o2.test/')).toBe(true);
    expect(await bare('http://o1.test/')).toBe(false);
  });

  it('answers up front only in the space whose domain covers the request (RFC 7616 §3.3)', async () => {
    const one = new FakeDigestServer({ qop: 'auth', realm: 'one', domain: '/one/' });
    const two = new FakeDigestServer({ qop: 'auth', realm: 'two', domain: '/two/ http://other.test/two/' });
    const route: Parameters<typeof drive>[2] = (request) =>
      (new URL(request.url).pathname.startsWith('/one/') ? one : two).handle(request);
    const auth = digest();
    const statuses = async (url: string) => (await drive(auth, get(url), route)).map((leg) => leg.response.status);
    expect(await statuses('http://a.test/one/a')).toEqual([401, 200]);
    // Space "one" names only /one/: /two/ is not guessed at.
    const toTwo = await drive(auth, get('http://a.test/two/b'), route);
    expect(toTwo.map((leg) => leg.response.status)).toEqual([401, 200]);
    expect(toTwo[0]?.request.headers.has('authorization')).toBe(false);
    const up = async (url: string) => sentParams((await drive(auth, get(url), route))[0]?.request.headers as Headers);
    expect((await up('http://a.test/one/c'))?.realm).toBe('one');
    expect((await up('http://a.test/two/d'))?.realm).toBe('two');
    expect((await up('http://a.test/one/e'))?.realm).toBe('one');
    // Outside every domain, and on the other origin the domain names, nothing goes up front.
    expect(await up('http://a.test/elsewhere')).toBeUndefined();
    expect(await up('http://other.test/two/x')).toBeUndefined();
    expect([...one.failures, ...two.failures].filter((why) => why !== 'none')).toEqual([]);
  });

  it('a domain that names nothing on this origin leaves the space the whole origin', async () => {
    for (const domain of ['', '  ', 'http://other.test/ https://a.test/', 'http://[bad']) {
      const server = new FakeDigestServer({ qop: 'auth', domain });
      const auth = digest();
      await drive(auth, get('http://a.test/x/y'), server.handle);
      const legs = await drive(auth, get('http://a.test/anywhere'), server.handle);
      expect(
        legs.map((leg) => leg.response.status),
        domain,
      ).toEqual([200]);
    }
  });

  it('keeps a space per realm and answers in the one the origin used last', async () => {
    const s1 = new FakeDigestServer({ qop: 'auth', realm: 'one' });
    const s2 = new FakeDigestServer({ qop: 'auth', realm: 'two' });
    const auth = digest();
    await drive(auth, get('http://a.test/one'), s1.handle);
    await drive(auth, get('http://a.test/two'), s2.handle);
    const legs = await drive(auth, get('http://a.test/two'), s2.handle);
    expect(sentParams(legs[0]?.request.headers as Headers)?.realm).toBe('two');
  });
});
