import { type AuthBase, AuthError, type AuthRequest, type AuthResponse, authenticate } from '@authbelt/core';
import { Agent, buildConnector, Dispatcher, Pool } from 'undici';
import { PROXY_MARK, type ProxyMark } from '../proxy-mark.js';
import { AbsoluteFormDispatcher } from './absolute-form.js';

/** Options for {@link proxyDispatcher}. */
export interface ProxyDispatcherOptions {
  /** The proxy, e.g. `http://127.0.0.1:3128`. Credentials in the URL are refused: pass a scheme as `auth`. */
  proxy: string | URL;
  /**
   * Answers the proxy's 407: `ProxyDigestAuth` or `ProxyBasicAuth`, for
   * plain-http targets (absolute-form) and https targets (CONNECT) alike.
   */
  auth?: AuthBase;
  /** TLS options for connections to https targets through the tunnel (e.g. `ca`). */
  requestTls?: buildConnector.BuildOptions;
  /** Options for the underlying undici Agent. */
  agent?: Agent.Options;
}

type Connect = (options: buildConnector.Options, callback: buildConnector.Callback) => void;

interface ConnectResult extends AuthResponse {
  socket: import('node:stream').Duplex;
}

// undici's parsed response headers: a string, or a list for a repeated name.
function headersFrom(raw: Record<string, string | string[]>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * A Node undici dispatcher that sends every request through an HTTP proxy and
 * answers the proxy's 407 with `auth`, leg by leg through core's driver:
 * plain-http targets go in absolute-form, https targets through a CONNECT
 * tunnel. Proxy credentials go to the proxy only, never inside the tunnel.
 * fetch turns a 407 into a network error, which is why the proxy's
 * challenge is met here, below fetch; the origin's 401 is `withAuth`'s.
 * Credentials the proxy does not accept end the call with an `AuthError`
 * `ERR_PROXY_AUTHENTICATION` (the `cause` of fetch's TypeError).
 *
 * Node only (it needs `undici`, an optional peer dependency). Works with
 * Node's global `fetch` and with undici's own.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { proxyDispatcher } from '@authbelt/adapter-fetch/proxy';
 * import { BasicAuth, ProxyBasicAuth } from '@authbelt/basic';
 * import { fetch } from 'undici';
 *
 * const dispatcher = proxyDispatcher({
 *   proxy: 'http://127.0.0.1:3128',
 *   auth: new ProxyBasicAuth('proxyuser', 'proxypass'),
 * });
 * const authFetch = withAuth(fetch, new BasicAuth('user', 'pass'));
 * // await authFetch('https://example.org/', { dispatcher });
 * ```
 */
export function proxyDispatcher(options: ProxyDispatcherOptions): Dispatcher {
  let proxy: URL;
  try {
    proxy = new URL(options.proxy);
  } catch (cause) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'proxyDispatcher needs a valid proxy URL', { cause });
  }
  if (proxy.protocol !== 'http:') {
    throw new AuthError('ERR_INVALID_ARGUMENT', `proxyDispatcher supports http:// proxies, not ${proxy.protocol}`);
  }
  if (proxy.username !== '' || proxy.password !== '') {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'Give proxy credentials as a scheme (auth), not in the proxy URL');
  }
  const auth = options.auth;
  const pool = new Pool(proxy.origin);
  const plain = new AbsoluteFormDispatcher(pool, auth, proxy.origin);
  const tunnelConnector = buildTunnelConnector(proxy, auth, options.requestTls);
  const tunnels = new Agent({ ...options.agent, connect: tunnelConnector });

  class ProxyRouter extends Dispatcher {
    override dispatch(dispatchOptions: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const protocol = new URL(String(dispatchOptions.origin)).protocol;
      return (protocol === 'https:' ? tunnels : plain).dispatch(dispatchOptions, handler);
    }
    override async close(): Promise<void> {
      await Promise.all([plain.close(), tunnels.close()]);
    }
    override async destroy(): Promise<void> {
      await Promise.all([plain.destroy(), tunnels.destroy()]);
    }
  }
  const router = new ProxyRouter();
  // What withAuth reads to know the proxy a request goes through (see PROXY_MARK in with-auth.ts).
  const mark: ProxyMark = { proxy: proxy.origin, answers: auth !== undefined };
  Object.defineProperty(router, PROXY_MARK, { value: mark });
  return router;
}

function buildTunnelConnector(
  proxy: URL,
  auth: AuthBase | undefined,
  requestTls: ProxyDispatcherOptions['requestTls'],
): Connect {
  const tlsConnect = buildConnector({ ...requestTls });
  return (connectOptions, callback) => {
    // Only https targets come here (the router sends the rest in absolute-form).
    const authority = `${connectOptions.hostname}:${connectOptions.port || 443}`;
    const request: AuthRequest = {
      method: 'CONNECT',
      url: `${connectOptions.protocol}//${authority}/`,
      target: authority,
      headers: new Headers({ host: authority }),
      proxy: proxy.origin,
    };
    const transport = {
      async send(leg: AuthRequest): Promise<ConnectResult> {
        // Each leg gets its own connection: after a 407 the proxy may close it.
        // Stryker disable next-line ObjectLiteral: this Pool makes one CONNECT and is closed, so it never opens a second connection either way
        const client = new Pool(proxy.origin, { connections: 1 });
        const result = await client.connect({
          path: authority,
          headers: Object.fromEntries(leg.headers),
          responseHeaders: null,
        });
        void client.close().catch(() => {});
        return {
          status: result.statusCode,
          url: leg.url,
          headers: headersFrom(result.headers as Record<string, string | string[]>),
          socket: result.socket,
        };
      },
      view: (result: ConnectResult): AuthResponse => result,
      async discard(result: ConnectResult): Promise<void> {
        result.socket.destroy();
      },
    };
    const run =
      auth === undefined ? transport.send(request) : authenticate(auth, request, transport, { redirect: 'manual' });
    run.then(
      (result) => {
        if (result.status !== 200) {
          result.socket.destroy();
          callback(
            new AuthError('ERR_PROXY_AUTHENTICATION', `The proxy answered CONNECT with ${result.status}`, {
              response: { status: result.status, url: result.url, headers: result.headers },
            }),
            null,
          );
          return;
        }
        tlsConnect({ ...connectOptions, httpSocket: result.socket as never }, callback);
      },
      (error: unknown) => callback(error as Error, null),
    );
  };
}
