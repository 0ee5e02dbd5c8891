// `pnpm demo`: start the test server on a loopback port, run every scheme
// through every adapter, and print what the server saw.

import { withAuth as withAxiosAuth } from '@authbelt/adapter-axios';
import { withAuth } from '@authbelt/adapter-fetch';
import { proxyDispatcher } from '@authbelt/adapter-fetch/proxy';
import { withAuth as withKyAuth } from '@authbelt/adapter-ky';
import { BasicAuth } from '@authbelt/basic';
import { ApiKeyAuth, BearerAuth } from '@authbelt/bearer';
import { AuthBase } from '@authbelt/core';
import { DigestAuth } from '@authbelt/digest';
import { GuessAuth, GuessProxyAuth } from '@authbelt/guess';
import { AuthHandler } from '@authbelt/handler';
import { OAuth2Auth } from '@authbelt/oauth2';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';
import { startTestServer } from '@authbelt/test-server';
import axios from 'axios';
import ky from 'ky';

class TokenAuth extends AuthBase {
  constructor(token) {
    super();
    this.token = token;
  }
  authorize(request) {
    request.headers.set('X-TokenAuth', this.token);
  }
}

const users = { Aladdin: 'open sesame', 'Jäsøn Doe': 'Secret, or not?' };
const digest = (algorithms, extra = {}) => ({ auth: 'digest', realm: 'demo@authbelt', users, algorithms, ...extra });
const routes = {
  '/basic': { auth: 'basic', realm: 'demo', users },
  '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 's3cret' } },
  '/digest-md5': digest(['MD5'], { qop: ['auth'] }),
  '/digest-sha256': digest(['SHA-256'], { qop: ['auth'], authInfo: true }),
  '/digest-sha512-256': digest(['SHA-512-256'], { qop: ['auth-int'], userhash: true, digestCharset: true }),
  '/guess-basic': { auth: 'basic', realm: 'demo', users },
  '/guess-digest': digest(['MD5', 'SHA-256']),
  '/open': {},
  '/api-key': { auth: 'header', header: { name: 'X-API-Key', value: 'k-123' } },
};
// Bearer mode: a login endpoint issuing tokens, and a path that needs one.
const bearer = { users, routes: { '/me': {} }, lifetime: 3600 };

// The login-endpoint provider of @authbelt/bearer's README, over plain fetch.
const login = async () => {
  const answer = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'Aladdin', password: 'open sesame' }),
  });
  const { access_token, expires_in } = await answer.json();
  return { accessToken: access_token, expiresIn: expires_in };
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let proxy;
const scenarios = [
  { scheme: 'Basic', route: '/basic', auth: () => new BasicAuth('Aladdin', 'open sesame') },
  { scheme: 'TokenAuth (custom AuthBase)', route: '/token', auth: () => new TokenAuth('s3cret') },
  { scheme: 'Digest MD5, qop=auth', route: '/digest-md5', auth: () => new DigestAuth('Aladdin', 'open sesame') },
  { scheme: 'Digest SHA-256, rspauth', route: '/digest-sha256', auth: () => new DigestAuth('Aladdin', 'open sesame') },
  {
    scheme: 'Digest SHA-512-256, userhash, auth-int, UTF-8',
    route: '/digest-sha512-256',
    method: 'POST',
    body: 'a body hashed into auth-int',
    auth: () => new DigestAuth('Jäsøn Doe', 'Secret, or not?'),
  },
  { scheme: 'GuessAuth → Basic', route: '/guess-basic', auth: () => new GuessAuth('Aladdin', 'open sesame') },
  { scheme: 'GuessAuth → Digest', route: '/guess-digest', auth: () => new GuessAuth('Aladdin', 'open sesame') },
  { scheme: 'ApiKeyAuth (X-API-Key)', route: '/api-key', auth: () => new ApiKeyAuth('k-123', { header: 'X-API-Key' }) },
  { scheme: 'BearerAuth (login token)', route: '/me', auth: () => new BearerAuth(login) },
  {
    // Tokens live 0.2 s and requests come 60 ms apart: renewed on use before expiry, never refused.
    scheme: 'BearerAuth, token expires during the run',
    route: '/me',
    lifetime: 0.2,
    pause: 60,
    auth: () => new BearerAuth(login),
  },
  {
    scheme: 'BearerAuth, token revoked mid-run',
    route: '/me',
    midway: () => server.bearer.revokeAll(),
    auth: () => new BearerAuth(login),
  },
  {
    // Tokens live 2 s and requests come 400 ms apart: each grant is renewed on use before expiry.
    scheme: 'OAuth2Auth client_credentials, 2 s tokens (logins = grants)',
    route: '/me',
    lifetime: 2,
    pause: 400,
    // The test server's OAuth 2.0 token endpoint (client_secret_basic); each grant counts as a login.
    auth: () =>
      new OAuth2Auth({ tokenEndpoint: `${server.url}/oauth/token`, clientId: 'Aladdin', clientSecret: 'open sesame' }),
  },
  {
    scheme: 'AuthHandler (per origin)',
    route: '/basic',
    auth: () => new AuthHandler({ [server.url]: ['Aladdin', 'open sesame'], 'https://api.github.com': ['u', 'p'] }),
  },
  {
    scheme: 'Digest proxy + Basic origin',
    route: '/basic',
    counted: () => proxy.stats().requests,
    init: () => ({ dispatcher: proxy.dispatcher() }),
    auth: () => new BasicAuth('Aladdin', 'open sesame'),
  },
];

// Each adapter turns (auth) into a request function returning the status.
// Through a proxy, fetch and ky take proxyDispatcher (fetch hides a 407);
// axios takes its own `proxy` option and answers the 407 itself, here with
// GuessProxyAuth (Digest for the proxy, Basic for the origin).
const adapters = [
  {
    name: 'fetch',
    client: (auth) => async (url, init) => {
      const response = await withAuth(fetch, auth)(url, init);
      await response.arrayBuffer();
      return response.status;
    },
  },
  {
    name: 'axios',
    client: (auth, scenario) => {
      const proxied = scenario.init !== undefined;
      const instance = withAxiosAuth(
        axios.create({ validateStatus: () => true }),
        proxied ? new GuessProxyAuth('Aladdin', 'open sesame', 'Aladdin', 'open sesame') : auth,
      );
      return async (url, init) => {
        const config = { url, method: init.method, data: init.body };
        if (proxied) config.proxy = { protocol: 'http', host: '127.0.0.1', port: proxy.port };
        return (await instance.request(config)).status;
      };
    },
  },
  {
    name: 'ky',
    client: (auth) => {
      const instance = withKyAuth(ky, auth);
      return async (url, init) => {
        const response = await instance(url, { ...init, throwHttpErrors: false, retry: 0 });
        await response.arrayBuffer();
        return response.status;
      };
    },
  },
];
const REQUESTS = 10;

const server = await startTestServer({ routes, bearer });
const proxyServer = await startTestServer({
  proxy: { auth: 'digest', realm: 'proxy', users, algorithms: ['SHA-256'] },
});
let dispatcher;
proxy = {
  // fetch turns a 407 into a network error, so the proxy's challenge is answered by the dispatcher.
  fresh: () => {
    void dispatcher?.close();
    dispatcher = proxyDispatcher({ proxy: proxyServer.url, auth: new ProxyDigestAuth('Aladdin', 'open sesame') });
  },
  dispatcher: () => dispatcher,
  stats: () => proxyServer.stats(),
  port: proxyServer.port,
};
const rows = [];
let failures = 0;
try {
  for (const adapter of adapters) {
    for (const scenario of scenarios) {
      server.reset();
      proxyServer.reset();
      proxy.fresh();
      server.bearer.setLifetime(scenario.lifetime ?? bearer.lifetime);
      const request = adapter.client(scenario.auth(), scenario);
      const statuses = new Set();
      for (let i = 0; i < REQUESTS; i++) {
        if (i === REQUESTS / 2) scenario.midway?.();
        if (i > 0 && scenario.pause) await sleep(scenario.pause);
        const init = { ...scenario.init?.(), method: scenario.method ?? 'GET', body: scenario.body };
        statuses.add(await request(`${server.url}${scenario.route}`, init));
      }
      const ok = statuses.size === 1 && statuses.has(200);
      if (!ok) failures++;
      rows.push({
        scheme: scenario.scheme,
        adapter: adapter.name,
        status: [...statuses].join(','),
        requests: REQUESTS,
        'server saw': scenario.counted ? scenario.counted() : server.stats(scenario.route).requests,
        logins: scenario.route === '/me' ? server.bearer.logins() : '',
        result: ok ? 'ok' : 'FAILED',
      });
    }
  }
} finally {
  await dispatcher?.close();
  await Promise.all([server.close(), proxyServer.close()]);
}
console.log(`authbelt demo: ${REQUESTS} sequential requests per row, against the test server on 127.0.0.1\n`);
console.table(rows);
if (failures > 0) {
  console.error(`${failures} row(s) failed`);
  process.exit(1);
}
