import { existsSync, readFileSync } from 'node:fs';
import { Server } from 'node:http';
import { connect } from 'node:net';
import { isAuthError } from '@authbelt/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
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

/** Sends `request` as it is to 127.0.0.1:`port`; the first line of the answer. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('end', () => resolve(answer.split('\r\n')[0] as string));
    socket.on('error', reject);
  });
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

  // Read from the kernel's socket tables rather than by connecting to another
  // address (the tests talk to 127.0.0.1 only): Linux lists each listening
  // socket with its address, 127.0.0.1 as 0100007F; one bound to every address
  // shows as 00000000 (or :: in tcp6).
  it.runIf(existsSync('/proc/net/tcp'))(
    'listens on 127.0.0.1 only (RFC 8252 §8.3): its one listening socket is bound to 127.0.0.1, not every address',
    async () => {
      server.answer(() => json(200, { access_token: 'at', token_type: 'Bearer' }));
      let bound: string[] = [];
      let hexPort = '';
      await signInWithLoopback(auth(), {
        open: async (url) => {
          const { port } = new URL(new URL(url).searchParams.get('redirect_uri') as string);
          hexPort = Number(port).toString(16).toUpperCase().padStart(4, '0');
          bound = ['/proc/net/tcp', '/proc/net/tcp6']
            .filter((table) => existsSync(table))
            .flatMap((table) => readFileSync(table, 'latin1').split('\n').slice(1))
            .map((line) => line.trim().split(/\s+/))
            // local_address is the second column, the state (0A: LISTEN) the fourth.
            .filter((columns) => columns[1]?.endsWith(`:${hexPort}`) && columns[3] === '0A')
            .map((columns) => columns[1] as string);
          await comeBack(url);
        },
      });
      expect(bound).toEqual([`0100007F:${hexPort}`]);
    },
  );

  it('aborted while open runs: the signal’s reason, not what open then throws, and no unhandled rejection', async () => {
    const controller = new AbortController();
    const error = await signInWithLoopback(auth(), {
      signal: controller.signal,
      open: () => {
        controller.abort(new Error('user gave up'));
        throw new Error('no browser');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('user gave up');
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

afterEach(() => {
  vi.restoreAllMocks();
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
        // The browser is told the connection ends with this page: nothing stays open to a listener that is closing.
        expect(done.headers.get('connection')).toBe('close');
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

  it('a request that is no URL (its Host, or its target) is answered 404, and the sign-in goes on', async () => {
    server.answer(() => json(200, { access_token: 'at', token_type: 'Bearer' }));
    const firstLines: string[] = [];
    const tokens = await signInWithLoopback(auth(), {
      open: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri') as string);
        for (const head of [
          'GET /favicon.ico HTTP/1.1\r\nHost: a b',
          'GET http://[/callback HTTP/1.1\r\nHost: 127.0.0.1',
        ]) {
          firstLines.push(await rawRequest(Number(redirect.port), `${head}\r\nConnection: close\r\n\r\n`));
        }
        await comeBack(url);
      },
    });
    expect(firstLines).toEqual(['HTTP/1.1 404 Not Found', 'HTTP/1.1 404 Not Found']);
    expect(tokens.accessToken).toBe('at');
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
