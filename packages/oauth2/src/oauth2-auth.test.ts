import { inspect } from 'node:util';
import { withAuth } from '@authbelt/adapter-fetch';
import { isAuthError } from '@authbelt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2AuthOptions, OAuth2Tokens } from './options.js';
import { type Answer, json, type ScriptServer, startScriptServer } from './script-server.test-helper.js';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(async () => {
  await server.close();
});

const SECRET = 'client-secret-never-printed';
const REFRESH = 'refresh-token-never-printed';

const options = (extra: Partial<OAuth2AuthOptions> = {}): OAuth2AuthOptions => ({
  tokenEndpoint: `${server.url}/token`,
  clientId: 'app',
  clientSecret: SECRET,
  ...extra,
});

const codeOf = (error: unknown) => (isAuthError(error) ? error.code : error);

/** An API that accepts `good-*` tokens, behind a token endpoint scripted by `token`. */
function script(token: (index: number, body: URLSearchParams) => Answer, api?: (auth: string) => Answer) {
  let tokenIndex = 0;
  server.answer((request) => {
    if (request.path === '/token') return token(tokenIndex++, new URLSearchParams(request.body));
    const auth = String(request.headers.authorization ?? '');
    if (api !== undefined) return api(auth);
    return auth.startsWith('Bearer good-')
      ? { status: 200, body: 'ok' }
      : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
  });
}
const tokenRequests = () => server.seen.filter((r) => r.path === '/token');

describe('options', () => {
  it.each([
    [{ colour: 'red' }, 'colour'],
    [{ clientAuth: 'private_key_jwt' }, 'clientAuth'],
    [{ scope: 42 }, 'scope'],
    [{ resource: 'not a url' }, 'resource'],
    [{ dpop: 'yes' }, 'dpop'],
  ])('refuses %o naming %s (ERR_INVALID_ARGUMENT)', (given, name) => {
    const error = catching(() => new OAuth2Auth({ ...options(), ...given } as OAuth2AuthOptions));
    expect(codeOf(error)).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain(SECRET);
  });

  it('needs exactly one of issuer and tokenEndpoint, a clientId, and a secret unless clientAuth is none', () => {
    expect(() => new OAuth2Auth({ clientId: 'app', clientSecret: 'x' })).toThrow(/issuer/);
    expect(() => new OAuth2Auth({ ...options(), issuer: server.url })).toThrow(/not both/);
    expect(() => new OAuth2Auth({ tokenEndpoint: `${server.url}/token` } as OAuth2AuthOptions)).toThrow(/clientId/);
    expect(() => new OAuth2Auth({ tokenEndpoint: `${server.url}/token`, clientId: 'app' })).toThrow(/clientSecret/);
    expect(
      () => new OAuth2Auth({ tokenEndpoint: `${server.url}/token`, clientId: 'app', clientAuth: 'none' }),
    ).not.toThrow();
    expect(() => new OAuth2Auth({ ...options(), grant: 'refresh_token' })).toThrow(/refreshToken/);
  });

  it('refuses a plain-http authorization server that is not loopback (ERR_INSECURE_TRANSPORT)', () => {
    expect(
      codeOf(catching(() => new OAuth2Auth({ ...options(), tokenEndpoint: 'http://auth.example.org/token' }))),
    ).toBe('ERR_INSECURE_TRANSPORT');
    expect(
      () => new OAuth2Auth({ ...options(), tokenEndpoint: 'http://auth.example.org/token', allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it('no secret or token in inspect() or JSON', () => {
    const auth = new OAuth2Auth(options({ tokens: { accessToken: 'access-never-printed', refreshToken: REFRESH } }));
    for (const text of [inspect(auth, { depth: 5, showHidden: true }), JSON.stringify(auth)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(REFRESH);
      expect(text).not.toContain('access-never-printed');
    }
  });
});

function catching(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('grants against a scripted token endpoint', () => {
  it('client_credentials sends client_secret_basic, scope and resource (RFC 8707)', async () => {
    script(() => json(200, { access_token: 'good-1', token_type: 'Bearer', expires_in: 3600 }));
    const api = withAuth(fetch, new OAuth2Auth(options({ scope: ['a', 'b'], resource: ['https://api.example.org/'] })));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    const [grant] = tokenRequests();
    const body = new URLSearchParams(grant?.body);
    expect(body.get('grant_type')).toBe('client_credentials');
    expect(body.get('scope')).toBe('a b');
    expect(body.getAll('resource')).toEqual(['https://api.example.org/']);
    expect(grant?.headers.authorization).toMatch(/^Basic /);
  });

  it('refresh: a server that returns no new refresh token keeps the old one (RFC 6749 §6)', async () => {
    const sent: string[] = [];
    script((_i, body) => {
      sent.push(String(body.get('refresh_token')));
      return json(200, { access_token: 'good-2', token_type: 'bearer', expires_in: 0 });
    });
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(options({ tokens: { refreshToken: REFRESH }, onTokens: (t) => void saved.push(t) }));
    const api = withAuth(fetch, auth);
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(saved[0]?.refreshToken).toBe(REFRESH);
  });

  it('refresh: a 5xx keeps the tokens, and the same refresh token is used when the server is back', async () => {
    script((i, body) =>
      i === 0
        ? { status: 503, body: 'down' }
        : json(200, {
            access_token: `good-${body.get('refresh_token')}`,
            token_type: 'Bearer',
            refresh_token: 'rotated',
          }),
    );
    const api = withAuth(fetch, new OAuth2Auth(options({ tokens: { refreshToken: 'r1' } })));
    const error = await api(`${server.url}/api`).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(tokenRequests().map((r) => new URLSearchParams(r.body).get('refresh_token'))).toEqual(['r1', 'r1']);
  });

  it('refresh: a network error keeps the tokens (ERR_TOKEN_PROVIDER with the cause)', async () => {
    script(() => json(200, { access_token: 'good-3', token_type: 'Bearer' }));
    let down = true;
    const flaky: typeof fetch = (input, init) =>
      down ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    const api = withAuth(fetch, new OAuth2Auth(options({ tokens: { refreshToken: 'r1' }, fetch: flaky })));
    expect(codeOf(await api(`${server.url}/api`).catch((e: unknown) => e))).toBe('ERR_TOKEN_PROVIDER');
    down = false;
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(new URLSearchParams(tokenRequests()[0]?.body).get('refresh_token')).toBe('r1');
  });
});

describe('lifecycle', () => {
  it('uses a given access token first (no grant), and a given expired one never (one grant)', async () => {
    script(() => json(200, { access_token: 'good-new', token_type: 'Bearer', expires_in: 3600 }));
    const fresh = withAuth(
      fetch,
      new OAuth2Auth(options({ tokens: { accessToken: 'good-old', expiresAt: Date.now() + 600_000 } })),
    );
    expect((await fresh(`${server.url}/api`)).status).toBe(200);
    expect(tokenRequests()).toHaveLength(0);
    const expired = withAuth(
      fetch,
      new OAuth2Auth(options({ tokens: { accessToken: 'good-old', expiresAt: Date.now() - 1 } })),
    );
    expect((await expired(`${server.url}/api`)).status).toBe(200);
    expect(tokenRequests()).toHaveLength(1);
    expect(server.seen.at(-1)?.headers.authorization).toBe('Bearer good-new');
  });

  it('a token request sent through the scheme itself is ERR_PROVIDER_REENTRY, not a deadlock', async () => {
    script(() => json(200, { access_token: 'good-1', token_type: 'Bearer' }));
    let wrapped: typeof fetch = fetch;
    const auth = new OAuth2Auth(options({ fetch: (input, init) => wrapped(input, init) }));
    wrapped = withAuth(fetch, auth);
    const error = await wrapped(`${server.url}/api`).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('ERR_PROVIDER_REENTRY');
    expect((error as Error).message).toBe(
      'A token request went through the OAuth2Auth waiting for its token; give OAuth2Auth a fetch without this scheme',
    );
  });

  it('flow() driven by hand for a request outside its origins hands it on untouched and asks for no token', async () => {
    script(() => json(200, { access_token: 'good-1', token_type: 'Bearer' }));
    const auth = new OAuth2Auth(options({ origins: ['https://api.example.org'] }));
    const request = { method: 'GET', url: 'https://elsewhere.example.org/', headers: new Headers() };
    const flow = auth.flow(request);
    const first = await flow.next();
    expect(first.value).toBe(request);
    expect(request.headers.has('authorization')).toBe(false);
    expect((await flow.next({ status: 200, url: request.url, headers: new Headers() })).done).toBe(true);
    expect(tokenRequests()).toHaveLength(0);
  });

  it('the token goes only to its origin: a request elsewhere carries none', async () => {
    script(() => json(200, { access_token: 'good-1', token_type: 'Bearer' }));
    const other = await startScriptServer();
    try {
      other.answer(() => ({ status: 200 }));
      const api = withAuth(fetch, new OAuth2Auth(options()));
      expect((await api(`${server.url}/api`)).status).toBe(200);
      await api(`${other.url}/elsewhere`);
      expect(other.seen[0]?.headers.authorization).toBeUndefined();
    } finally {
      await other.close();
    }
  });
});

describe('after a sign-in', () => {
  it('without a refresh token, an expired sign-in is ERR_INVALID_GRANT (sign in again), never a client_credentials grant', async () => {
    script(
      () => json(200, { access_token: 'signed-in', token_type: 'Bearer' }),
      () => ({ status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }),
    );
    const auth = new OAuth2Auth(options({ authorizationEndpoint: `${server.url}/authorize` }));
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/callback' });
    await auth.exchangeCode(`http://127.0.0.1/callback?code=c&state=${signIn.state}`, signIn);
    const error = await withAuth(fetch, auth)(`${server.url}/api`).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('ERR_INVALID_GRANT');
    expect(tokenRequests().map((r) => new URLSearchParams(r.body).get('grant_type'))).toEqual(['authorization_code']);
  });
});

describe('discovery', () => {
  it('falls back from OpenID Connect Discovery to RFC 8414 (/.well-known/oauth-authorization-server)', async () => {
    server.answer((request) => {
      if (request.path === '/.well-known/oauth-authorization-server') {
        return json(200, { issuer: server.url, token_endpoint: `${server.url}/token` });
      }
      if (request.path === '/token') return json(200, { access_token: 'good-1', token_type: 'Bearer' });
      if (request.path === '/api') return { status: 200 };
      return { status: 404 };
    });
    const api = withAuth(fetch, new OAuth2Auth({ issuer: server.url, clientId: 'app', clientSecret: SECRET }));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.seen.map((r) => r.path)).toEqual([
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/token',
      '/api',
    ]);
  });

  it('an issuer that serves no metadata: ERR_OAUTH_RESPONSE after the two well-known requests', async () => {
    server.answer(() => ({ status: 404 }));
    const api = withAuth(fetch, new OAuth2Auth({ issuer: server.url, clientId: 'app', clientSecret: SECRET }));
    expect(codeOf(await api(`${server.url}/api`).catch((e: unknown) => e))).toBe('ERR_OAUTH_RESPONSE');
    expect(server.seen).toHaveLength(2);
  });
});

describe('invalid_grant', () => {
  it('is ERR_INVALID_GRANT, and the dead refresh token is never sent again (no loop)', async () => {
    script(() => json(400, { error: 'invalid_grant' }));
    const api = withAuth(fetch, new OAuth2Auth(options({ tokens: { refreshToken: REFRESH } })));
    for (let i = 0; i < 3; i++)
      expect(codeOf(await api(`${server.url}/api`).catch((e: unknown) => e))).toBe('ERR_INVALID_GRANT');
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('hostile token endpoints: a clear AuthError after a bounded number of requests, nothing secret in it', () => {
  const cases: Array<[string, Answer, string]> = [
    ['no access_token', json(200, { token_type: 'Bearer' }), 'ERR_OAUTH_RESPONSE'],
    [
      'a body that is not JSON',
      { status: 200, headers: { 'content-type': 'application/json' }, body: '<html>' },
      'ERR_OAUTH_RESPONSE',
    ],
    ['a token_type we cannot use', json(200, { access_token: 'good-x', token_type: 'mac' }), 'ERR_OAUTH_RESPONSE'],
    ['DPoP token_type without dpop', json(200, { access_token: 'good-x', token_type: 'DPoP' }), 'ERR_OAUTH_RESPONSE'],
    [
      'a negative expires_in',
      json(200, { access_token: 'good-x', token_type: 'Bearer', expires_in: -5 }),
      'ERR_OAUTH_RESPONSE',
    ],
    [
      'an absurd expires_in',
      json(200, { access_token: 'good-x', token_type: 'Bearer', expires_in: 1e12 }),
      'ERR_OAUTH_RESPONSE',
    ],
    [
      'invalid_client 401 with a Basic challenge',
      json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="token"' }),
      'ERR_OAUTH_ERROR',
    ],
    ['invalid_grant', json(400, { error: 'invalid_grant', error_description: `bad ${REFRESH}` }), 'ERR_INVALID_GRANT'],
    ['a 500 with HTML', { status: 500, body: '<h1>oops</h1>' }, 'ERR_OAUTH_RESPONSE'],
    [
      'an access_token that would inject a header',
      json(200, { access_token: 'good\r\nx: y', token_type: 'Bearer' }),
      'ERR_OAUTH_RESPONSE',
    ],
  ];

  it.each(cases)('%s', async (_name, answer, code) => {
    script(() => answer);
    const saved: OAuth2Tokens[] = [];
    const api = withAuth(
      fetch,
      new OAuth2Auth(options({ tokens: { refreshToken: REFRESH }, onTokens: (t) => void saved.push(t) })),
    );
    const error = await api(`${server.url}/api`).catch((e: unknown) => e);
    expect(codeOf(error)).toBe(code);
    // Nothing from a refused answer is kept or handed over to persist.
    expect(saved).toEqual([]);
    // One token request (a Basic challenge is never answered with our secret as Basic), nothing to the API.
    expect(server.seen.map((r) => r.path)).toEqual(['/token']);
    for (const text of [String(error), inspect(error, { depth: 8 }), JSON.stringify(error)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(REFRESH);
      expect(text).not.toContain('good-x');
    }
  });

  it('an endless use_dpop_nonce at the token endpoint: two requests, then ERR_OAUTH_RESPONSE', async () => {
    let n = 0;
    script(() => json(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': `nonce-${n++}` }));
    const api = withAuth(fetch, new OAuth2Auth(options({ dpop: true })));
    const error = await api(`${server.url}/api`).catch((e: unknown) => e);
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect(tokenRequests()).toHaveLength(2);
    // The second proof carried the nonce the first answer gave (RFC 9449 §8).
    const payload = JSON.parse(
      Buffer.from(String(tokenRequests()[1]?.headers.dpop).split('.')[1] as string, 'base64url').toString(),
    );
    expect(payload.nonce).toBe('nonce-0');
  });
});

describe('DPoP at the resource (RFC 9449)', () => {
  it('sends Authorization: DPoP with a proof of method, URL and ath; a 401 use_dpop_nonce is answered once', async () => {
    let nonce = 0;
    script(
      () => json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 }),
      (auth) => (auth === 'DPoP good-d' ? { status: 200 } : { status: 401 }),
    );
    server.answer((request) => {
      if (request.path === '/token') return json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 });
      const proof = JSON.parse(
        Buffer.from(String(request.headers.dpop).split('.')[1] as string, 'base64url').toString(),
      );
      if (proof.nonce !== `rs-${nonce}`) {
        nonce++;
        return {
          status: 401,
          headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `rs-${nonce}` },
        };
      }
      return request.headers.authorization === 'DPoP good-d' ? { status: 200 } : { status: 401 };
    });
    const api = withAuth(fetch, new OAuth2Auth(options({ dpop: true })));
    expect((await api(`${server.url}/api?x=1`, { method: 'POST', body: 'b' })).status).toBe(200);
    const apiRequests = server.seen.filter((r) => r.path !== '/token');
    expect(apiRequests).toHaveLength(2);
    const proof = JSON.parse(
      Buffer.from(String(apiRequests[1]?.headers.dpop).split('.')[1] as string, 'base64url').toString(),
    );
    expect(proof.htm).toBe('POST');
    expect(proof.htu).toBe(`${server.url}/api`);
    expect(typeof proof.ath).toBe('string');
    // The nonce is remembered: the next request needs no second try.
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.seen.filter((r) => r.path !== '/token')).toHaveLength(3);
  });

  it('an endless 401 use_dpop_nonce at the resource: answered once, then the 401 goes to the caller', async () => {
    let n = 0;
    server.answer((request) =>
      request.path === '/token'
        ? json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 })
        : { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n-${n++}` } },
    );
    const api = withAuth(fetch, new OAuth2Auth(options({ dpop: true })));
    expect((await api(`${server.url}/api`)).status).toBe(401);
    expect(server.seen.filter((r) => r.path !== '/token')).toHaveLength(2);
  });
});
