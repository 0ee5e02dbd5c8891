/**
 * The adapter conformance suite: ONE table of scenarios, run over every
 * client in `clients.ts`, against the test server over loopback. A client
 * that cannot do something because of the client itself declares it in its
 * driver's `cannot`; the case then shows as an expected skip with the reason.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { BasicAuth, ProxyBasicAuth } from '@authbelt/basic';
import { ApiKeyAuth, BearerAuth } from '@authbelt/bearer';
import { AuthBase, type AuthFlow, type AuthRequest, isAuthError } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { GuessAuth } from '@authbelt/guess';
import { AuthHandler } from '@authbelt/handler';
import { OAuth2Auth } from '@authbelt/oauth2';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BodyKind, bodyKinds, jsonValue } from './bodies.js';
import { type Capability, type ClientDriver, clients } from './clients.js';

const users = { Mufasa: 'Circle of Life', Aladdin: 'open sesame' };
const digestAlgorithms = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'] as const;
const qops = ['auth', 'auth-int'] as const;

class TokenAuth extends AuthBase {
  override authorize(request: AuthRequest): void {
    request.headers.set('X-TokenAuth', 'tok');
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

let site: Awaited<ReturnType<typeof startTestServer>>;
let other: TestServer;
let secure: TestServer;
let basicProxy: TestServer;
let digestProxy: TestServer;
// Answers the first leg with a 401 and never answers the authenticated one: a timeout has to end the exchange.
let stalling: Server;
let stallingUrl: string;
const stalled: string[] = [];

const digestPath = (algorithm: string, qop: string, userhash = false) =>
  `/digest/${algorithm}/${qop}${userhash ? '/userhash' : ''}`;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  const routes: Record<string, object> = {
    '/basic': { auth: 'basic', realm: 'conformance', users },
    '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
    '/digest': { auth: 'digest', realm: 'conformance', users, algorithms: ['SHA-256'], qop: ['auth'] },
    '/digest-always': {
      auth: 'digest',
      realm: 'conformance',
      users,
      algorithms: ['SHA-256'],
      qop: ['auth'],
      alwaysUnauthorized: true,
    },
    '/digest-stale': {
      auth: 'digest',
      realm: 'conformance',
      users,
      algorithms: ['SHA-256'],
      qop: ['auth'],
      nonceUses: 0,
    },
    '/open': {},
    '/open-to-other': { redirect: { location: `${other.url}/landing` } },
    '/api-key': { auth: 'header', header: { name: 'X-API-Key', value: 'k-123' } },
    '/token-scheme': { auth: 'header', header: { name: 'Authorization', value: 'Token 9944b09199c62bcf' } },
    '/cookie': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' }, setCookieOn401: 'sid=from-401' },
    '/to-same': { auth: 'basic', realm: 'conformance', users, redirect: { location: '/basic' } },
    '/to-other': { auth: 'basic', realm: 'conformance', users, redirect: { location: `${other.url}/landing` } },
    '/to-other-307': {
      auth: 'basic',
      realm: 'conformance',
      users,
      redirect: { location: `${other.url}/landing`, status: 307 },
    },
  };
  for (const algorithm of digestAlgorithms) {
    for (const qop of qops) {
      routes[digestPath(algorithm, qop)] = {
        auth: 'digest',
        realm: 'conformance',
        users,
        algorithms: [algorithm],
        qop: [qop],
      };
      routes[digestPath(algorithm, qop, true)] = {
        auth: 'digest',
        realm: 'conformance',
        users,
        algorithms: [algorithm],
        qop: [qop],
        userhash: true,
      };
    }
  }
  site = await startTestServer({
    routes,
    bearer: {
      users,
      routes: { '/bearer': {}, '/bearer-admin': { scope: 'admin' } },
    },
  });
  secure = await startTestServer({
    tls: true,
    routes: {
      '/to-http': { auth: 'basic', realm: 'conformance', users, redirect: { location: `${other.url}/landing` } },
    },
  });
  basicProxy = await startTestServer({ proxy: { auth: 'basic', realm: 'proxy', users: { pu: 'pp' } } });
  digestProxy = await startTestServer({ proxy: { auth: 'digest', realm: 'proxy', users: { pu: 'pp' } } });
  stalling = createServer((request, response) => {
    request.resume();
    const token = request.headers['x-tokenauth'];
    stalled.push(typeof token === 'string' ? token : '');
    if (token === undefined) {
      response.writeHead(401, { 'www-authenticate': 'Token realm="stall"', 'content-length': '0' }).end();
    }
  });
  await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
  stallingUrl = `http://127.0.0.1:${(stalling.address() as { port: number }).port}`;
});
afterAll(async () => {
  stalling.closeAllConnections();
  await Promise.all([
    ...[site, other, secure, basicProxy, digestProxy].map((server) => server?.close()),
    new Promise((resolve) => stalling.close(resolve)),
  ]);
});
beforeEach(() => {
  for (const server of [site, other, secure, basicProxy, digestProxy]) server.reset();
  stalled.length = 0;
});

const sha256 = (bytes: Uint8Array | undefined) =>
  createHash('sha256')
    .update(bytes ?? new Uint8Array())
    .digest('hex');
const json = (body: string): Record<string, unknown> => JSON.parse(body) as Record<string, unknown>;

interface Scenario {
  name: string;
  /** What the client must be able to do; a client that cannot is an expected skip. */
  needs?: Capability[];
  run(client: ClientDriver): Promise<void>;
}

async function expectDigest(client: ClientDriver, path: string, method = 'GET', body?: BodyKind): Promise<void> {
  const auth = new DigestAuth('Mufasa', 'Circle of Life');
  const response = await client.request(auth, `${site.url}${path}`, body === undefined ? { method } : { method, body });
  expect(response.status).toBe(200);
  expect(json(response.body)).toMatchObject({ authenticated: true, user: 'Mufasa' });
  expect(site.stats(path)).toMatchObject({ requests: 2, authSuccesses: 1 });
}

/** The README's login provider, over plain fetch (a provider's own requests never go through the scheme). */
const login = async () => {
  const answer = await fetch(`${site.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'Aladdin', password: 'open sesame' }),
  });
  const { access_token, expires_in } = await answer.json();
  return { accessToken: access_token as string, expiresIn: expires_in as number };
};

const tokenScenarios: Scenario[] = [
  {
    name: 'BearerAuth: a static token in one round trip',
    async run(client) {
      const { accessToken } = await login();
      site.reset();
      const response = await client.request(new BearerAuth(accessToken), `${site.url}/bearer`);
      expect(response.status).toBe(200);
      expect(json(response.body)).toMatchObject({ user: 'Aladdin' });
      expect(site.stats('/bearer').requests).toBe(1);
    },
  },
  {
    name: 'BearerAuth: a login token, 20 concurrent requests cost one login',
    async run(client) {
      const auth = new BearerAuth(login);
      const responses = await Promise.all(Array.from({ length: 20 }, () => client.request(auth, `${site.url}/bearer`)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(site.bearer.logins()).toBe(1);
      expect(site.stats('/bearer').requests).toBe(20);
    },
  },
  {
    name: 'BearerAuth: a revoked token is renewed once and a POST body resent byte for byte',
    needs: ['body:string'],
    async run(client) {
      const auth = new BearerAuth(login);
      expect((await client.request(auth, `${site.url}/bearer`)).status).toBe(200);
      site.bearer.revokeAll();
      site.reset();
      const response = await client.request(auth, `${site.url}/bearer`, { method: 'POST', body: 'string' });
      expect(response.status).toBe(200);
      expect(site.bearer.logins()).toBe(1);
      const [refused, accepted] = site.requests.filter((r) => r.path === '/bearer');
      expect([refused?.status, accepted?.status]).toEqual([401, 200]);
      expect(sha256(accepted?.body)).toBe(sha256(refused?.body));
    },
  },
  {
    name: 'BearerAuth: a token the server keeps refusing is renewed once; the second 401 goes to the caller',
    async run(client) {
      const response = await client.request(new BearerAuth(async () => 'never-issued'), `${site.url}/bearer`);
      expect(response.status).toBe(401);
      expect(site.stats('/bearer').requests).toBe(2);
      if (client.isHttpError === undefined) expect(response.httpError).toBeUndefined();
      else expect(client.isHttpError(response.httpError, 401)).toBe(true);
    },
  },
  {
    name: 'BearerAuth: 403 insufficient_scope is not renewed',
    async run(client) {
      const response = await client.request(new BearerAuth(login), `${site.url}/bearer-admin`);
      expect(response.status).toBe(403);
      expect(site.bearer.logins()).toBe(1);
      expect(site.stats('/bearer-admin').requests).toBe(1);
    },
  },
  {
    name: 'BearerAuth: a redirect to another origin carries no token',
    async run(client) {
      const response = await client.request(new BearerAuth('mF_9.B5f-4.1JqM'), `${site.url}/open-to-other`);
      expect(response.status).toBe(200);
      expect(site.requests[0]?.headers.authorization).toBe('Bearer mF_9.B5f-4.1JqM');
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
    },
  },
  {
    name: 'OAuth2Auth: client credentials, 20 concurrent requests cost one grant',
    async run(client) {
      const auth = new OAuth2Auth({
        tokenEndpoint: `${site.url}/oauth/token`,
        clientId: 'Aladdin',
        clientSecret: 'open sesame',
      });
      const responses = await Promise.all(Array.from({ length: 20 }, () => client.request(auth, `${site.url}/bearer`)));
      expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(site.bearer.logins()).toBe(1);
      expect(site.stats('/bearer').requests).toBe(20);
    },
  },
  {
    name: 'OAuth2Auth: a revoked token is renewed with one new grant and a POST body resent byte for byte',
    needs: ['body:string'],
    async run(client) {
      const auth = new OAuth2Auth({
        tokenEndpoint: `${site.url}/oauth/token`,
        clientId: 'Aladdin',
        clientSecret: 'open sesame',
      });
      expect((await client.request(auth, `${site.url}/bearer`)).status).toBe(200);
      site.bearer.revokeAll();
      site.reset();
      const response = await client.request(auth, `${site.url}/bearer`, { method: 'POST', body: 'string' });
      expect(response.status).toBe(200);
      expect(site.bearer.logins()).toBe(1);
      const [refused, accepted] = site.requests.filter((r) => r.path === '/bearer');
      expect([refused?.status, accepted?.status]).toEqual([401, 200]);
      expect(sha256(accepted?.body)).toBe(sha256(refused?.body));
    },
  },
  {
    name: 'ApiKeyAuth: a key in a header',
    async run(client) {
      const response = await client.request(new ApiKeyAuth('k-123', { header: 'X-API-Key' }), `${site.url}/api-key`);
      expect(response.status).toBe(200);
    },
  },
  {
    name: 'ApiKeyAuth: a key after a scheme in Authorization',
    async run(client) {
      const auth = new ApiKeyAuth('9944b09199c62bcf', { header: 'Authorization', scheme: 'Token' });
      expect((await client.request(auth, `${site.url}/token-scheme`)).status).toBe(200);
    },
  },
  {
    name: 'ApiKeyAuth: a key in the query, percent-encoded, the other parameters kept',
    async run(client) {
      const key = 'k+y/=&ü';
      const response = await client.request(new ApiKeyAuth(key, { query: 'api_key' }), `${site.url}/open?a=1`);
      expect(response.status).toBe(200);
      const target = new URL(site.requests[0]?.target ?? '', site.url);
      expect(target.searchParams.get('a')).toBe('1');
      expect(target.searchParams.getAll('api_key')).toEqual([key]);
    },
  },
];

const schemeScenarios: Scenario[] = [
  {
    name: 'Basic: 200 in one round trip',
    async run(client) {
      const response = await client.request(new BasicAuth('Aladdin', 'open sesame'), `${site.url}/basic`);
      expect(response.status).toBe(200);
      expect(json(response.body)).toMatchObject({ authenticated: true, user: 'Aladdin' });
      expect(site.stats('/basic').requests).toBe(1);
    },
  },
  {
    name: 'a custom AuthBase (requests’ TokenAuth)',
    async run(client) {
      const response = await client.request(new TokenAuth(), `${site.url}/token`);
      expect(response.status).toBe(200);
      expect(site.stats('/token').requests).toBe(1);
    },
  },
  {
    name: 'AuthHandler: the strategy of the request’s origin',
    async run(client) {
      const handler = new AuthHandler({ [site.url]: ['Aladdin', 'open sesame'] });
      const response = await client.request(handler, `${site.url}/basic`);
      expect(response.status).toBe(200);
      expect(site.requests[0]?.user).toBe('Aladdin');
    },
  },
  {
    name: 'GuessAuth: picks Digest when offered',
    async run(client) {
      const response = await client.request(new GuessAuth('Mufasa', 'Circle of Life'), `${site.url}/digest`);
      expect(response.status).toBe(200);
      expect(site.stats('/digest')).toMatchObject({ requests: 2, authSuccesses: 1 });
    },
  },
  {
    name: 'GuessAuth: falls back to Basic',
    async run(client) {
      const response = await client.request(new GuessAuth('Aladdin', 'open sesame'), `${site.url}/basic`);
      expect(response.status).toBe(200);
      expect(site.stats('/basic')).toMatchObject({ requests: 2, authSuccesses: 1 });
    },
  },
  ...digestAlgorithms.flatMap((algorithm) =>
    qops.flatMap((qop) =>
      [false, true].map(
        (userhash): Scenario => ({
          name: `Digest ${algorithm} qop=${qop}${userhash ? ' userhash' : ''}`,
          run: (client) =>
            qop === 'auth-int'
              ? expectDigest(client, digestPath(algorithm, qop, userhash), 'POST', 'string')
              : expectDigest(client, digestPath(algorithm, qop, userhash)),
        }),
      ),
    ),
  ),
  {
    name: 'ProxyBasicAuth: the proxy’s 407, absolute-form, credentials to the proxy only',
    needs: ['proxy'],
    async run(client) {
      const response = await client.request(new ProxyBasicAuth('pu', 'pp'), `${other.url}/landing?x=1`, {
        proxy: basicProxy.url,
      });
      expect(response.status).toBe(200);
      expect(basicProxy.requests.at(-1)).toMatchObject({
        proxy: true,
        target: `${other.url}/landing?x=1`,
        status: 200,
      });
      expect(other.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    },
  },
  {
    name: 'ProxyDigestAuth: the proxy’s 407 answered with Digest',
    needs: ['proxy'],
    async run(client) {
      const response = await client.request(new ProxyDigestAuth('pu', 'pp'), `${other.url}/landing`, {
        proxy: digestProxy.url,
      });
      expect(response.status).toBe(200);
      expect(digestProxy.requests.map((r) => r.status)).toEqual([407, 200]);
      expect(other.requests[0]?.headers['proxy-authorization']).toBeUndefined();
    },
  },
];

const bodyScenarios: Scenario[] = [
  ...(['GET', 'HEAD'] as const).map(
    (method): Scenario => ({
      name: `${method} answered after a 401`,
      async run(client) {
        const response = await client.request(new ChallengeTokenAuth(), `${site.url}/token`, { method });
        expect(response.status).toBe(200);
        expect(site.requests.map((r) => [r.method, r.status])).toEqual([
          [method, 401],
          [method, 200],
        ]);
      },
    }),
  ),
  ...(['POST', 'PUT'] as const).flatMap((method) =>
    bodyKinds
      .filter((kind) => kind !== 'stream')
      .map(
        (kind): Scenario => ({
          name: `${method} a ${kind} body: byte-identical on the retry`,
          needs: [`body:${kind}`],
          async run(client) {
            const response = await client.request(new ChallengeTokenAuth(), `${site.url}/token`, {
              method,
              body: kind,
            });
            expect(response.status).toBe(200);
            const [first, second] = site.requests;
            expect(site.requests.map((r) => [r.method, r.status])).toEqual([
              [method, 401],
              [method, 200],
            ]);
            expect(first?.body.byteLength).toBeGreaterThan(0);
            expect(sha256(second?.body)).toBe(sha256(first?.body));
            expect(second?.headers['content-type']).toBe(first?.headers['content-type']);
            if (kind === 'json') expect(JSON.parse(new TextDecoder().decode(second?.body))).toEqual(jsonValue);
          },
        }),
      ),
  ),
  ...bodyKinds
    .filter((kind) => kind !== 'stream')
    .map(
      (kind): Scenario => ({
        name: `Digest auth-int over a ${kind} body (the server checks the body hash)`,
        needs: [`body:${kind}`],
        run: (client) => expectDigest(client, digestPath('SHA-256', 'auth-int'), 'PUT', kind),
      }),
    ),
  {
    name: 'a stream body that a retry needs again',
    needs: ['body:stream'],
    async run(client) {
      const attempt = client.request(new ChallengeTokenAuth(), `${site.url}/token`, { method: 'POST', body: 'stream' });
      if (client.streamRetry === 'refused') {
        const error = await attempt.catch((e: unknown) => e);
        expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
        expect(site.requests).toHaveLength(1);
      } else {
        expect((await attempt).status).toBe(200);
        expect(sha256(site.requests[1]?.body)).toBe(sha256(site.requests[0]?.body));
      }
    },
  },
  {
    name: 'a stream body with a preemptive scheme is sent once, whole',
    needs: ['body:stream'],
    async run(client) {
      const response = await client.request(new BasicAuth('Aladdin', 'open sesame'), `${site.url}/basic`, {
        method: 'POST',
        body: 'stream',
      });
      expect(response.status).toBe(200);
      expect(new TextDecoder().decode(site.requests[0]?.body)).toBe('a streamed body');
    },
  },
];

const exchangeScenarios: Scenario[] = [
  {
    name: 'a server that always answers 401 gets one answer; the caller gets the 401 as the client delivers it',
    async run(client) {
      const response = await client.request(new DigestAuth('Mufasa', 'Circle of Life'), `${site.url}/digest-always`);
      expect(response.status).toBe(401);
      expect(site.stats('/digest-always').requests).toBe(2);
      if (client.isHttpError === undefined) expect(response.httpError).toBeUndefined();
      else expect(client.isHttpError(response.httpError, 401)).toBe(true);
    },
  },
  {
    name: 'a server that always answers stale=true gets two answers, then the caller gets the 401',
    async run(client) {
      const response = await client.request(new DigestAuth('Mufasa', 'Circle of Life'), `${site.url}/digest-stale`);
      expect(response.status).toBe(401);
      expect(site.stats('/digest-stale')).toMatchObject({ requests: 3, stale: 2 });
      if (client.isHttpError === undefined) expect(response.httpError).toBeUndefined();
      else expect(client.isHttpError(response.httpError, 401)).toBe(true);
    },
  },
  {
    name: 'Digest preemptive reuse: N requests cost N+1 round trips',
    async run(client) {
      const auth = new DigestAuth('Mufasa', 'Circle of Life');
      for (let i = 0; i < 5; i++) expect((await client.request(auth, `${site.url}/digest`)).status).toBe(200);
      expect(site.stats('/digest')).toMatchObject({ requests: 6, authSuccesses: 5 });
    },
  },
  {
    name: '200 concurrent Digest requests on one auth instance all succeed',
    async run(client) {
      const auth = new DigestAuth('Mufasa', 'Circle of Life');
      const responses = await Promise.all(
        Array.from({ length: 200 }, () => client.request(auth, `${site.url}/digest`)),
      );
      expect(responses.filter((r) => r.status === 200)).toHaveLength(200);
      expect(site.stats('/digest').authSuccesses).toBe(200);
    },
  },
  {
    name: '1,000 sequential Digest requests on keep-alive do not grow the open sockets',
    async run(client) {
      const auth = new DigestAuth('Mufasa', 'Circle of Life');
      for (let i = 0; i < 10; i++) await client.request(auth, `${site.url}/digest`);
      const warm = site.openSockets();
      for (let i = 0; i < 990; i++) {
        const response = await client.request(auth, `${site.url}/digest`);
        if (response.status !== 200) expect(response.status).toBe(200);
      }
      expect(site.stats('/digest').authSuccesses).toBe(1000);
      expect(site.openSockets()).toBeLessThanOrEqual(Math.max(warm, 2));
    },
  },
  {
    name: 'an AbortSignal fired mid-exchange ends it cleanly',
    async run(client) {
      const controller = new AbortController();
      class AbortingAuth extends AuthBase {
        override async *flow(request: AuthRequest): AuthFlow {
          yield request;
          controller.abort(new Error('user gave up'));
          yield request;
        }
      }
      await expect(
        client.request(new AbortingAuth(), `${site.url}/token`, { signal: controller.signal }),
      ).rejects.toThrow();
      expect(site.stats('/token').requests).toBe(1);
    },
  },
  {
    name: 'a timeout while the answered request hangs ends the exchange cleanly',
    async run(client) {
      await expect(client.request(new ChallengeTokenAuth(), `${stallingUrl}/`, { timeout: 300 })).rejects.toThrow();
      expect(stalled).toEqual(['', 'tok']);
    },
  },
  {
    name: 'cookies set on the 401 go with the retry',
    needs: ['cookies'],
    async run(client) {
      const response = await client.request(new ChallengeTokenAuth(), `${site.url}/cookie`);
      expect(response.status).toBe(200);
      expect(site.requests[1]?.headers.cookie).toBe('sid=from-401');
    },
  },
];

const redirectScenarios: Scenario[] = [
  {
    name: 'a same-origin redirect stays authenticated',
    async run(client) {
      const response = await client.request(new BasicAuth('Aladdin', 'open sesame'), `${site.url}/to-same`);
      expect(response.status).toBe(200);
      expect(site.requests.map((r) => [r.path, r.status, r.user ?? null])).toEqual([
        ['/to-same', 302, 'Aladdin'],
        ['/basic', 200, 'Aladdin'],
      ]);
    },
  },
  ...(['/to-other', '/to-other-307'] as const).map(
    (path): Scenario => ({
      name: `a redirect to another origin (${path === '/to-other' ? '302' : '307 with a body'}) carries no credential of any kind`,
      async run(client) {
        const response = await client.request(new BasicAuth('Aladdin', 'open sesame'), `${site.url}${path}`, {
          method: path === '/to-other' ? 'GET' : 'PUT',
          ...(path === '/to-other' ? {} : { body: 'string' as const }),
          headers: {
            Authorization: 'Bearer mine',
            Cookie: 'session=1',
            'Proxy-Authorization': 'Basic eDp5',
            'X-Trace': 'keep',
          },
        });
        expect(response.status).toBe(200);
        const landed = other.requests[0];
        expect(landed?.path).toBe('/landing');
        expect(landed?.headers.authorization).toBeUndefined();
        expect(landed?.headers.cookie).toBeUndefined();
        expect(landed?.headers['proxy-authorization']).toBeUndefined();
        expect(landed?.headers['x-trace']).toBe('keep');
      },
    }),
  ),
  {
    name: 'a redirect from https to http carries no credential',
    async run(client) {
      const response = await client.request(new BasicAuth('Aladdin', 'open sesame'), `${secure.url}/to-http`, {
        ca: secure.ca ?? '',
        headers: { Cookie: 'session=1' },
      });
      expect(response.status).toBe(200);
      expect(secure.requests[0]?.user).toBe('Aladdin');
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
      expect(other.requests[0]?.headers.cookie).toBeUndefined();
    },
  },
];

const scenarios: Array<[string, Scenario[]]> = [
  ['schemes', schemeScenarios],
  ['token schemes', tokenScenarios],
  ['methods and bodies', bodyScenarios],
  ['the exchange', exchangeScenarios],
  ['redirects', redirectScenarios],
];

describe.each(clients.map((client) => [client.name, client] as const))('%s', (_name, client) => {
  for (const [group, table] of scenarios) {
    describe(group, () => {
      for (const scenario of table) {
        const reason = scenario.needs?.map((need) => client.cannot[need]).find((r) => r !== undefined);
        if (reason === undefined) it(scenario.name, () => scenario.run(client));
        else it.skip(`${scenario.name} — expected skip: ${reason}`, () => {});
      }
    });
  }
});
