import {
  type AuthBase,
  type AuthRequest,
  type AuthResponse,
  authenticate,
  discardResponseBody,
  headersForFetch,
  isAuthError,
  redirectsAreOpaque,
  requestInitOf,
  requestMayHaveBody,
} from '@authbelt/core';
import { RequestBody } from './request-body.js';

/**
 * The shape of ky's `fetch` option (ky 1 and 2): what ky calls with its `Request`.
 *
 * @example
 * ```ts
 * import type { FetchLike } from '@authbelt/adapter-ky';
 * const myFetch: FetchLike = (input, init) => fetch(input, init);
 * ```
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * Options shared by `withAuth` and `authHooks` from `@authbelt/adapter-ky`.
 *
 * @example
 * ```ts
 * import type { KyAuthOptions } from '@authbelt/adapter-ky';
 * const options: KyAuthOptions = { redirects: 'authbelt', maxLegs: 5 };
 * ```
 */
export interface KyAuthOptions {
  /**
   * Who follows redirects. `'authbelt'` (default outside browsers): each leg
   * is fetched with `redirect: 'manual'` and authbelt follows each hop,
   * giving credentials only to the origins they belong to. `'client'`
   * (default in browsers, where a manual redirect is opaque): fetch follows
   * them; a scheme cannot answer a challenge after one.
   */
  redirects?: 'authbelt' | 'client';
  /** Requests one exchange may send before the last response is returned as it is (default 5). */
  maxLegs?: number | undefined;
}

/**
 * A fetch that runs `auth`'s exchange through core's driver, sending each
 * leg with `inner` (resolved when called, so a late-installed global fetch
 * is seen). This is what ky calls in place of its `fetch`: ky's timeout,
 * retries, hooks and `throwHttpErrors` wrap the whole exchange.
 */
export function authFetch(auth: AuthBase, inner: FetchLike | undefined, options: KyAuthOptions): FetchLike {
  // authbelt follows with 'authbelt', or by default where a manual redirect is not opaque (outside browsers).
  const authbeltFollows = options.redirects === undefined ? !redirectsAreOpaque() : options.redirects === 'authbelt';
  return async (input, init) => {
    const fetchFn: FetchLike = inner ?? ((i, o) => globalThis.fetch(i, o));
    const ownRealm = inner === undefined || inner === globalThis.fetch;
    // ky always passes a Request, with only non-Request options (e.g. `dispatcher`) in init.
    const source = input instanceof Request ? input : new Request(input, init);
    const url = new URL(source.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetchFn(input, init);

    const href = url.href;
    const request: AuthRequest = { method: source.method, url: href, headers: new Headers(source.headers) };
    const body = requestMayHaveBody(source) ? new RequestBody(source) : undefined;
    if (body !== undefined) request.body = body;
    const followHere = authbeltFollows && source.redirect === 'follow';

    try {
      return await authenticate<Response>(
        auth,
        request,
        {
          async send(leg: AuthRequest): Promise<Response> {
            // A leg with ky's own URL and no body is ky's Request with our headers
            // and redirect mode: handed to this realm's fetch as it is, fetch takes
            // every other option from it, as it would from ky, without reading each
            // one out. Another fetch (undici's own, say) may not know this realm's
            // Request: it gets the URL and every option spelled out.
            // Stryker disable next-line BlockStatement: without the fast path the leg goes the spelled-out way below, the same request (this realm's fetch takes both)
            if (ownRealm && leg.url === href && body === undefined) {
              return fetchFn(source, {
                ...init,
                method: leg.method,
                headers: headersForFetch(leg.headers),
                redirect: followHere ? 'manual' : source.redirect,
              });
            }
            const legInit: RequestInit = {
              ...requestInitOf(source),
              ...init,
              method: leg.method,
              headers: headersForFetch(leg.headers),
              redirect: followHere ? 'manual' : source.redirect,
            };
            if (leg.body instanceof RequestBody) legInit.body = (await leg.body.bytes()) as BodyInit;
            return fetchFn(leg.url, legInit);
          },
          view: (response: Response): AuthResponse => response,
          discard: discardResponseBody,
        },
        {
          redirect: followHere
            ? // Stryker disable next-line StringLiteral: core's driver follows unless told 'manual', so '' reads as 'follow'
              'follow'
            : 'manual',
          maxLegs: options.maxLegs,
          signal: source.signal,
          url,
        },
      );
    } catch (error) {
      // A redirect fetch cannot follow (too many, a Location that is not
      // http(s)) is fetch's network error, a TypeError; ours is too, with the
      // reason as its cause, so ky sees what it sees from fetch.
      if (isAuthError(error) && error.code === 'ERR_REDIRECT') throw new TypeError('fetch failed', { cause: error });
      throw error;
    }
  };
}
