import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from '@authbelt/core';
import type { OAuth2Auth } from '../oauth2-auth.js';
import type { OAuth2Tokens } from '../options.js';

/** Options for {@link signInWithLoopback}. */
export interface LoopbackSignInOptions {
  /** Shows the sign-in URL to the user: open a browser, print it. Default: printed on stderr. */
  open?: (url: string) => void | Promise<void>;
  /** Scope for this sign-in; default the scheme's `scope`. */
  scope?: string | readonly string[];
  /** More authorization request parameters (`prompt`, `login_hint`, ...). */
  parameters?: Readonly<Record<string, string>>;
  /** Stops waiting for the browser; the listener is closed and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The path the browser is sent back to. Default `/callback`. */
  callbackPath?: string;
}

// The base a request target is read against (only its path and query are used).
const LISTENER = 'http://127.0.0.1';

const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Signed in</title><p>You can close this window and return to the terminal.</p>';

/**
 * Sign in a command-line tool with the authorization code flow and PKCE
 * through a loopback redirect (RFC 8252 §7.3): listen on 127.0.0.1 and an
 * ephemeral port, show the authorization URL, take the code from the one
 * request the browser makes back, close the listener, and exchange the
 * code. The modern form of the out-of-band "paste the code" flow. The
 * scheme then holds the tokens (and renews them with the refresh token).
 *
 * @example
 * ```ts
 * import { OAuth2Auth } from '@authbelt/oauth2';
 * import { signInWithLoopback } from '@authbelt/oauth2/node';
 *
 * const auth = new OAuth2Auth({ issuer: 'https://auth.example.org', clientId: 'my-cli', clientAuth: 'none' });
 * const tokens = await signInWithLoopback(auth, { open: (url) => console.log(`Sign in at ${url}`) });
 * ```
 */
export async function signInWithLoopback(auth: OAuth2Auth, options: LoopbackSignInOptions = {}): Promise<OAuth2Tokens> {
  const { signal, callbackPath = '/callback' } = options;
  signal?.throwIfAborted();
  let settle: { resolve: (url: URL) => void; reject: (reason: unknown) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // An abort before the wait (while the URL is made or open runs) rejects this with no one awaiting it yet:
  // handled here, so it is no unhandled rejection (which ends a Node program); the wait still sees it.
  callback.catch(() => {});
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Read against our own address, never the Host header: any local process can send a Host or a
    // request target that is no URL, and that must not throw here (it would end the whole program).
    // Stryker disable next-line StringLiteral: a request an http.Server hands over always has a url; the fallback is for the type
    const target = request.url ?? '/';
    const url = URL.canParse(target, LISTENER) ? new URL(target, LISTENER) : undefined;
    if (request.method !== 'GET' || url?.pathname !== callbackPath) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' }).end(DONE_PAGE);
    // Stryker disable next-line OptionalChaining: the promise's executor has set settle before any request can come
    settle?.resolve(url);
  });
  // Stryker disable next-line OptionalChaining: settle is set by the promise's executor, and onAbort listens only on a signal
  const onAbort = () => settle?.reject(signal?.reason);
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener is removed when the sign-in ends
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // RFC 8252 §8.3: the loopback IP literal, not "localhost"; §7.3: any port, chosen by the OS.
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) =>
        reject(
          new AuthError('ERR_INVALID_ARGUMENT', 'The loopback sign-in could not listen on 127.0.0.1', { cause: error }),
        ),
      );
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const redirectUri = `http://127.0.0.1:${port}${callbackPath}`;
    const request = await auth.authorizationUrl({
      redirectUri,
      ...(options.scope === undefined ? {} : { scope: options.scope }),
      ...(options.parameters === undefined ? {} : { parameters: options.parameters }),
    });
    const show = options.open ?? ((url: string) => void process.stderr.write(`Sign in at ${url}\n`));
    await show(request.url.href);
    const received = await callback;
    return await auth.exchangeCode(new URL(received.pathname + received.search, redirectUri), request);
  } catch (error) {
    // Aborted: the signal's reason, whatever the wait ended with. Else the error as it is (open's own included).
    if (signal?.aborted) throw signal.reason;
    throw error;
  } finally {
    // Stryker disable next-line StringLiteral: a listener left behind would only reject a promise already settled
    signal?.removeEventListener('abort', onAbort);
    server.closeAllConnections();
    server.close();
  }
}
