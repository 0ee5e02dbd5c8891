import { Server } from 'node:http';
import { isAuthError } from '@authbelt/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OAuth2Auth } from '../oauth2-auth.js';
import { json, type ScriptServer, serveScripts } from '../script-server.test-helper.js';
import { signInWithLoopback } from './loopback.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});
afterEach(() => {
  vi.restoreAllMocks();
});

const auth = () =>
  new OAuth2Auth({
    tokenEndpoint: `${server.url}/token`,
    authorizationEndpoint: `${server.url}/authorize`,
    clientId: 'cli',
    clientAuth: 'none',
  });

describe('signInWithLoopback: what the listener answers', () => {
  it('answers 404 to anything but a GET of the callback path, and takes the code from the one that is', async () => {
    server.answer(() => json(200, { access_token: 'at', token_type: 'Bearer' }));
    const statuses: number[] = [];
    let page = '';
    let shown = new URL('http://x');
    const tokens = await signInWithLoopback(auth(), {
      callbackPath: '/done',
      scope: ['a', 'b'],
      parameters: { prompt: 'consent' },
      open: async (url) => {
        shown = new URL(url);
        const redirect = new URL(shown.searchParams.get('redirect_uri') as string);
        for (const [path, method] of [
          ['/callback', 'GET'],
          ['/done', 'POST'],
        ] as const) {
          const answer = await fetch(new URL(path, redirect), { method });
          statuses.push(answer.status);
          await answer.text();
        }
        redirect.searchParams.set('code', 'c');
        redirect.searchParams.set('state', shown.searchParams.get('state') as string);
        const done = await fetch(redirect);
        statuses.push(done.status);
        expect(done.headers.get('content-type')).toBe('text/html; charset=utf-8');
        page = await done.text();
      },
    });
    expect(statuses).toEqual([404, 404, 200]);
    expect(page).toContain('You can close this window');
    expect(tokens.accessToken).toBe('at');
    expect(shown.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/done$/);
    expect(shown.searchParams.get('scope')).toBe('a b');
    expect(shown.searchParams.get('prompt')).toBe('consent');
    expect(new URLSearchParams(server.seen[0]?.body).get('redirect_uri')).toBe(shown.searchParams.get('redirect_uri'));
  });

  it('without open, prints the sign-in URL on stderr', async () => {
    const controller = new AbortController();
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      controller.abort(new Error('stop'));
      return true;
    });
    const error = await signInWithLoopback(auth(), { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('stop');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^Sign in at ${server.url}/authorize\\?.*\\n$`));
  });

  it('an already aborted signal: its reason, nothing shown', async () => {
    const open = vi.fn();
    const error = await signInWithLoopback(auth(), { signal: AbortSignal.abort(new Error('early')), open }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe('early');
    expect(open).not.toHaveBeenCalled();
  });

  it('an error from the sign-in or from open goes to the caller as it is, and the listener is closed', async () => {
    const noEndpoint = new OAuth2Auth({ tokenEndpoint: `${server.url}/token`, clientId: 'cli', clientAuth: 'none' });
    const refused = await signInWithLoopback(noEndpoint, { open: () => {} }).catch((e: unknown) => e);
    expect(isAuthError(refused) && refused.code).toBe('ERR_INVALID_ARGUMENT');
    expect((refused as Error).message).toMatch(/authorization_endpoint/);
    const cause = new Error('no browser');
    let redirect = '';
    const failed = await signInWithLoopback(auth(), {
      open: (url) => {
        redirect = new URL(url).searchParams.get('redirect_uri') as string;
        throw cause;
      },
    }).catch((e: unknown) => e);
    expect(failed).toBe(cause);
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('a listener that cannot start is ERR_INVALID_ARGUMENT with the cause', async () => {
    const cause = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server) {
      queueMicrotask(() => this.emit('error', cause));
      return this;
    });
    const open = vi.fn();
    const error = await signInWithLoopback(auth(), { open }).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe('The loopback sign-in could not listen on 127.0.0.1');
    expect((error as Error).cause).toBe(cause);
    expect(open).not.toHaveBeenCalled();
  });
});
