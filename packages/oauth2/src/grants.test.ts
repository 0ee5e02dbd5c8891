import { withAuth } from '@authbelt/adapter-fetch';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2Tokens } from './options.js';
import {
  clientOptions,
  codeOf,
  failure,
  form,
  json,
  type OptionChanges,
  type ScriptServer,
  serveScripts,
} from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});

const options = (extra: OptionChanges = {}) => clientOptions(server, 'client-secret', extra);
const paths = () => server.seen.map((r) => r.path);

/** Token endpoint numbering its tokens, a revocation endpoint answering `revoked`, an API taking `good-*`. */
function serve(revoked: number = 200) {
  let n = 0;
  server.answer((request) => {
    if (request.path === '/token') {
      n++;
      return json(200, { access_token: `good-${n}`, token_type: 'Bearer', expires_in: 3600 });
    }
    if (request.path === '/revoke') return revoked === 200 ? { status: 200 } : json(revoked, { error: 'server_error' });
    return String(request.headers.authorization).startsWith('Bearer good-')
      ? { status: 200 }
      : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
  });
}

describe('a given access token', () => {
  it.each([
    ['no expiry', undefined],
    ['an expiry as a Date', new Date(Date.now() + 600_000)],
    ['an expiry in milliseconds', Date.now() + 600_000],
  ])('with %s is sent first, without a grant', async (_name, expiresAt) => {
    serve();
    const tokens: OAuth2Tokens =
      expiresAt === undefined ? { accessToken: 'good-given' } : { accessToken: 'good-given', expiresAt };
    const api = withAuth(fetch, new OAuth2Auth(options({ tokens })));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.seen.map((r) => r.headers.authorization)).toEqual(['Bearer good-given']);
  });

  it('expired as a Date: never sent, a grant first', async () => {
    serve();
    const api = withAuth(
      fetch,
      new OAuth2Auth(options({ tokens: { accessToken: 'good-given', expiresAt: new Date(Date.now() - 1) } })),
    );
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(paths()).toEqual(['/token', '/api']);
  });

  it('once refused, is never sent again: the renewal is a grant', async () => {
    serve();
    const api = withAuth(fetch, new OAuth2Auth(options({ tokens: { accessToken: 'stale' } })));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.seen.map((r) => r.headers.authorization ?? r.path)).toEqual([
      'Bearer stale',
      expect.stringMatching(/^Basic /),
      'Bearer good-1',
      'Bearer good-1',
    ]);
  });
});

describe('revoke() (RFC 7009)', () => {
  const revoking = (tokens: OAuth2Tokens, saved: OAuth2Tokens[]) =>
    new OAuth2Auth(
      options({ tokens, revocationEndpoint: `${server.url}/revoke`, onTokens: (t) => void saved.push(t) }),
    );

  it('revokes the refresh token when there is one, forgets both, and calls onTokens({})', async () => {
    serve();
    const saved: OAuth2Tokens[] = [];
    await revoking({ accessToken: 'good-a', refreshToken: 'r1' }, saved).revoke();
    const sent = form(server.seen[0]);
    expect([server.seen[0]?.path, sent.get('token'), sent.get('token_type_hint')]).toEqual([
      '/revoke',
      'r1',
      'refresh_token',
    ]);
    expect(saved).toEqual([{}]);
  });

  it('revokes the access token when there is no refresh token; the next request starts a new grant', async () => {
    serve();
    const auth = revoking({ accessToken: 'good-a' }, []);
    const api = withAuth(fetch, auth);
    await api(`${server.url}/api`);
    await auth.revoke();
    const sent = form(server.seen[1]);
    expect([sent.get('token'), sent.get('token_type_hint')]).toEqual(['good-a', 'access_token']);
    await api(`${server.url}/api`);
    expect(server.seen.slice(2).map((r) => r.headers.authorization ?? r.path)).toEqual([
      expect.stringMatching(/^Basic /),
      'Bearer good-1',
    ]);
  });

  it('with no token held sends nothing and still calls onTokens({})', async () => {
    serve();
    const saved: OAuth2Tokens[] = [];
    await revoking({}, saved).revoke();
    expect(server.seen).toHaveLength(0);
    expect(saved).toEqual([{}]);
  });

  it('a failed revocation keeps the tokens and reports it', async () => {
    serve(503);
    const saved: OAuth2Tokens[] = [];
    const auth = revoking({ accessToken: 'good-a', refreshToken: 'r1' }, saved);
    const error = await failure(auth.revoke());
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toMatch(
      /^The authorization server's answer to the revocation is not usable \(HTTP 503\)/,
    );
    expect(saved).toEqual([]);
    await withAuth(fetch, auth)(`${server.url}/api`);
    expect(server.seen.at(-1)?.headers.authorization).toBe('Bearer good-a');
  });

  it('without a revocation endpoint: ERR_INVALID_ARGUMENT, tokens kept', async () => {
    const error = await failure(new OAuth2Auth(options({ tokens: { refreshToken: 'r1' } })).revoke());
    expect(codeOf(error)).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe(
      'The authorization server has no revocation_endpoint; give revocationEndpoint',
    );
  });
});

describe('discovery (RFC 8414, OpenID Connect Discovery)', () => {
  const metadata = () => ({
    issuer: server.url,
    token_endpoint: `${server.url}/token`,
    revocation_endpoint: `${server.url}/revoke`,
  });

  it('is done once for every request and revoke(); its endpoints are used', async () => {
    server.answer((request) => {
      if (request.path === '/.well-known/openid-configuration') return json(200, metadata());
      if (request.path === '/token')
        return json(200, { access_token: 'good-1', token_type: 'Bearer', refresh_token: 'r' });
      return { status: 200 };
    });
    const auth = new OAuth2Auth({ issuer: server.url, clientId: 'app', clientSecret: 's' });
    const api = withAuth(fetch, auth);
    await Promise.all([api(`${server.url}/api`), api(`${server.url}/api`)]);
    await auth.revoke();
    expect(paths()).toEqual(['/.well-known/openid-configuration', '/token', '/api', '/api', '/revoke']);
  });

  it('a failed discovery is tried again by the next request; the error is the OpenID one', async () => {
    let up = false;
    server.answer((request) => {
      if (!up) return { status: 500 };
      if (request.path === '/.well-known/openid-configuration') return json(200, metadata());
      if (request.path === '/token') return json(200, { access_token: 'good-1', token_type: 'Bearer' });
      return { status: 200 };
    });
    const api = withAuth(fetch, new OAuth2Auth({ issuer: `${server.url}/`, clientId: 'app', clientSecret: 's' }));
    const error = await failure(api(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toMatch(
      /^The authorization server's answer to discovery is not usable \(HTTP 500\)/,
    );
    up = true;
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(paths()).toEqual([
      '/.well-known/openid-configuration',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/token',
      '/api',
    ]);
  });

  it('without discovery, the issuer is the token endpoint’s origin and every endpoint given is used', async () => {
    server.answer((request) =>
      request.path.startsWith('/t/token')
        ? json(200, { access_token: 'good-1', token_type: 'Bearer', refresh_token: 'r' })
        : json(200, {
            device_code: 'd',
            user_code: 'U',
            verification_uri: 'https://x.example/',
            expires_in: 60,
            interval: 1,
          }),
    );
    const auth = new OAuth2Auth({
      tokenEndpoint: `${server.url}/t/token?x=1`,
      authorizationEndpoint: `${server.url}/a/authorize`,
      deviceAuthorizationEndpoint: `${server.url}/d/device`,
      revocationEndpoint: `${server.url}/r/revoke`,
      clientId: 'app',
      clientAuth: 'none',
    });
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    expect(signIn.url.pathname).toBe('/a/authorize');
    await auth.exchangeCode(
      `http://127.0.0.1/cb?code=c&state=${signIn.state}&iss=${encodeURIComponent(server.url)}`,
      signIn,
    );
    await auth.revoke().catch(() => {});
    expect(paths()).toEqual(['/t/token?x=1', '/r/revoke']);
  });
});
