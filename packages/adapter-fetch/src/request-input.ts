import { requestMayHaveBody } from '@authbelt/core';

/**
 * `input` as this runtime's `Request` when it is a Request at all: the
 * platform's own as it is, or a copy of one made by another fetch (undici's
 * own package, another realm), which `instanceof Request` does not know and
 * `new URL()` would read as "[object Request]". `undefined` for a string or
 * a URL.
 */
export function requestOf(input: unknown): Request | undefined {
  if (input instanceof Request) return input;
  if (typeof input !== 'object' || input === null || input instanceof URL) return undefined;
  const other = input as Request;
  if (typeof other.url !== 'string' || typeof other.method !== 'string' || typeof other.clone !== 'function') {
    return undefined;
  }
  const init: RequestInit & { duplex?: 'half' } = {
    method: other.method,
    headers: new Headers(other.headers),
    redirect: other.redirect,
    cache: other.cache,
    credentials: other.credentials,
    integrity: other.integrity,
    keepalive: other.keepalive,
    referrerPolicy: other.referrerPolicy,
  };
  // A signal of another realm is refused by this realm's Request.
  if (other.signal instanceof AbortSignal) init.signal = other.signal;
  if (requestMayHaveBody(other)) {
    // Its stream, taken over (as fetch takes a Request's body); the copy can be read again through clone().
    init.body = other.body;
    init.duplex = 'half';
  }
  return new Request(other.url, init);
}
