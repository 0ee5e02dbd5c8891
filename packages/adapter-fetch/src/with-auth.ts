import {
  type AuthBase,
  AuthError,
  type AuthRequest,
  type AuthResponse,
  authenticate,
  checkOptions,
  type DiscardableResponse,
  discardResponseBody,
  headersForFetch,
  isAuthError,
  MAX_LEGS_RULE,
  redirectsAreOpaque,
  requestInitOf,
  requestMayHaveBody,
} from '@authbelt/core';
import { fetchBody, type LegInit } from './body.js';
import { proxyMarkOf } from './proxy-mark.js';
import { requestOf } from './request-input.js';

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

/**
 * The init `withAuth` gives each request it sends: the caller's own init,
 * with these set (the options of a `Request` input too). `body` is `null`,
 * the bytes of a body a scheme read or that must be sent the same each
 * time, or the caller's own body as it was given.
 *
 * @example
 * ```ts
 * import type { LegRequestInit } from '@authbelt/adapter-fetch';
 * const init: LegRequestInit = { method: 'GET', headers: new Headers(), redirect: 'manual', body: null };
 * ```
 */
export interface LegRequestInit {
  /** The request method, the caller's (GET when none was given). */
  method: string;
  /** The caller's headers with what the scheme set (`Authorization`, `Proxy-Authorization`). */
  headers: Headers;
  /** `'manual'` when authbelt follows redirects itself (see {@link WithAuthOptions.redirects}). */
  redirect: 'follow' | 'error' | 'manual';
  /** `null`, the bytes of a body a scheme read or that must be sent the same each time, or the caller's own body. */
  body: ArrayBuffer | null;
  /** Set for a stream body: what Node's fetch needs to send one. */
  duplex?: 'half';
  /** The caller's abort signal, for every request of the exchange. */
  signal?: AbortSignal | null;
  // Spelled out: Node's types (no DOM lib) have no RequestCache, RequestMode and the like.
  /** The caller's `cache`, as fetch's `RequestInit` has it. */
  cache?: 'default' | 'force-cache' | 'no-cache' | 'no-store' | 'only-if-cached' | 'reload';
  /** The caller's `credentials` (cookies in browsers), as fetch's `RequestInit` has it. */
  credentials?: 'include' | 'omit' | 'same-origin';
  /** The caller's subresource `integrity`, as fetch's `RequestInit` has it. */
  integrity?: string;
  /** The caller's `keepalive`, as fetch's `RequestInit` has it. */
  keepalive?: boolean;
  /** The caller's `mode` (browsers), as fetch's `RequestInit` has it. */
  mode?: 'cors' | 'navigate' | 'no-cors' | 'same-origin';
  /** The caller's `referrer`, as fetch's `RequestInit` has it. */
  referrer?: string;
  /** The caller's `referrerPolicy`, as fetch's `RequestInit` has it. */
  referrerPolicy?:
    | ''
    | 'no-referrer'
    | 'no-referrer-when-downgrade'
    | 'origin'
    | 'origin-when-cross-origin'
    | 'same-origin'
    | 'strict-origin'
    | 'strict-origin-when-cross-origin'
    | 'unsafe-url';
}

/**
 * What `withAuth` reads of a response: a fetch `Response` of any fetch (the
 * platform's, undici's).
 *
 * @example
 * ```ts
 * import type { FetchResponseLike } from '@authbelt/adapter-fetch';
 * const response: FetchResponseLike = new Response('hello');
 * ```
 */
export interface FetchResponseLike extends DiscardableResponse {
  /** The HTTP status code. */
  readonly status: number;
  /** The URL that answered. */
  readonly url: string;
  /** The response headers. */
  readonly headers: Headers;
}

/**
 * A function shaped like fetch, as `withAuth` calls it: an absolute URL
 * string and a {@link LegRequestInit}, resolving to a response. The global
 * `fetch` of every runtime and undici's `fetch` fit.
 *
 * @example
 * ```ts
 * import type { FetchFunction } from '@authbelt/adapter-fetch';
 * const logged: FetchFunction = (input, init) => {
 *   console.log(init.method, input);
 *   return fetch(input, init);
 * };
 * ```
 */
export type FetchFunction = (input: string, init: LegRequestInit) => Promise<FetchResponseLike>;

const invalid = (message: string): AuthError => new AuthError('ERR_INVALID_ARGUMENT', message);

const OPTION_RULES = {
  redirects: [(value: unknown) => value === 'authbelt' || value === 'client', "'authbelt' or 'client'"],
  maxLegs: MAX_LEGS_RULE,
} as const;

/**
 * Wrap a `fetch` so every request goes through `auth`. The result has the
 * type of the fetch you pass (the global one, undici's with its
 * `dispatcher`, your own): pass a string, URL or Request and any init.
 * Errors are fetch's: a URL that does not parse is a `TypeError`, and so is
 * a redirect that cannot be followed (its `cause` an `AuthError`
 * `ERR_REDIRECT`). Bad options are `ERR_INVALID_ARGUMENT` here, at once.
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
export function withAuth<F extends FetchFunction>(fetchFn: F, auth: AuthBase, options: WithAuthOptions = {}): F {
  if (typeof fetchFn !== 'function') throw invalid('withAuth needs a fetch function');
  if (typeof auth?.flow !== 'function') throw invalid('withAuth needs an AuthBase');
  checkOptions('withAuth', options, OPTION_RULES);
  const redirects = options.redirects ?? (redirectsAreOpaque() ? 'client' : 'authbelt');

  const authFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<FetchResponseLike> => {
    const source = requestOf(input);
    let url: URL;
    try {
      // A relative URL is relative to the page, as in fetch.
      url = new URL(
        source ? source.url : (input as string | URL),
        (globalThis as { location?: { href?: string } }).location?.href,
      );
    } catch (cause) {
      // What fetch throws for a URL it cannot parse, in Node's words, naming the URL.
      throw new TypeError(`Failed to parse URL from ${String(input)}`, { cause });
    }
    const request: AuthRequest = {
      method: (init?.method ?? source?.method ?? 'GET').toUpperCase(),
      url: url.href,
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

    try {
      return await authenticate<FetchResponseLike>(
        auth,
        request,
        {
          async send(leg: AuthRequest): Promise<FetchResponseLike> {
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
            // Header octets as this runtime's fetch takes them (workerd: as UTF-8 text).
            legInit.headers = headersForFetch(legInit.headers);
            // The body is null, bytes, or the caller's own, which the caller's fetch takes.
            return fetchFn(leg.url, legInit as LegRequestInit);
          },
          view: (response: FetchResponseLike): AuthResponse => response,
          discard: discardResponseBody,
        },
        {
          redirect: followHere
            ? // Stryker disable next-line StringLiteral: core's driver follows unless told 'manual', so '' reads as 'follow'
              'follow'
            : 'manual',
          maxLegs: options.maxLegs,
          signal: init?.signal ?? source?.signal,
          url,
        },
      );
    } catch (error) {
      // Fetch fails a redirect it cannot follow (too many, a Location that is
      // not http(s)) with a network error: a TypeError. So do we, our reason
      // (and the response) on its cause, as Node's fetch keeps its own there.
      if (isAuthError(error) && error.code === 'ERR_REDIRECT') throw new TypeError('fetch failed', { cause: error });
      throw error;
    }
  };
  // The same type as the fetch passed: every input and init it takes is handed
  // on to it, and its own properties come along (Bun's `fetch.preconnect`),
  // but none a function already has (`name`, `length`, `call`...).
  const extras: Record<string, unknown> = {};
  for (const key of Object.keys(fetchFn))
    if (!(key in authFetch)) extras[key] = (fetchFn as Record<string, unknown>)[key];
  return Object.assign(authFetch, extras) as unknown as F;
}
