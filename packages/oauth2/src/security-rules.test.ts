import { createHash } from 'node:crypto';
import { withAuth } from '@authbelt/adapter-fetch';
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2AuthOptions, OAuth2Tokens } from './options.js';
import {
  type Answer,
  clientOptions,
  codeOf,
  failure,
  form,
  json,
  type OptionChanges,
  type ScriptServer,
  type Seen,
  serveScripts,
} from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});

const SECRET = 'client-secret-never-printed';
const tokenRequests = () => server.seen.filter((r) => r.path === '/token');
const apiRequests = () => server.seen.filter((r) => r.path.startsWith('/api'));

const options = (extra: OptionChanges = {}) => clientOptions(server, SECRET, extra);

/** A token endpoint answering `token(i, form)`, and an API answering `api(authorization, request)`. */
function script(token: (index: number, body: URLSearchParams) => Answer, api: (auth: string, request: Seen) => Answer) {
  let index = 0;
  server.answer((request) =>
    request.path === '/token'
      ? token(index++, form(request))
      : api(String(request.headers.authorization ?? ''), request),
  );
}
const invalidToken: Answer = { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };

describe('plain http to the authorization server: refused unless loopback or allowed', () => {
  it.each([
    'issuer',
    'tokenEndpoint',
    'authorizationEndpoint',
    'deviceAuthorizationEndpoint',
    'revocationEndpoint',
  ] as const)('%s on plain http to another host is ERR_INSECURE_TRANSPORT at construction', (name) => {
    const given: OptionChanges = { [name]: 'http://auth.example.org:8080/x' };
    if (name === 'issuer') given.tokenEndpoint = undefined;
    let error: unknown;
    try {
      new OAuth2Auth(options(given));
    } catch (e) {
      error = e;
    }
    expect(codeOf(error)).toBe('ERR_INSECURE_TRANSPORT');
    expect((error as Error).message).toBe(
      'Refusing to talk to the authorization server over plain http at auth.example.org:8080; use https or { allowInsecureHttp: true }',
    );
  });

  it('takes https anywhere, plain http on loopback, and plain http elsewhere only with allowInsecureHttp: true', () => {
    expect(() => new OAuth2Auth(options({ tokenEndpoint: 'https://auth.example.org/token' }))).not.toThrow();
    expect(() => new OAuth2Auth(options({ tokenEndpoint: 'http://[::1]:9/token' }))).not.toThrow();
    expect(
      () => new OAuth2Auth(options({ tokenEndpoint: 'http://auth.example.org/token', allowInsecureHttp: true })),
    ).not.toThrow();
    expect(
      () => new OAuth2Auth(options({ tokenEndpoint: 'http://auth.example.org/token', allowInsecureHttp: false })),
    ).toThrow(/plain http/);
  });

  it('an https authorization server is never asked over plain http: its token request is refused before it leaves', async () => {
    const sent: string[] = [];
    const spy: typeof fetch = async (input) => {
      sent.push(String(input));
      throw new TypeError('offline');
    };
    const api = withAuth(
      fetch,
      new OAuth2Auth(options({ tokenEndpoint: 'https://auth.example.org/token', fetch: spy })),
    );
    server.answer(() => ({ status: 200 }));
    expect(codeOf(await failure(api(`${server.url}/api`)))).toBe('ERR_TOKEN_PROVIDER');
    expect(sent).toEqual(['https://auth.example.org/token']);
  });
});

describe('plain http to the API: the token is not sent', () => {
  it('a request to a plain-http API that is not loopback is ERR_INSECURE_TRANSPORT naming an OAuth 2.0 access token; no token asked for', async () => {
    script(
      () => json(200, { access_token: 'good', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const error = await failure(withAuth(fetch, new OAuth2Auth(options()))('http://api.example.org/reports'));
    expect(codeOf(error)).toBe('ERR_INSECURE_TRANSPORT');
    expect((error as Error).message).toBe(
      'Refusing to send an OAuth 2.0 access token over plain http to api.example.org; use https or { allowInsecureHttp: true }',
    );
    expect(tokenRequests()).toHaveLength(0);
  });
});

describe('renewal on rejection', () => {
  it.each([
    ['403 insufficient_scope', { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' } }],
    ['400 invalid_request', { status: 400, headers: { 'www-authenticate': 'Bearer error="invalid_request"' } }],
    ['401 with only a Basic challenge', { status: 401, headers: { 'www-authenticate': 'Basic realm="x"' } }],
  ])('never renews on %s: one grant, one request', async (_name, answer) => {
    script(
      (i) => json(200, { access_token: `good-${i}`, token_type: 'Bearer', expires_in: 3600 }),
      () => answer,
    );
    const response = await withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`);
    expect(response.status).toBe(answer.status);
    expect(tokenRequests()).toHaveLength(1);
    expect(apiRequests()).toHaveLength(1);
  });

  it('a 401 invalid_token: one new grant and one resend with the new token; a second 401 goes to the caller', async () => {
    script(
      (i) => json(200, { access_token: `good-${i}`, token_type: 'Bearer', expires_in: 3600 }),
      () => invalidToken,
    );
    const response = await withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`);
    expect(response.status).toBe(401);
    expect(tokenRequests()).toHaveLength(2);
    expect(apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer good-0', 'Bearer good-1']);
  });

  it('rotates the refresh token: the new one is used for the next renewal, and persisted first', async () => {
    const saved: OAuth2Tokens[] = [];
    script(
      (i) => json(200, { access_token: `a${i}`, token_type: 'bearer', refresh_token: `r${i + 2}`, scope: 's' }),
      () => invalidToken,
    );
    const auth = new OAuth2Auth(options({ tokens: { refreshToken: 'r1' }, onTokens: (t) => void saved.push(t) }));
    await withAuth(fetch, auth)(`${server.url}/api`);
    expect(tokenRequests().map((r) => form(r).get('refresh_token'))).toEqual(['r1', 'r2']);
    expect(tokenRequests().map((r) => form(r).get('grant_type'))).toEqual(['refresh_token', 'refresh_token']);
    expect(saved).toEqual([
      { accessToken: 'a0', tokenType: 'bearer', refreshToken: 'r2', scope: 's' },
      { accessToken: 'a1', tokenType: 'bearer', refreshToken: 'r3', scope: 's' },
    ]);
  });

  it('invalid_grant forgets the refresh token: the next request is ERR_INVALID_GRANT without a token request', async () => {
    script(
      () => json(400, { error: 'invalid_grant' }),
      () => invalidToken,
    );
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(options({ tokens: { refreshToken: 'r1' }, onTokens: (t) => void saved.push(t) }));
    const first = await failure(withAuth(fetch, auth)(`${server.url}/api`));
    expect(codeOf(first)).toBe('ERR_INVALID_GRANT');
    expect((first as Error).message).toBe(
      'The authorization server refused the refresh token (invalid_grant): sign in again',
    );
    const second = await failure(withAuth(fetch, auth)(`${server.url}/api`));
    expect((second as Error).message).toBe('No refresh token is held (it was refused or revoked): sign in again');
    expect(tokenRequests()).toHaveLength(1);
  });
});

describe('what a token response must be before it is held', () => {
  it.each([
    ['CR LF at the end', 'good\r\n'],
    ['CR LF at the start', '\r\ngood'],
    ['a space inside', 'go od'],
    ['"=" inside', 'go=od'],
    ['only "="', '=='],
    ['a character outside ASCII', 'goodé'],
  ])('refuses an access_token with %s: ERR_OAUTH_RESPONSE, never sent nor persisted', async (_name, accessToken) => {
    const saved: OAuth2Tokens[] = [];
    script(
      () => json(200, { access_token: accessToken, token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const error = await failure(
      withAuth(fetch, new OAuth2Auth(options({ onTokens: (t) => void saved.push(t) })))(`${server.url}/api`),
    );
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toBe(
      'The answer to the client credentials grant has an access_token that is not a b64token',
    );
    expect(saved).toEqual([]);
    expect(apiRequests()).toHaveLength(0);
  });

  it.each([
    ['b64token characters and trailing "="', 'Az09-._~+/==', 3600],
    ['expires_in 0', 'good', 0],
    ['expires_in of ten years', 'good', 10 * 365 * 24 * 3600],
  ])('takes an access_token of %s', async (_name, accessToken, expiresIn) => {
    script(
      () => json(200, { access_token: accessToken, token_type: 'BEARER', expires_in: expiresIn }),
      () => ({ status: 200 }),
    );
    expect((await withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`)).status).toBe(200);
    expect(apiRequests()[0]?.headers.authorization).toBe(`Bearer ${accessToken}`);
  });

  it.each([
    ['over ten years', 10 * 365 * 24 * 3600 + 1],
    ['negative', -1],
  ])('refuses an expires_in %s', async (_name, expiresIn) => {
    script(
      () => json(200, { access_token: 'good', token_type: 'Bearer', expires_in: expiresIn }),
      () => ({ status: 200 }),
    );
    const error = await failure(withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    if (expiresIn > 0) {
      expect((error as Error).message).toBe(
        'The answer to the client credentials grant has an expires_in that is negative or absurd',
      );
    }
  });

  it('refuses a DPoP token_type without dpop, naming no token', async () => {
    script(
      () => json(200, { access_token: 'good-secret', token_type: 'DPoP' }),
      () => ({ status: 200 }),
    );
    const error = await failure(withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toBe(
      'The answer to the client credentials grant has a token_type this client cannot use',
    );
  });

  it('hands onTokens only what the answer holds: no refreshToken, scope or expiresAt member without them', async () => {
    const saved: OAuth2Tokens[] = [];
    script(
      () => json(200, { access_token: 'good', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    await withAuth(fetch, new OAuth2Auth(options({ onTokens: (t) => void saved.push(t) })))(`${server.url}/api`);
    expect(saved).toHaveLength(1);
    expect(Object.keys(saved[0] as OAuth2Tokens).sort()).toEqual(['accessToken', 'tokenType']);
    const body = form(tokenRequests()[0]);
    // No scope or resource configured: none sent either.
    expect([body.has('scope'), body.has('resource')]).toEqual([false, false]);
  });

  it('holds expiresAt from expires_in and hands onTokens a copy', async () => {
    const saved: OAuth2Tokens[] = [];
    script(
      () => json(200, { access_token: 'good', token_type: 'Bearer', expires_in: 100 }),
      () => ({ status: 200 }),
    );
    const before = Date.now();
    await withAuth(fetch, new OAuth2Auth(options({ onTokens: (t) => void saved.push(t) })))(`${server.url}/api`);
    const expiresAt = saved[0]?.expiresAt as number;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 100_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 100_000);
  });
});

describe('client authentication at the token endpoint (RFC 6749 §2.3.1)', () => {
  /** The Authorization header's client id and secret (RFC 6749 §2.3.1: each form-urlencoded), and the body's secret. */
  const read = (r: Seen) => {
    const basic = String(r.headers.authorization ?? '').match(/^Basic (.+)$/)?.[1];
    const pair =
      basic === undefined ? undefined : Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent);
    return [pair, form(r).get('client_secret')];
  };
  it.each(['client_secret_basic', 'client_secret_post', 'none'] as const)('%s', async (clientAuth) => {
    script(
      () => json(200, { access_token: 'good', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const given = clientAuth === 'none' ? options({ clientAuth, clientSecret: undefined }) : options({ clientAuth });
    await withAuth(fetch, new OAuth2Auth(given))(`${server.url}/api`);
    const request = tokenRequests()[0] as Seen;
    expect(read(request)).toEqual(
      clientAuth === 'client_secret_basic'
        ? [['app', SECRET], null]
        : clientAuth === 'client_secret_post'
          ? [undefined, SECRET]
          : [undefined, null],
    );
    if (clientAuth !== 'client_secret_basic') expect(form(request).get('client_id')).toBe('app');
  });
});

describe('authorization code sign-in: PKCE, state and iss', () => {
  const signInAuth = (extra: Partial<OAuth2AuthOptions> = {}) =>
    new OAuth2Auth(options({ authorizationEndpoint: `${server.url}/authorize?tenant=t1`, ...extra }));

  it('sends S256 PKCE, a fresh state, the redirect URI; the caller’s parameters cannot replace them', async () => {
    const auth = signInAuth({ scope: 'openid profile' });
    const signIn = await auth.authorizationUrl({
      redirectUri: 'http://127.0.0.1/cb',
      parameters: { prompt: 'login', state: 'chosen', code_challenge_method: 'plain', response_type: 'token' },
    });
    const query = signIn.url.searchParams;
    expect(`${signIn.url.origin}${signIn.url.pathname}`).toBe(`${server.url}/authorize`);
    expect(query.get('tenant')).toBe('t1');
    expect(query.getAll('response_type')).toEqual(['code']);
    expect(query.get('client_id')).toBe('app');
    expect(query.get('redirect_uri')).toBe('http://127.0.0.1/cb');
    expect(query.get('scope')).toBe('openid profile');
    expect(query.get('prompt')).toBe('login');
    expect(query.getAll('state')).toEqual([signIn.state]);
    expect(signIn.state).not.toBe('chosen');
    expect(query.getAll('code_challenge_method')).toEqual(['S256']);
    expect(query.get('code_challenge')).toBe(createHash('sha256').update(signIn.codeVerifier).digest('base64url'));
    expect(query.has('dpop_jkt')).toBe(false);
    expect(signIn.redirectUri).toBe('http://127.0.0.1/cb');
    const again = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb', scope: ['a', 'b'] });
    expect(again.state).not.toBe(signIn.state);
    expect(again.codeVerifier).not.toBe(signIn.codeVerifier);
    expect(again.url.searchParams.get('scope')).toBe('a b');
  });

  it('exchanges the code with the verifier and the same redirect URI, then holds the tokens', async () => {
    script(
      () => json(200, { access_token: 'good-user', token_type: 'Bearer', refresh_token: 'user-r' }),
      () => ({ status: 200 }),
    );
    const auth = signInAuth();
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const tokens = await auth.exchangeCode(
      new URL(`http://127.0.0.1/cb?code=the-code&state=${signIn.state}&iss=${encodeURIComponent(server.url)}`),
      signIn,
    );
    expect(tokens).toEqual({ accessToken: 'good-user', tokenType: 'bearer', refreshToken: 'user-r' });
    const body = form(tokenRequests()[0]);
    expect([body.get('grant_type'), body.get('code'), body.get('code_verifier'), body.get('redirect_uri')]).toEqual([
      'authorization_code',
      'the-code',
      signIn.codeVerifier,
      'http://127.0.0.1/cb',
    ]);
    await withAuth(fetch, auth)(`${server.url}/api`);
    expect(apiRequests()[0]?.headers.authorization).toBe('Bearer good-user');
    expect(tokenRequests()).toHaveLength(1);
  });

  it.each([
    ['another state', (state: string) => `code=c&state=x${state}`],
    ['no state', () => 'code=c'],
    ['another issuer', (state: string) => `code=c&state=${state}&iss=https%3A%2F%2Fevil.example`],
  ])('a callback with %s is ERR_OAUTH_RESPONSE and no code is exchanged', async (_name, query) => {
    script(
      () => json(200, { access_token: 'good-user', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const auth = signInAuth();
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const error = await failure(auth.exchangeCode(`http://127.0.0.1/cb?${query(signIn.state)}`, signIn));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toMatch(/^The sign-in callback is not the answer to this request: ./);
    expect(server.seen).toHaveLength(0);
  });

  it('a code the server refuses is ERR_INVALID_GRANT (sign in again), and no token is held', async () => {
    script(
      () => json(400, { error: 'invalid_grant' }),
      () => ({ status: 200 }),
    );
    const saved: OAuth2Tokens[] = [];
    const auth = signInAuth({ onTokens: (t) => void saved.push(t) });
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const error = await failure(auth.exchangeCode(`http://127.0.0.1/cb?code=c&state=${signIn.state}`, signIn));
    expect(codeOf(error)).toBe('ERR_INVALID_GRANT');
    expect((error as Error).message).toBe(
      'The authorization server refused the authorization code (invalid_grant): sign in again',
    );
    expect(saved).toEqual([]);
  });

  it('a server that says it sends iss (RFC 9207): a callback without it is refused', async () => {
    server.answer((request) =>
      request.path === '/.well-known/openid-configuration'
        ? json(200, {
            issuer: server.url,
            token_endpoint: `${server.url}/token`,
            authorization_endpoint: `${server.url}/authorize`,
            authorization_response_iss_parameter_supported: true,
          })
        : json(200, { access_token: 'good-user', token_type: 'Bearer' }),
    );
    const auth = new OAuth2Auth({ issuer: server.url, clientId: 'app', clientAuth: 'none' });
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const error = await failure(auth.exchangeCode(`http://127.0.0.1/cb?code=c&state=${signIn.state}`, signIn));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect(tokenRequests()).toHaveLength(0);
  });

  it.each([
    ['access_denied', 'access_denied'],
    ['a code with CR LF', '(unreadable error code)'],
    ['a code of 65 characters', '(unreadable error code)'],
  ])('a callback with error %s is ERR_OAUTH_ERROR naming only a readable code', async (name, shown) => {
    const code = name === 'access_denied' ? 'access_denied' : name.includes('CR') ? 'bad\r\ncode' : 'e'.repeat(65);
    const auth = signInAuth();
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const callback = new URL('http://127.0.0.1/cb');
    callback.searchParams.set('error', code);
    callback.searchParams.set('state', signIn.state);
    const error = await failure(auth.exchangeCode(callback, signIn));
    expect(codeOf(error)).toBe('ERR_OAUTH_ERROR');
    expect((error as Error).message).toBe(`The authorization server ended the sign-in with ${shown}`);
  });

  it('takes a code of 64 printable characters as readable', async () => {
    const auth = signInAuth();
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const callback = new URL('http://127.0.0.1/cb');
    callback.searchParams.set('error', `${'e'.repeat(62)} ~`);
    callback.searchParams.set('state', signIn.state);
    const error = await failure(auth.exchangeCode(callback, signIn));
    expect((error as Error).message).toBe(`The authorization server ended the sign-in with ${'e'.repeat(62)} ~`);
  });

  it('refuses a callback that is not a URL, and a server without an authorization endpoint', async () => {
    const auth = new OAuth2Auth(options());
    const error = await failure(auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' }));
    expect(codeOf(error)).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe(
      'The authorization server has no authorization_endpoint; give authorizationEndpoint',
    );
    const signIn = await signInAuth().authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const notUrl = await failure(auth.exchangeCode('not a url', signIn));
    expect(codeOf(notUrl)).toBe('ERR_INVALID_ARGUMENT');
    expect((notUrl as Error).message).toBe('exchangeCode takes the callback URL');
  });
});

describe('authorization code sign-in: a sign-in record that cannot be sent', () => {
  const signInAuth = () => new OAuth2Auth(options({ authorizationEndpoint: `${server.url}/authorize` }));

  it.each([
    ['an empty code verifier', { codeVerifier: '' }, '"codeVerifier" must not be empty'],
    ['an empty redirect URI', { redirectUri: '' }, '"redirectUri" must not be empty'],
  ])('with %s: ERR_INVALID_ARGUMENT, the code never sent', async (_name, change, message) => {
    script(
      () => json(200, { access_token: 'good-user', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const auth = signInAuth();
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    const error = await failure(
      auth.exchangeCode(`http://127.0.0.1/cb?code=c&state=${signIn.state}`, { ...signIn, ...change }),
    );
    expect(codeOf(error)).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe(message);
    expect(server.seen).toHaveLength(0);
  });
});

describe('DPoP (RFC 9449): what the proofs claim', () => {
  const proofParts = (jwt: unknown) => {
    const [header, payload] = String(jwt)
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    return { header: header as Record<string, unknown>, payload: payload as Record<string, unknown> };
  };

  it('a DPoP token: Authorization DPoP, a proof of method, URL without query, and ath of the token; the token request’s proof has no ath', async () => {
    script(
      () => json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 }),
      () => ({ status: 200 }),
    );
    const auth = new OAuth2Auth(options({ dpop: true }));
    expect((await withAuth(fetch, auth)(`${server.url}/api?q=1#f`, { method: 'PUT', body: 'x' })).status).toBe(200);
    const sent = apiRequests()[0] as Seen;
    expect(sent.headers.authorization).toBe('DPoP good-d');
    const proof = proofParts(sent.headers.dpop);
    expect(proof.header.typ).toBe('dpop+jwt');
    expect(proof.header.alg).toBe('ES256');
    expect(proof.payload.htm).toBe('PUT');
    expect(proof.payload.htu).toBe(`${server.url}/api`);
    expect(proof.payload.ath).toBe(createHash('sha256').update('good-d').digest('base64url'));
    const grant = proofParts(tokenRequests()[0]?.headers.dpop);
    expect(grant.payload.htu).toBe(`${server.url}/token`);
    expect(grant.payload.ath).toBeUndefined();
    expect(grant.header.jwk).toEqual(proof.header.jwk);
  });

  it('a Bearer token with dpop configured goes as Bearer, without a proof', async () => {
    script(
      () => json(200, { access_token: 'good-b', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    await withAuth(fetch, new OAuth2Auth(options({ dpop: true })))(`${server.url}/api`);
    expect(apiRequests()[0]?.headers.authorization).toBe('Bearer good-b');
    expect(apiRequests()[0]?.headers.dpop).toBeUndefined();
  });

  it('a DPoP token replaced by a Bearer one after a 401: the resend carries no proof', async () => {
    script(
      (i) =>
        json(
          200,
          i === 0 ? { access_token: 'bad-d', token_type: 'DPoP' } : { access_token: 'good-b', token_type: 'bearer' },
        ),
      (authorization) => (authorization === 'Bearer good-b' ? { status: 200 } : invalidToken),
    );
    expect((await withAuth(fetch, new OAuth2Auth(options({ dpop: true })))(`${server.url}/api`)).status).toBe(200);
    expect(apiRequests().map((r) => [r.headers.authorization, typeof r.headers.dpop])).toEqual([
      ['DPoP bad-d', 'string'],
      ['Bearer good-b', 'undefined'],
    ]);
  });

  it('a given DPoP-bound token (tokenType from onTokens) is sent with a proof', async () => {
    script(
      () => json(500, {}),
      () => ({ status: 200 }),
    );
    const auth = new OAuth2Auth(options({ dpop: true, tokens: { accessToken: 'given-d', tokenType: 'DPoP' } }));
    await withAuth(fetch, auth)(`${server.url}/api`);
    expect(apiRequests()[0]?.headers.authorization).toBe('DPoP given-d');
    expect(proofParts(apiRequests()[0]?.headers.dpop).payload.ath).toBe(
      createHash('sha256').update('given-d').digest('base64url'),
    );
  });

  it('a given DPoP token without dpop configured goes as Bearer: no key, no proof', async () => {
    script(
      () => json(500, {}),
      () => ({ status: 200 }),
    );
    const auth = new OAuth2Auth(options({ tokens: { accessToken: 'given-d', tokenType: 'DPoP' } }));
    expect((await withAuth(fetch, auth)(`${server.url}/api`)).status).toBe(200);
    expect(apiRequests()[0]?.headers.authorization).toBe('Bearer given-d');
    expect(apiRequests()[0]?.headers.dpop).toBeUndefined();
  });

  it('a use_dpop_nonce 401 with the nonce already used is not answered again', async () => {
    script(
      () => json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 }),
      () => ({ status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'same' } }),
    );
    const api = withAuth(fetch, new OAuth2Auth(options({ dpop: true })));
    expect((await api(`${server.url}/api`)).status).toBe(401);
    expect(apiRequests()).toHaveLength(2);
    expect(proofParts(apiRequests()[1]?.headers.dpop).payload.nonce).toBe('same');
    expect((await api(`${server.url}/api`)).status).toBe(401);
    expect(apiRequests()).toHaveLength(3);
    expect(proofParts(apiRequests()[2]?.headers.dpop).payload.nonce).toBe('same');
  });

  it('sign-in with dpop binds the authorization code to the key (dpop_jkt)', async () => {
    const auth = new OAuth2Auth(options({ dpop: true, authorizationEndpoint: `${server.url}/authorize` }));
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    expect(signIn.url.searchParams.get('dpop_jkt')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('discovered endpoints keep to https', () => {
  it('metadata of an https issuer naming a plain-http token endpoint: refused, the secret never sent over http', async () => {
    const sent: string[] = [];
    const fake: typeof fetch = async (input) => {
      sent.push(String(input));
      return String(input).startsWith('https://auth.example.org/.well-known/')
        ? Response.json({ issuer: 'https://auth.example.org', token_endpoint: 'http://auth.example.org/token' })
        : Response.json({ access_token: 'stolen', token_type: 'Bearer' });
    };
    server.answer(() => ({ status: 200 }));
    const api = withAuth(
      fetch,
      new OAuth2Auth({ issuer: 'https://auth.example.org', clientId: 'app', clientSecret: SECRET, fetch: fake }),
    );
    const error = await failure(api(`${server.url}/api`));
    expect(isAuthError(error)).toBe(true);
    expect(sent).toEqual(['https://auth.example.org/.well-known/openid-configuration']);
    expect(server.seen).toHaveLength(0);
  });
});

describe('an https issuer naming a plain-http endpoint on loopback', () => {
  it('is never sent to: the token request fails before it leaves, the secret never on plain http', async () => {
    const sent: string[] = [];
    const fake: typeof fetch = async (input, init) => {
      sent.push(String(input));
      return String(input).startsWith('https://auth.example.org/.well-known/')
        ? Response.json({ issuer: 'https://auth.example.org', token_endpoint: `${server.url}/token` })
        : fetch(input, init);
    };
    script(
      () => json(200, { access_token: 'stolen', token_type: 'Bearer' }),
      () => ({ status: 200 }),
    );
    const auth = new OAuth2Auth({
      issuer: 'https://auth.example.org',
      clientId: 'app',
      clientSecret: SECRET,
      fetch: fake,
    });
    const error = await failure(withAuth(fetch, auth)(`${server.url}/api`));
    expect(isAuthError(error)).toBe(true);
    expect(sent).toEqual(['https://auth.example.org/.well-known/openid-configuration']);
    expect(tokenRequests()).toHaveLength(0);
    expect(apiRequests()).toHaveLength(0);
  });
});

describe('endpoints a loopback issuer names', () => {
  it.each([
    'token_endpoint',
    'authorization_endpoint',
    'device_authorization_endpoint',
    'revocation_endpoint',
  ])('a plain-http %s on another host is refused (ERR_INSECURE_TRANSPORT); nothing goes there', async (name) => {
    server.answer((request) =>
      request.path === '/.well-known/openid-configuration'
        ? json(200, {
            issuer: server.url,
            token_endpoint: `${server.url}/token`,
            [name]: 'http://auth.example.org:8080/x',
          })
        : json(200, { access_token: 'good', token_type: 'Bearer' }),
    );
    const sent: string[] = [];
    const spy: typeof fetch = (input, init) => {
      sent.push(String(input));
      return fetch(input, init);
    };
    const auth = new OAuth2Auth({ issuer: server.url, clientId: 'app', clientSecret: SECRET, fetch: spy });
    const error = await failure(withAuth(fetch, auth)(`${server.url}/api`));
    // The lifecycle reports the provider's failure; the refusal is its cause.
    expect(codeOf(error)).toBe('ERR_TOKEN_PROVIDER');
    const refusal = (error as Error).cause as Error;
    expect(codeOf(refusal)).toBe('ERR_INSECURE_TRANSPORT');
    expect(refusal.message).toBe(
      'Refusing to talk to the authorization server over plain http at auth.example.org:8080; use https or { allowInsecureHttp: true }',
    );
    expect(sent).toEqual([`${server.url}/.well-known/openid-configuration`]);
  });

  it.each([
    ['on loopback', 'http://localhost:9/r', false],
    ['elsewhere with allowInsecureHttp: true', 'http://auth.example.org/r', true],
  ])('a plain-http endpoint it names %s is taken', async (_name, revocation, allowInsecureHttp) => {
    server.answer((request) =>
      request.path === '/.well-known/openid-configuration'
        ? json(200, {
            issuer: server.url,
            token_endpoint: `${server.url}/token`,
            revocation_endpoint: revocation,
          })
        : request.path === '/token'
          ? json(200, { access_token: 'good', token_type: 'Bearer' })
          : { status: 200 },
    );
    const auth = new OAuth2Auth({ issuer: server.url, clientId: 'app', clientSecret: SECRET, allowInsecureHttp });
    expect((await withAuth(fetch, auth)(`${server.url}/api`)).status).toBe(200);
  });
});
