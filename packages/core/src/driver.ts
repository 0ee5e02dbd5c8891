import type { AuthBase } from './auth-base.js';
import { AuthError, type AuthErrorCode, isAuthError } from './errors.js';
import { CREDENTIAL_HEADERS, REDIRECT_STATUSES, redirectRequest } from './redirect.js';
import type { AuthFlow, AuthRequest, AuthResponse } from './types.js';

/**
 * What an adapter gives the driver: how to send one request with its client,
 * how to view the client's response, and how to throw a response away.
 */
export interface Transport<R> {
  /** Send one request as it is (no redirects followed by the client). */
  send(request: AuthRequest): Promise<R>;
  /**
   * The client's response seen as an {@link AuthResponse}. The driver reads its
   * `headers` only where it needs them (a redirect's `Location`; a scheme reads
   * a challenge), so a view may build them on first read.
   */
  view(response: R): AuthResponse;
  /** Drain or cancel the body of a response the caller will never see, so no connection leaks. */
  discard(response: R): Promise<void>;
}

/** Options for {@link authenticate}. */
export interface AuthenticateOptions {
  /**
   * Requests one flow may send before its last response is handed back as it is.
   * Default 5: first try, answer, one `stale=true` answer, and room for a
   * preemptive answer the server no longer accepts.
   */
  maxLegs?: number | undefined;
  /** `follow` (default): the driver follows redirects, applying the credential scope rules. `manual`: redirects are returned. */
  redirect?: 'follow' | 'manual' | undefined;
  /** Redirects followed before `ERR_REDIRECT`. Default 20, as in Fetch. */
  maxRedirects?: number | undefined;
  /** Checked between legs, so an abort ends the exchange at once. */
  signal?: AbortSignal | null | undefined;
  /**
   * `request.url` as the adapter parsed it already, so the driver need not
   * parse it again (a URL parse is a sixth of what an adapter and the driver
   * add to a request). Used only when its `href` is `request.url`; the driver
   * does not change it.
   */
  url?: URL | undefined;
}

// Errors about a challenge the scheme cannot answer: the caller still gets the
// 401/407 (it is the server's answer), with the reason kept beside it.
const CHALLENGE_ERRORS: readonly AuthErrorCode[] = [
  'ERR_CHALLENGE_SYNTAX',
  'ERR_INVALID_CHALLENGE',
  'ERR_UNSUPPORTED_ALGORITHM',
  'ERR_UNSUPPORTED_QOP',
];

const reasons = new WeakMap<object, AuthError>();

const noProxy = (what: string): AuthError =>
  new AuthError(
    'ERR_NO_PROXY',
    `${what}: this request goes through no proxy the adapter knows (proxyDispatcher, axios's proxy)`,
  );

/**
 * The origin of the proxy `request` goes through, for a proxy scheme to call
 * before it adds credentials. Without one it throws `ERR_NO_PROXY`: thrown
 * before the flow's first request, the driver sends the request without
 * proxy credentials and keeps the reason for `authErrorOf`.
 *
 * @example
 * ```ts
 * import { AuthBase, type AuthFlow, type AuthRequest, requireProxy } from '@authbelt/core';
 *
 * class ProxyTokenAuth extends AuthBase {
 *   override async *flow(request: AuthRequest): AuthFlow {
 *     requireProxy(request);
 *     request.headers.set('Proxy-Authorization', 'Bearer proxy-token');
 *     yield request;
 *   }
 *   override appliesTo(): boolean {
 *     return true;
 *   }
 * }
 * ```
 */
export function requireProxy(request: AuthRequest): string {
  if (request.proxy === undefined) throw noProxy('Proxy credentials not sent');
  return request.proxy;
}

// Stryker disable next-line BlockStatement: a flow that yields nothing has the driver send the request as it is, as asIs does
async function* asIs(request: AuthRequest): AuthFlow {
  yield request;
}

/**
 * Why a scheme did not answer the challenge in `response`, when it could not
 * (`ERR_UNSUPPORTED_ALGORITHM`, `ERR_INVALID_CHALLENGE`, ...). The response
 * itself is returned to the caller as the server sent it.
 *
 * @example
 * ```ts
 * import { authErrorOf } from '@authbelt/core';
 * declare const response: Response;
 * if (response.status === 401) console.log(authErrorOf(response)?.code);
 * ```
 */
export function authErrorOf(response: object): AuthError | undefined {
  return reasons.get(response);
}

/**
 * Run `auth`'s flow for `request` over `transport`: send each request the
 * scheme yields, hand it the response, drain the responses the caller will
 * not see, follow redirects under the credential scope rules, and return the
 * last response. Adapters call this; users call their adapter.
 *
 * @example
 * ```ts
 * import { AuthBase, authenticate, type AuthRequest } from '@authbelt/core';
 *
 * class TokenAuth extends AuthBase {
 *   override authorize(request: AuthRequest): void {
 *     request.headers.set('X-TokenAuth', 'secret');
 *   }
 * }
 * const response = await authenticate(
 *   new TokenAuth(),
 *   { method: 'GET', url: 'http://127.0.0.1:8080/', headers: new Headers() },
 *   {
 *     send: (r) => fetch(r.url, { method: r.method, headers: r.headers, redirect: 'manual' }),
 *     view: (r) => r,
 *     discard: async (r) => { await r.body?.cancel(); },
 *   },
 * );
 * ```
 */
export async function authenticate<R>(
  auth: AuthBase,
  request: AuthRequest,
  transport: Transport<R>,
  options: AuthenticateOptions = {},
): Promise<R> {
  const { maxLegs = 5, maxRedirects = 20, signal } = options;
  const initialUrl = options.url?.href === request.url ? options.url : new URL(request.url);
  // The caller's own headers, before any scheme touched them: each hop starts from these.
  let userHeaders = new Headers(request.headers);
  // Whether a stream body has gone on the wire: it is never sent twice (nor resent empty).
  let streamSent = false;

  // Why proxy credentials were held back in this exchange, for authErrorOf.
  let declined: AuthError | undefined;
  // Send `next`, after draining `previous` (the response it answers). Refused,
  // the previous response stays undrained and goes to the caller on the error.
  // Not async: every request sends once, and an async wrapper would add a
  // promise and its ticks to each (what it throws, the awaiting code catches alike).
  const send = (next: AuthRequest, previous?: R): Promise<R> => {
    signal?.throwIfAborted();
    // Proxy credentials go only to a proxy the adapter knows (DESIGN.md): a
    // scheme's Proxy-Authorization on a request without one stays here.
    if (next.proxy === undefined) {
      const value = next.headers.get('proxy-authorization');
      if (value !== null && value !== userHeaders.get('proxy-authorization')) {
        next.headers.delete('proxy-authorization');
        declined ??= noProxy('Proxy-Authorization not sent');
      }
    }
    if (next.body && !next.body.replayable) {
      if (streamSent) {
        throw new AuthError('ERR_BODY_NOT_REPLAYABLE', 'A stream body cannot be sent twice', { response: previous });
      }
      streamSent = true;
    }
    if (previous === undefined) return transport.send(next);
    return (async () => {
      await transport.discard(previous);
      return transport.send(next);
    })();
  };

  // Headers a scheme set or changed: none of them follows a redirect.
  let schemeHeaders: Set<string> | undefined;
  let hop = request;

  for (let redirects = 0; ; redirects++) {
    // The first hop is the request itself, whose URL is parsed already (a URL
    // parse is a sixth of what an adapter and the driver add to a request).
    const hopUrl = hop === request ? initialUrl : new URL(hop.url);
    // Where our credentials do not belong the request goes as it is, and no challenge is answered.
    let flow = auth.appliesTo(hopUrl, initialUrl) ? auth.flow(hop) : asIs(hop);
    let response: R;
    // The view of the last response the flow saw: the driver reads it again below.
    let viewedResponse: R | undefined;
    let lastView: AuthResponse | undefined;
    let step: IteratorResult<AuthRequest, void> | undefined;
    try {
      try {
        step = await flow.next();
      } catch (error) {
        // A proxy scheme with no proxy to send to: the request goes without it.
        if (!isAuthError(error) || error.code !== 'ERR_NO_PROXY') throw error;
        declined ??= error;
        flow = asIs(hop);
        step = await flow.next();
      }
      // A flow that yields nothing still owes the caller the request.
      let sent = step.done ? hop : step.value;
      response = await send(sent);
      for (let leg = 1; !step.done && leg < maxLegs; leg++) {
        const view = transport.view(response);
        viewedResponse = response;
        lastView = view;
        // A 407 from what is not a proxy the adapter knows is not answered: it
        // would hand proxy credentials to whoever sent it.
        if (view.status === 407 && sent.proxy === undefined) {
          declined ??= noProxy('407 not answered');
          break;
        }
        try {
          step = await flow.next(view);
        } catch (error) {
          if (!isAuthError(error)) throw error;
          if (CHALLENGE_ERRORS.includes(error.code) && (view.status === 401 || view.status === 407)) {
            reasons.set(response as object, error);
            return response;
          }
          if (error.response === undefined) (error as { response: unknown }).response = response;
          throw error;
        }
        if (!step.done) {
          sent = step.value;
          response = await send(sent, response);
        }
      }
    } finally {
      // A flow cut short (leg cap, abort, transport error) gets to clean up;
      // one that has finished has nothing to clean up (return() would do nothing).
      if (step?.done !== true) await flow.return();
    }

    const view = viewedResponse === response && lastView ? lastView : transport.view(response);
    const { status } = view;
    // A view's headers are read only for a redirect: an adapter may build them on first read (axios's).
    const location =
      options.redirect === 'manual' || !REDIRECT_STATUSES.includes(status) ? null : view.headers.get('location');
    if (location === null) {
      if (declined !== undefined && !reasons.has(response as object)) reasons.set(response as object, declined);
      return response;
    }
    if (redirects >= maxRedirects) {
      throw new AuthError('ERR_REDIRECT', `More than ${maxRedirects} redirects`, { response });
    }
    // Only a redirect needs them, so only a redirect pays for comparing them.
    schemeHeaders ??= new Set();
    for (const [name, value] of hop.headers) if (userHeaders.get(name) !== value) schemeHeaders.add(name);
    hop = redirectRequest(hop, status, location, userHeaders, response);
    const leaves = new URL(hop.url).origin !== hopUrl.origin;
    for (const name of leaves ? [...CREDENTIAL_HEADERS, ...schemeHeaders] : schemeHeaders) hop.headers.delete(name);
    // What a hop left behind stays behind for good: the request-body headers
    // dropped with the body (Fetch deletes them from the request's own header
    // list), and, once the chain has left an origin, what the caller set for it.
    userHeaders = new Headers(hop.headers);
    await transport.discard(response);
  }
}
