import { isAuthError } from '@authbelt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAuth2Auth } from '../oauth2-auth.js';
import { json, type ScriptServer, startScriptServer } from '../script-server.test-helper.js';
import { signInWithLoopback } from './loopback.js';

let server: ScriptServer;
beforeAll(async () => {
  server = await startScriptServer();
});
afterAll(async () => {
  await server.close();
});

const auth = () =>
  new OAuth2Auth({
    tokenEndpoint: `${server.url}/token`,
    authorizationEndpoint: `${server.url}/authorize`,
    clientId: 'cli',
    clientAuth: 'none',
  });

/** The browser: comes back to the redirect URI with a code and the given state. */
async function comeBack(url: string, state?: string): Promise<string> {
  const request = new URL(url);
  const redirect = new URL(request.searchParams.get('redirect_uri') as string);
  redirect.searchParams.set('code', 'the-code');
  redirect.searchParams.set('state', state ?? (request.searchParams.get('state') as string));
  const answer = await fetch(redirect);
  expect(answer.status).toBe(200);
  await answer.text();
  return redirect.origin;
}

describe('signInWithLoopback (RFC 8252)', () => {
  it('listens on 127.0.0.1 and an ephemeral port, takes the code, exchanges it with the PKCE verifier, closes the listener', async () => {
    server.answer(() => json(200, { access_token: 'at', token_type: 'Bearer', refresh_token: 'rt', expires_in: 60 }));
    let shown = '';
    let listener = '';
    const tokens = await signInWithLoopback(auth(), {
      scope: 'openid',
      open: async (url) => {
        shown = url;
        listener = await comeBack(url);
      },
    });
    expect(tokens).toMatchObject({ accessToken: 'at', refreshToken: 'rt' });
    const sent = new URL(shown);
    expect(sent.origin + sent.pathname).toBe(`${server.url}/authorize`);
    expect(sent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(sent.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const exchange = new URLSearchParams(server.seen[0]?.body);
    expect(exchange.get('grant_type')).toBe('authorization_code');
    expect(exchange.get('code')).toBe('the-code');
    expect(exchange.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(exchange.get('redirect_uri')).toBe(sent.searchParams.get('redirect_uri'));
    // The listener is gone.
    await expect(fetch(`${listener}/callback`)).rejects.toThrow();
  });

  it('a callback with another state is ERR_OAUTH_RESPONSE, no code exchanged, the listener closed', async () => {
    server.answer(() => json(200, { access_token: 'at', token_type: 'Bearer' }));
    let listener = '';
    const error = await signInWithLoopback(auth(), {
      open: async (url) => {
        listener = await comeBack(url, 'forged');
      },
    }).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(String(error)).not.toContain('the-code');
    expect(server.seen).toHaveLength(0);
    await expect(fetch(`${listener}/callback`)).rejects.toThrow();
  });

  it('an AbortSignal stops the wait and closes the listener', async () => {
    const controller = new AbortController();
    let redirect = '';
    const error = await signInWithLoopback(auth(), {
      signal: controller.signal,
      open: (url) => {
        redirect = new URL(url).searchParams.get('redirect_uri') as string;
        controller.abort(new Error('user gave up'));
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('user gave up');
    await expect(fetch(redirect)).rejects.toThrow();
  });
});
