import { AuthBase, AuthError, type AuthFlow, type AuthRequest, checkOptions } from '@authbelt/core';
import { isTokenRejection } from './challenge.js';
import { TokenLifecycle } from './lifecycle.js';
import { SCOPE_RULES, TokenScope, type TokenScopeOptions } from './scope.js';
import type { TokenSource } from './token.js';

/**
 * Options for {@link BearerAuth}.
 *
 * @example
 * ```ts
 * import type { BearerAuthOptions } from '@authbelt/bearer';
 *
 * const options: BearerAuthOptions = { origins: ['https://api.example.org'], renewBefore: 30 };
 * ```
 */
export interface BearerAuthOptions extends TokenScopeOptions {
  /**
   * Seconds before a known expiry at which a token is renewed on its next
   * use. Default 60: it covers the clock skew between this machine and the
   * issuer seen in practice, and the time a request takes to arrive. Never
   * more than half the token's lifetime, so a short-lived token is used.
   */
  renewBefore?: number;
}

const OPTIONS = {
  ...SCOPE_RULES,
  renewBefore: [(value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0, 'seconds ≥ 0'],
} as const;

/**
 * Bearer tokens (RFC 6750 §2.1): `Authorization: Bearer <token>` on every
 * request to the token's origin.
 *
 * `source` is a token, or an async provider returning a token or
 * `{ accessToken, expiresIn?, expiresAt? }`. A provider gets one lifecycle:
 * called on the first request, once for all concurrent requests; called
 * again on use shortly before a known expiry (`expiresIn`, `expiresAt`, or
 * a JWT's `exp`); and when the server answers 401 with a bare Bearer
 * challenge or `error="invalid_token"`, the request is sent once more with
 * a new token (one renewal shared by every request refused the same token).
 * A second 401 is returned as it is; a 403 `insufficient_scope` never renews.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { BearerAuth } from '@authbelt/bearer';
 *
 * const api = withAuth(fetch, new BearerAuth('mF_9.B5f-4.1JqM'));
 *
 * const login = async () => {
 *   const response = await fetch('https://api.example.org/login', {
 *     method: 'POST',
 *     headers: { 'content-type': 'application/json' },
 *     body: JSON.stringify({ username: 'ada', password: 'secret' }),
 *   });
 *   const { access_token, expires_in } = await response.json();
 *   return { accessToken: access_token, expiresIn: expires_in };
 * };
 * const renewed = withAuth(fetch, new BearerAuth(login));
 * ```
 */
export class BearerAuth extends AuthBase {
  readonly #lifecycle: TokenLifecycle;
  readonly #scope: TokenScope;

  constructor(source: TokenSource, options: BearerAuthOptions = {}) {
    super();
    checkOptions('BearerAuth', options, OPTIONS);
    const { renewBefore = 60 } = options;
    if (typeof source !== 'string' && typeof source !== 'function') {
      throw new AuthError('ERR_INVALID_ARGUMENT', 'BearerAuth takes a token string or a token provider function');
    }
    this.#scope = new TokenScope(options, 'a Bearer token');
    this.#lifecycle = new TokenLifecycle(source, renewBefore * 1000);
  }

  /** Add the current token (asking the provider if there is none yet). The origin scope is applied by {@link BearerAuth.flow}. */
  override async authorize(request: AuthRequest): Promise<void> {
    const token = await this.#lifecycle.token();
    request.headers.set('authorization', `Bearer ${token.value}`);
  }

  override async *flow(request: AuthRequest): AuthFlow {
    if (!this.#scope.admits(request)) {
      yield request;
      return;
    }
    let token = await this.#lifecycle.tokenForRequest(
      'The token provider sent a request through the BearerAuth that is waiting for its token; give the provider a client without this scheme',
    );
    request.headers.set('authorization', `Bearer ${token.value}`);
    const response = yield request;
    if (!this.#lifecycle.renewable || !isTokenRejection(response)) return;
    token = await this.#lifecycle.replace(token);
    request.headers.set('authorization', `Bearer ${token.value}`);
    // Sent once more; a second 401 goes to the caller as it is.
    yield request;
  }

  /** Only the origin(s) of the token, and never across origins or from https to http on a redirect. */
  override appliesTo(url: URL, initialUrl: URL): boolean {
    return this.#scope.appliesTo(url, initialUrl);
  }
}
