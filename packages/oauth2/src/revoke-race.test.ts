import { withAuth } from '@authbelt/adapter-fetch';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2AuthOptions, OAuth2Tokens } from './options.js';
import { codeOf, form, json, type ScriptServer, serveScripts } from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});

/** A promise and the function that resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * A fetch for the token requests that holds the answer to the first grant of
 * `grantType` until the test releases it (the server has answered by then).
 */
function heldGrant(grantType: string) {
  const { promise: released, resolve: release } = deferred();
  const { promise: atGate, resolve: arrived } = deferred();
  let held = false;
  const slow: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!held && new URLSearchParams(String(init?.body ?? '')).get('grant_type') === grantType) {
      held = true;
      arrived();
      await released;
    }
    return response;
  };
  return { slow, atGate, release };
}

/** A token endpoint that numbers its tokens, a revocation endpoint, and an API that takes `good-*`. */
function serve() {
  let n = 0;
  server.answer((request) => {
    if (request.path === '/token') {
      const grant = form(request).get('grant_type');
      if (grant === 'authorization_code') {
        return json(200, { access_token: 'good-user', token_type: 'Bearer', refresh_token: 'user-refresh' });
      }
      n++;
      return json(200, {
        access_token: `good-${n}`,
        token_type: 'Bearer',
        refresh_token: `rotated-${n}`,
        expires_in: 3600,
      });
    }
    if (request.path === '/revoke') return { status: 200 };
    return String(request.headers.authorization).startsWith('Bearer good-')
      ? { status: 200 }
      : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
  });
}

const options = (extra: Partial<OAuth2AuthOptions>): OAuth2AuthOptions => ({
  tokenEndpoint: `${server.url}/token`,
  revocationEndpoint: `${server.url}/revoke`,
  authorizationEndpoint: `${server.url}/authorize`,
  clientId: 'app',
  clientSecret: 'client-secret',
  ...extra,
});

/** A request through `auth`, revoke() once `reached` settles, then `release()`: what the request ends with. */
async function revokeDuring(auth: OAuth2Auth, reached: Promise<void>, release: () => void): Promise<unknown> {
  const pending = withAuth(fetch, auth)(`${server.url}/api`).catch((e: unknown) => e);
  await reached;
  await auth.revoke();
  release();
  return pending;
}

describe('revoke() and a sign-in overtaking a renewal in flight', () => {
  it('a refresh answered after revoke(): its rotated tokens are never held nor persisted, the request is ERR_INVALID_GRANT', async () => {
    serve();
    const { slow, atGate, release } = heldGrant('refresh_token');
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(
      options({ tokens: { refreshToken: 'user-r1' }, fetch: slow, onTokens: (t) => void saved.push(t) }),
    );
    expect(codeOf(await revokeDuring(auth, atGate, release))).toBe('ERR_INVALID_GRANT');
    expect(saved).toEqual([{}]);
    // Signed out: no request asks the token endpoint again, and no API request carried the refresh's token.
    expect(codeOf(await withAuth(fetch, auth)(`${server.url}/api`).catch((e: unknown) => e))).toBe('ERR_INVALID_GRANT');
    expect(server.seen.map((r) => r.path)).toEqual(['/token', '/revoke']);
    expect(form(server.seen[1]).get('token')).toBe('user-r1');
  });

  it('revoke() while onTokens persists a refresh’s tokens: the refreshed access token is not sent, the request is ERR_INVALID_GRANT', async () => {
    serve();
    const { promise: persisted, resolve: release } = deferred();
    const { promise: inOnTokens, resolve: persisting } = deferred();
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(
      options({
        tokens: { refreshToken: 'user-r1' },
        onTokens: async (t) => {
          saved.push(t);
          if (t.accessToken === undefined) return;
          persisting();
          await persisted;
        },
      }),
    );
    expect(codeOf(await revokeDuring(auth, inOnTokens, release))).toBe('ERR_INVALID_GRANT');
    expect(saved.map((t) => t.refreshToken)).toEqual(['rotated-1', undefined]);
    // The rotated refresh token is the one revoked; nothing reached the API.
    expect(server.seen.map((r) => r.path)).toEqual(['/token', '/revoke']);
    expect(form(server.seen[1]).get('token')).toBe('rotated-1');
  });

  it('a client credentials grant answered after revoke(): dropped, and a new grant gives the token sent', async () => {
    serve();
    const { slow, atGate, release } = heldGrant('client_credentials');
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(
      options({
        tokens: { accessToken: 'good-given', expiresAt: Date.now() - 1 },
        fetch: slow,
        onTokens: (t) => void saved.push(t),
      }),
    );
    expect(((await revokeDuring(auth, atGate, release)) as Response).status).toBe(200);
    expect(saved.map((t) => t.accessToken)).toEqual([undefined, 'good-2']);
    expect(server.seen.map((r) => r.path)).toEqual(['/token', '/revoke', '/token', '/api']);
    expect(server.seen.at(-1)?.headers.authorization).toBe('Bearer good-2');
  });

  it('a client credentials grant answered after a sign-in: the user’s tokens stay, and are the ones sent', async () => {
    serve();
    const { slow, atGate, release } = heldGrant('client_credentials');
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth(options({ fetch: slow, onTokens: (t) => void saved.push(t) }));
    const api = withAuth(fetch, auth);
    const pending = api(`${server.url}/api`);
    await atGate;
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/callback' });
    const tokens = await auth.exchangeCode(`http://127.0.0.1/callback?code=c&state=${signIn.state}`, signIn);
    expect(tokens.refreshToken).toBe('user-refresh');
    release();
    expect((await pending).status).toBe(200);
    expect(server.seen.at(-1)?.headers.authorization).toBe('Bearer good-user');
    expect(saved.map((t) => t.refreshToken)).toEqual(['user-refresh']);
  });
});

describe('a refresh refused after a sign-in overtook it', () => {
  it('the request goes on with the user’s tokens, and the user’s refresh token stays for renewals', async () => {
    server.answer((request) => {
      if (request.path === '/token') {
        const body = form(request);
        if (body.get('grant_type') === 'authorization_code') {
          return json(200, { access_token: 'good-user', token_type: 'Bearer', refresh_token: 'user-refresh' });
        }
        return body.get('refresh_token') === 'user-refresh'
          ? json(200, { access_token: 'good-renewed', token_type: 'Bearer' })
          : json(400, { error: 'invalid_grant' });
      }
      const authorization = String(request.headers.authorization);
      // /api/renew takes only a renewed token: the user's access token is rejected there.
      return authorization === 'Bearer good-renewed' ||
        (authorization === 'Bearer good-user' && request.path === '/api')
        ? { status: 200 }
        : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
    });
    const { slow, atGate, release } = heldGrant('refresh_token');
    const auth = new OAuth2Auth(options({ tokens: { refreshToken: 'old-refresh' }, fetch: slow }));
    const pending = withAuth(fetch, auth)(`${server.url}/api`).catch((e: unknown) => e);
    await atGate;
    const signIn = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/cb' });
    await auth.exchangeCode(`http://127.0.0.1/cb?code=c&state=${signIn.state}`, signIn);
    release();
    const first = await pending;
    expect(first instanceof Response ? first.status : codeOf(first)).toBe(200);
    expect((await withAuth(fetch, auth)(`${server.url}/api/renew`)).status).toBe(200);
    const refreshes = server.seen.filter((r) => form(r).get('grant_type') === 'refresh_token');
    expect(refreshes.map((r) => form(r).get('refresh_token'))).toEqual(['old-refresh', 'user-refresh']);
  });
});

describe('a token replaced while a request with it is in flight', () => {
  it('a Bearer token replaced by a DPoP one: the answer to a nonce challenge still sends it as Bearer, without a proof', async () => {
    let grants = 0;
    let challenged = false;
    server.answer((request) => {
      if (request.path === '/token') {
        grants++;
        return json(
          200,
          grants === 1
            ? { access_token: 'bearer-a', token_type: 'Bearer', expires_in: 3600 }
            : { access_token: 'dpop-b', token_type: 'DPoP', expires_in: 3600 },
        );
      }
      if (request.path === '/api/x') {
        return request.headers.authorization === 'DPoP dpop-b'
          ? { status: 200 }
          : { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } };
      }
      if (challenged) return { status: 200 };
      challenged = true;
      return { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n1' } };
    });
    const { promise: released, resolve: release } = deferred();
    const { promise: atGate, resolve: arrived } = deferred();
    // The first answer to /api/y waits until the other request has replaced the token.
    const holding: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/api/y') && response.status === 401) {
        arrived();
        await released;
      }
      return response;
    };
    const auth = new OAuth2Auth(options({ dpop: true }));
    const pending = withAuth(holding, auth)(`${server.url}/api/y`);
    await atGate;
    expect((await withAuth(fetch, auth)(`${server.url}/api/x`)).status).toBe(200);
    release();
    expect((await pending).status).toBe(200);
    const sentToY = server.seen.filter((r) => r.path === '/api/y');
    expect(sentToY.map((r) => [r.headers.authorization, r.headers.dpop])).toEqual([
      ['Bearer bearer-a', undefined],
      ['Bearer bearer-a', undefined],
    ]);
  });
});
