import { isAuthError } from '@authbelt/core';
import { OAuth2Auth, type OAuth2Tokens } from '@authbelt/oauth2';
import { signInWithLoopback } from '@authbelt/oauth2/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adapters, authErrorCode, text } from './clients.js';
import {
  approveDevice,
  approveInBrowser,
  CLIENTS,
  denyDevice,
  type RunningAuthorizationServer,
  startAuthorizationServer,
} from './harness/oidc-provider.js';

let as: RunningAuthorizationServer;

beforeAll(async () => {
  as = await startAuthorizationServer();
});
afterAll(async () => {
  await as?.close();
});
beforeEach(() => {
  as.reset();
  as.setLifetime(3600);
});

const service = (extra: Partial<ConstructorParameters<typeof OAuth2Auth>[0]> = {}) =>
  new OAuth2Auth({ issuer: as.issuer, clientId: CLIENTS.service.id, clientSecret: CLIENTS.service.secret, ...extra });

/** Sign in the CLI client headlessly (authorization code + PKCE), returning its tokens. */
async function signIn(): Promise<OAuth2Tokens> {
  const auth = new OAuth2Auth({ issuer: as.issuer, clientId: CLIENTS.cli.id, clientAuth: 'none' });
  return signInWithLoopback(auth, {
    scope: 'openid offline_access api:read',
    parameters: { prompt: 'consent' },
    open: async (url) => {
      // The browser: signs in, consents, and follows the redirect to the loopback listener.
      const back = await approveInBrowser(url);
      const answer = await fetch(back);
      expect(answer.status).toBe(200);
    },
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(adapters)('oidc-provider through $name', (adapter) => {
  it('client_credentials (client_secret_basic, discovery): one grant, then the token on every request', async () => {
    const client = adapter.client(service());
    for (let i = 0; i < 3; i++) {
      const response = await client.request(`${as.resource}/api`);
      expect(response.status).toBe(200);
      expect(JSON.parse(text(response.body)).client).toBe('service');
    }
    expect(as.counts.success.get('client_credentials')).toBe(1);
    await client.close();
  });

  it('client_credentials with client_secret_post and tokenEndpoint (no discovery)', async () => {
    const auth = new OAuth2Auth({
      tokenEndpoint: `${as.issuer}/token`,
      clientId: CLIENTS.servicePost.id,
      clientSecret: CLIENTS.servicePost.secret,
      clientAuth: 'client_secret_post',
    });
    const client = adapter.client(auth);
    expect((await client.request(`${as.resource}/api`)).status).toBe(200);
    expect(as.counts.success.get('client_credentials')).toBe(1);
  });

  it('a wrong client secret is ERR_OAUTH_ERROR invalid_client after one token request, the secret in no message', async () => {
    const client = adapter.client(service({ clientSecret: 'wrong-secret-value-1234' }));
    const error = await client.request(`${as.resource}/api`).catch((e: unknown) => e);
    expect(authErrorCode(error)).toBe('ERR_OAUTH_ERROR');
    expect(String((error as Error).message) + String((error as { cause?: Error }).cause?.message)).not.toContain(
      'wrong-secret',
    );
    expect(as.counts.tokenRequests).toBe(1);
  });

  it('client_credentials renews on expiry: 50 concurrent requests across an expiry cost one more grant', async () => {
    as.setLifetime(2);
    const client = adapter.client(service({ renewBefore: 0 }));
    expect((await client.request(`${as.resource}/api`)).status).toBe(200);
    await wait(2100);
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.request(`${as.resource}/api`)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(as.counts.success.get('client_credentials')).toBe(2);
  });

  it('refresh_token: 50 concurrent requests with an expired access token cost exactly one refresh grant, no invalid_grant', async () => {
    as.setLifetime(1);
    const initial = await signIn();
    expect(initial.refreshToken).toBeDefined();
    as.reset();
    await wait(1100);
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: initial,
      onTokens: (tokens) => {
        saved.push(tokens);
      },
    });
    as.setLifetime(3600);
    const client = adapter.client(auth);
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.request(`${as.resource}/api`)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(as.counts.success.get('refresh_token')).toBe(1);
    expect(as.counts.error.get('invalid_grant')).toBeUndefined();
    expect(as.counts.tokenRequests).toBe(1);
    // Rotation: the new refresh token replaced the old one and was handed over to persist.
    expect(saved).toHaveLength(1);
    expect(saved[0]?.refreshToken).toBeDefined();
    expect(saved[0]?.refreshToken).not.toBe(initial.refreshToken);
  });

  it('refresh_token: 50 concurrent requests refused with 401 invalid_token (an expiry the client did not know) share one refresh grant', async () => {
    as.setLifetime(1);
    const initial = await signIn();
    await wait(1100);
    as.reset();
    as.setLifetime(3600);
    // No expiresAt: only the server knows the access token has expired.
    const auth = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: { accessToken: initial.accessToken as string, refreshToken: initial.refreshToken as string },
    });
    const client = adapter.client(auth);
    const responses = await Promise.all(Array.from({ length: 50 }, () => client.request(`${as.resource}/api`)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(as.counts.success.get('refresh_token')).toBe(1);
    expect(as.counts.error.get('invalid_grant')).toBeUndefined();
    // Each request: refused once with the expired token, then sent once more with the new one.
    expect(as.resourceRequests).toHaveLength(100);
  });

  it('a refused refresh token is ERR_INVALID_GRANT once, then without asking the server again (never a loop)', async () => {
    const initial = await signIn();
    // Spend the refresh token elsewhere: oidc-provider rotates it, so ours is now refused (and the grant revoked).
    const other = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: { refreshToken: initial.refreshToken as string },
    });
    expect((await adapter.client(other).request(`${as.resource}/api`)).status).toBe(200);
    as.reset();
    const auth = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: { refreshToken: initial.refreshToken as string },
    });
    const client = adapter.client(auth);
    for (let i = 0; i < 3; i++) {
      const error = await client.request(`${as.resource}/api`).catch((e: unknown) => e);
      expect(authErrorCode(error)).toBe('ERR_INVALID_GRANT');
      expect(String(error)).not.toContain(initial.refreshToken as string);
    }
    expect(as.counts.tokenRequests).toBe(1);
    expect(as.counts.error.get('invalid_grant')).toBe(1);
  });

  it('a revoked access token (401 invalid_token) is renewed once and the request sent again', async () => {
    const issued: string[] = [];
    const auth = service({ onTokens: (tokens) => void issued.push(tokens.accessToken as string) });
    const client = adapter.client(auth);
    expect((await client.request(`${as.resource}/api`)).status).toBe(200);
    await (await as.provider.ClientCredentials.find(issued[0] as string))?.destroy();
    expect((await client.request(`${as.resource}/api`)).status).toBe(200);
    expect(as.counts.success.get('client_credentials')).toBe(2);
    expect(as.resourceRequests).toEqual(['Bearer', 'Bearer', 'Bearer']);
  });
});

describe('oidc-provider: device authorization (RFC 8628), revocation (RFC 7009)', () => {
  const cli = () => new OAuth2Auth({ issuer: as.issuer, clientId: CLIENTS.cli.id, clientAuth: 'none' });

  it('device flow: the user code goes to the callback, polling ends when the user approves; the tokens work through every adapter', async () => {
    const auth = cli();
    const shown: string[] = [];
    const tokens = await auth.deviceAuthorization({
      scope: 'openid offline_access',
      onUserCode: async ({ userCode, verificationUri }) => {
        shown.push(verificationUri);
        await approveDevice(as.provider, userCode);
      },
    });
    expect(shown).toEqual([`${as.issuer}/device`]);
    expect(tokens.refreshToken).toBeDefined();
    expect(as.counts.success.get('urn:ietf:params:oauth:grant-type:device_code')).toBe(1);
    for (const adapter of adapters) {
      const response = await adapter.client(auth).request(`${as.resource}/api`);
      expect(response.status).toBe(200);
      expect(JSON.parse(text(response.body)).account).toBe('ada');
    }
    expect(as.counts.tokenRequests).toBe(1);
  });

  it('device flow: access_denied is ERR_OAUTH_ERROR naming it', async () => {
    const error = await cli()
      .deviceAuthorization({ onUserCode: ({ userCode }) => denyDevice(as.provider, userCode) })
      .catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_ERROR');
    expect(String(error)).toContain('access_denied');
  });

  it('device flow: an AbortSignal stops the polling with its reason', async () => {
    const controller = new AbortController();
    const error = await cli()
      .deviceAuthorization({ onUserCode: () => controller.abort(new Error('user quit')), signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe('user quit');
    expect(as.counts.tokenRequests).toBe(0);
  });

  it('revoke(): the refresh token is revoked at the server and forgotten; onTokens({}); the next request says sign in again', async () => {
    const initial = await signIn();
    as.reset();
    const saved: OAuth2Tokens[] = [];
    const auth = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: initial,
      onTokens: (tokens) => void saved.push(tokens),
    });
    await auth.revoke();
    expect(as.counts.revocations).toBe(1);
    expect(saved).toEqual([{}]);
    const error = await adapters[0]
      ?.client(auth)
      .request(`${as.resource}/api`)
      .catch((e: unknown) => e);
    expect(authErrorCode(error)).toBe('ERR_INVALID_GRANT');
    // The server forgot it too: another holder of that refresh token is refused.
    const other = new OAuth2Auth({
      issuer: as.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      tokens: { refreshToken: initial.refreshToken as string },
    });
    const refused = await adapters[0]
      ?.client(other)
      .request(`${as.resource}/api`)
      .catch((e: unknown) => e);
    expect(authErrorCode(refused)).toBe('ERR_INVALID_GRANT');
  });

  it('authorization code: a callback with another state is refused (ERR_OAUTH_RESPONSE) and no code is exchanged', async () => {
    const auth = cli();
    const request = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/callback', scope: 'openid' });
    const back = new URL(await approveInBrowser(request.url.href));
    expect(back.searchParams.get('iss')).toBe(as.issuer);
    back.searchParams.set('state', 'forged');
    const error = await auth.exchangeCode(back, request).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(String(error)).not.toContain(back.searchParams.get('code') as string);
    expect(as.counts.tokenRequests).toBe(0);
  });

  it('authorization code: a callback claiming another issuer (iss, RFC 9207) is refused', async () => {
    const auth = cli();
    const request = await auth.authorizationUrl({ redirectUri: 'http://127.0.0.1/callback', scope: 'openid' });
    const back = new URL(await approveInBrowser(request.url.href));
    back.searchParams.set('iss', 'https://evil.example');
    const error = await auth.exchangeCode(back, request).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(as.counts.tokenRequests).toBe(0);
  });
});

describe('oidc-provider with DPoP nonces (RFC 9449)', () => {
  let dpopServer: RunningAuthorizationServer;
  beforeAll(async () => {
    dpopServer = await startAuthorizationServer({ dpopNonces: true });
  });
  afterAll(async () => {
    await dpopServer?.close();
  });

  it.each(
    adapters,
  )('code flow with dpop: the token endpoint nonce answered once, DPoP-bound token sent as DPoP via $name', async (adapter) => {
    dpopServer.reset();
    const auth = new OAuth2Auth({
      issuer: dpopServer.issuer,
      clientId: CLIENTS.cli.id,
      clientAuth: 'none',
      dpop: true,
      // The token goes to the userinfo endpoint and to the API: two origins.
      origins: [dpopServer.issuer, dpopServer.resource],
    });
    const tokens = await signInWithLoopback(auth, {
      scope: 'openid offline_access',
      parameters: { prompt: 'consent' },
      open: async (url) => void (await fetch(await approveInBrowser(url))).body?.cancel(),
    });
    expect(tokens.tokenType).toBe('dpop');
    // RFC 9449 §8: the first token request got 400 use_dpop_nonce; the second, with the nonce, got the tokens.
    expect(dpopServer.counts.tokenRequests).toBe(2);
    expect(dpopServer.counts.success.get('authorization_code')).toBe(1);
    const client = adapter.client(auth);
    const me = await client.request(`${dpopServer.issuer}/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(text(me.body)).sub).toBe('ada');
    const api = adapter.client(auth);
    expect((await api.request(`${dpopServer.resource}/api`)).status).toBe(200);
    expect(dpopServer.resourceRequests).toEqual(['DPoP']);
  });
});
