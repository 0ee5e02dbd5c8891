// What the adapters built on fetch share (adapter-fetch, adapter-ky, axios's
// fetch adapter): Web APIs only, so it runs wherever fetch does.

// Reading a small body to its end returns the connection to the pool; past
// this many bytes cancelling (and losing the connection) is cheaper.
const DRAIN_LIMIT = 64 * 1024;

// What `new Request(request, init)` would copy from `request` besides method, headers and body.
const REQUEST_OPTIONS = [
  'cache',
  'credentials',
  'integrity',
  'keepalive',
  'mode',
  'referrer',
  'referrerPolicy',
  'signal',
] as const satisfies readonly (keyof Request & keyof RequestInit)[];

/**
 * Drain or cancel the body of a fetch `Response` the caller will never see,
 * so no connection leaks: an adapter's `Transport.discard`.
 *
 * @example
 * ```ts
 * import { discardResponseBody } from '@authbelt/core';
 * await discardResponseBody(new Response('401 body'));
 * ```
 */
export async function discardResponseBody(response: Response): Promise<void> {
  const reader = response.bodyUsed ? undefined : response.body?.getReader();
  try {
    for (let seen = 0; reader && seen <= DRAIN_LIMIT; ) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
    }
    await reader?.cancel();
  } catch {
    // A body that fails while being thrown away changes nothing for the caller.
  }
}

/**
 * Whether this runtime is a browser (a window or a web worker), where a
 * `redirect: 'manual'` response is opaque, so the client must follow
 * redirects itself.
 *
 * @example
 * ```ts
 * import { redirectsAreOpaque } from '@authbelt/core';
 * const follow = redirectsAreOpaque() ? 'client' : 'authbelt';
 * ```
 */
export function redirectsAreOpaque(): boolean {
  const scope = globalThis as { document?: unknown; importScripts?: unknown };
  return typeof scope.document !== 'undefined' || typeof scope.importScripts === 'function';
}

/**
 * The options of a `Request` that fetch would otherwise take from it, to
 * send the same request again with other headers or body.
 *
 * @example
 * ```ts
 * import { requestInitOf } from '@authbelt/core';
 * const init = requestInitOf(new Request('https://example.org/', { cache: 'no-store' }));
 * ```
 */
export function requestInitOf(request: Request): RequestInit {
  return Object.fromEntries(REQUEST_OPTIONS.map((name) => [name, request[name]]));
}

/**
 * Whether a fetch `Request` may carry a body: never with GET or HEAD (fetch
 * refuses one), else unless its `body` is `null`. Firefox has no
 * `Request.prototype.body` (it reads `undefined`), so there only reading the
 * body tells: read it with `request.clone().arrayBuffer()`, never through
 * `request.body`.
 *
 * @example
 * ```ts
 * import { requestMayHaveBody } from '@authbelt/core';
 * requestMayHaveBody(new Request('https://example.org/', { method: 'POST', body: 'x' })); // true
 * requestMayHaveBody(new Request('https://example.org/')); // false
 * ```
 */
export function requestMayHaveBody(request: Request): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
}
