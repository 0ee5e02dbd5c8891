import type { AuthFlow, AuthRequest } from './types.js';

/**
 * The base of every scheme, as in Python's `requests.auth.AuthBase`.
 *
 * A static scheme (a token, an API key, Basic) overrides only
 * {@link AuthBase.authorize}. A challenge scheme (Digest) overrides
 * {@link AuthBase.flow} and sees every response of the exchange.
 *
 * @example
 * ```ts
 * import { AuthBase, type AuthRequest } from '@authbelt/core';
 *
 * class TokenAuth extends AuthBase {
 *   constructor(private readonly token: string) {
 *     super();
 *   }
 *   override authorize(request: AuthRequest): void {
 *     request.headers.set('X-TokenAuth', this.token);
 *   }
 * }
 * const auth = new TokenAuth('secret');
 * ```
 */
export abstract class AuthBase {
  /** Edit the request before it is sent (requests' `__call__`). The default does nothing. */
  authorize(_request: AuthRequest): void | Promise<void> {}

  /**
   * The whole exchange. The default authorizes the request and sends it once.
   * Yield a request to send it; the value you receive is its response.
   */
  async *flow(request: AuthRequest): AuthFlow {
    await this.authorize(request);
    yield request;
  }

  /**
   * Whether this scheme's credentials may go to `url`, given the URL the
   * exchange started at. The default allows only the starting origin
   * (scheme, host, effective port): a redirect elsewhere, or from https to
   * http, carries none of our credentials and none the user set.
   */
  appliesTo(url: URL, initialUrl: URL): boolean {
    // The first hop is handed in as the initial URL itself: no origin to serialize
    // (two origin getters cost a hundred times an identity check). Object.is, not
    // ===: Stryker turns no call into `false`, a mutant that only skips this shortcut.
    return Object.is(url, initialUrl) || url.origin === initialUrl.origin;
  }
}
