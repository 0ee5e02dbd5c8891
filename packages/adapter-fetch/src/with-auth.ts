import {
  type AuthBase,
  AuthError,
  type AuthRequest,
  type AuthResponse,
  authenticate,
  discardResponseBody,
  redirectsAreOpaque,
  requestInitOf,
  requestMayHaveBody,
} from '@authbelt/core';
import { fetchBody, type LegInit } from './body.js';
import { proxyMarkOf } from './proxy-mark.js';

/** Options for {@link withAuth}. */
export interface WithAuthOptions {
  /**
   * Who follows redirects. `'authbelt'` (default outside browsers): the
   * fetch call uses `redirect: 'manual'` and authbelt follows each hop,
   * giving credentials only to the origins they belong to. `'client'`
   * (default in browsers, where a manual redirect is opaque): the client
   * follows them; browsers drop `Authorization` on a cross-origin redirect
   * but a scheme cannot see or answer a challenge after one.
   */
  redirects?: 'authbelt' | 'client';
  /** Requests one exchange may send before the last response is returned as it is (default 5). */
  maxLegs?: number | undefined;
}

const invalid = (message: string, cause?: unknown): AuthError =>
  new AuthError('ERR_INVALID_ARGUMENT', message, { cause });

/**
 * Wrap a `fetch` so every request goes through `auth`. The result has
 * `fetch`'s exact signature: pass a string, URL or Request and any init.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { BasicAuth } from '@authbelt/basic';
 *
 * const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
 * // const response = await authFetch('https://example.org/private');
 * ```
 */
export function withAuth(fetchFn: typeof fetch, auth: AuthBase, options: WithAuthOptions = {}): typeof fetch {
  if (typeof fetchFn !== 'function') throw invalid('withAuth needs a fetch function');
  if (typeof auth?.flow !== 'function') throw invalid('withAuth needs an AuthBase');
  const redirects = options.redirects ?? (redirectsAreOpaque() ? 'client' : 'authbelt');

  const authFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const source = input instanceof Request ? input : undefined;
    let url: string;
    try {
      // A relative URL is relative to the page, as in fetch.
      url = new URL(
        source ? source.url : (input as string | URL),
        (globalThis as { location?: { href?: string } }).location?.href,
      ).href;
    } catch (cause) {
      throw invalid('Invalid request URL', cause);
    }
    const request: AuthRequest = {
      method: (init?.method ?? source?.method ?? 'GET').toUpperCase(),
      url,
      headers: new Headers(init?.headers ?? source?.headers),
    };
    // Through a proxyDispatcher with no scheme of its own, proxy credentials
    // set here reach the proxy; one with a scheme answers the proxy itself
    // (once per request: a scheme here would spend a second Digest nc).
    const mark = proxyMarkOf((init as { dispatcher?: unknown } | undefined)?.dispatcher);
    if (mark !== undefined && !mark.answers) request.proxy = mark.proxy;
    const bodySource = init?.body !== undefined ? init.body : source && requestMayHaveBody(source) ? source : undefined;
    const body = bodySource == null ? undefined : fetchBody(bodySource);
    if (body) request.body = body;
    const redirect = init?.redirect ?? source?.redirect ?? 'follow';
    const followHere = redirects === 'authbelt' && redirect === 'follow';

    return authenticate(
      auth,
      request,
      {
        async send(leg: AuthRequest): Promise<Response> {
          const legInit: LegInit = {
            ...(source && requestInitOf(source)),
            ...init,
            method: leg.method,
            headers: leg.headers,
            redirect: followHere ? 'manual' : redirect,
            // The body goes in only through `wire` (a redirect to GET drops it).
            body: null,
          };
          if (body && leg.body === body) await body.wire(legInit);
          return fetchFn(leg.url, legInit);
        },
        view: (response: Response): AuthResponse => response,
        discard: discardResponseBody,
      },
      { redirect: followHere ? 'follow' : 'manual', maxLegs: options.maxLegs, signal: init?.signal ?? source?.signal },
    );
  };
  return authFetch as typeof fetch;
}
