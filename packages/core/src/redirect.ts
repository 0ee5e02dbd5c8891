import { AuthError } from './errors.js';
import type { AuthRequest } from './types.js';

/** Statuses a client follows (RFC 9110 §15.4). */
export const REDIRECT_STATUSES: readonly number[] = [301, 302, 303, 307, 308];

// Headers that carry credentials whoever set them. Fetch drops only
// Authorization on a cross-origin redirect; DESIGN.md asks for none of any kind.
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'cookie2'];

/**
 * The request for the next hop of a redirect (`status` is one of
 * {@link REDIRECT_STATUSES}), per RFC 9110 §15.4 and the Fetch standard's
 * HTTP-redirect fetch: 303 (and 301/302 after POST) become a body-less GET;
 * 307/308 keep method and body.
 *
 * `headers` are the caller's own headers (before any scheme touched them).
 * A Location that is not an http(s) URL is `ERR_REDIRECT`, carrying `response`.
 */
export function redirectRequest(
  previous: AuthRequest,
  status: number,
  location: string,
  headers: Headers,
  response: unknown,
): AuthRequest {
  let url: URL | undefined;
  try {
    url = new URL(location, previous.url);
  } catch {
    // Not a URL at all: refused below like any other that is not http(s).
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new AuthError('ERR_REDIRECT', 'Redirect Location is not an http(s) URL', { response });
  }
  // Fetch keeps the fragment of the previous URL when Location has none
  // (an empty one counts as none: fragments never go on the wire).
  url.hash ||= new URL(previous.url).hash;
  const { method, body } = previous;
  // 301 and 302 are the statuses up to 302 here. Neither rule turns a HEAD into a GET.
  const dropBody = status === 303 ? method !== 'HEAD' : status <= 302 && method === 'POST';
  const next: AuthRequest = { method: dropBody ? 'GET' : method, url: url.href, headers: new Headers(headers) };
  // Every hop goes through the same proxy, as the client's proxy settings say.
  if (previous.proxy !== undefined) next.proxy = previous.proxy;
  if (dropBody) {
    // Fetch standard, "request-body-header name": dropped with the body.
    for (const name of ['type', 'length', 'encoding', 'language', 'location']) next.headers.delete(`content-${name}`);
  } else if (body) {
    next.body = body;
  }
  return next;
}
