import { AuthError, type AuthRequest, isLoopbackHost, type OptionRule } from '@authbelt/core';

/**
 * Where a token or key may go, as every token scheme takes it.
 *
 * @example
 * ```ts
 * import type { TokenScopeOptions } from '@authbelt/bearer';
 *
 * const scope: TokenScopeOptions = { origins: ['https://api.example.org', 'https://uploads.example.org'] };
 * const local: TokenScopeOptions = { allowInsecureHttp: true }; // a dev server on a LAN address
 * ```
 */
export interface TokenScopeOptions {
  /**
   * The origins (scheme, host, port) the credential goes to. Default: the
   * origin of the first request that uses it. A request anywhere else is
   * sent as it is, without the credential.
   */
  origins?: readonly (string | URL)[];
  /**
   * Send the credential over plain http to hosts other than loopback. Default
   * `false`: such a request is refused with `ERR_INSECURE_TRANSPORT` (the
   * rule `GuessAuth`'s `allowInsecureBasic` applies to Basic).
   */
  allowInsecureHttp?: boolean;
}

/**
 * The rules for {@link TokenScopeOptions}, for `checkOptions`.
 *
 * @example
 * ```ts
 * import { checkOptions } from '@authbelt/core';
 * import { SCOPE_RULES } from '@authbelt/bearer';
 *
 * checkOptions('MyTokenAuth', { origins: ['https://api.example.org'] }, SCOPE_RULES);
 * ```
 */
export const SCOPE_RULES: {
  /** {@link TokenScopeOptions.origins}: a non-empty array. */
  readonly origins: OptionRule;
  /** {@link TokenScopeOptions.allowInsecureHttp}: a boolean. */
  readonly allowInsecureHttp: OptionRule;
} = {
  origins: [(value) => Array.isArray(value) && value.length > 0, 'a non-empty array of http(s) origins'],
  allowInsecureHttp: [(value) => typeof value === 'boolean', 'a boolean'],
};

function originOf(value: unknown, index: number): string {
  let url: URL | undefined;
  try {
    url = new URL(value as string);
  } catch {
    // Refused below like any other value that is not an http(s) URL.
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new AuthError('ERR_INVALID_ARGUMENT', `origins[${index}] is not an http(s) URL`);
  }
  return url.origin;
}

/**
 * The origins a credential belongs to and the transport rule. The first
 * request fixes the origin when none was listed. Exported for token schemes
 * built on `@authbelt/bearer` (`@authbelt/oauth2`).
 *
 * @example
 * ```ts
 * import { TokenScope } from '@authbelt/bearer';
 *
 * const scope = new TokenScope({ origins: ['https://api.example.org'] }, 'an access token');
 * scope.admits({ method: 'GET', url: 'https://api.example.org/me', headers: new Headers() }); // true
 * ```
 */
export class TokenScope {
  #origins: Set<string> | undefined;
  readonly #allowInsecureHttp: boolean;
  readonly #what: string;

  constructor(options: TokenScopeOptions, what: string) {
    this.#what = what;
    // The caller checked the options' shapes (SCOPE_RULES).
    const { origins, allowInsecureHttp = false } = options;
    this.#allowInsecureHttp = allowInsecureHttp;
    if (origins !== undefined) {
      this.#origins = new Set(origins.map((origin, index) => originOf(origin, index)));
      for (const origin of this.#origins) this.#refuseInsecure(new URL(origin));
    }
  }

  /** Whether the credential may go to `url` in an exchange that started at `initialUrl`. */
  appliesTo(url: URL, initialUrl: URL): boolean {
    // Never across origins within one exchange, listed or not (DESIGN.md: a redirect carries none of ours).
    return url.origin === initialUrl.origin && (this.#origins === undefined || this.#origins.has(url.origin));
  }

  /**
   * Whether `request` gets the credential. The first request admitted fixes
   * the origin when none was listed. Plain http to a host that is not
   * loopback is `ERR_INSECURE_TRANSPORT` unless allowed.
   */
  admits(request: AuthRequest): boolean {
    const origins = this.#origins;
    // Stryker disable next-line BlockStatement: without the fast path the full parse below decides every request, the same way
    if (origins !== undefined) {
      // Fast path, no URL parsing: a serialized http(s) URL is its origin, "/", then the rest,
      // unless it carries userinfo (then the origin is not a prefix, and the full parse decides).
      // Stryker disable next-line BlockStatement: a request the fast path skips gets the same answer from the full parse below
      for (const origin of origins) {
        if (request.url.startsWith(origin) && request.url.charCodeAt(origin.length) === 0x2f) return true;
      }
    }
    const url = new URL(request.url);
    if (this.#origins !== undefined && !this.#origins.has(url.origin)) return false;
    this.#refuseInsecure(url);
    this.#origins ??= new Set([url.origin]);
    return true;
  }

  #refuseInsecure(url: URL): void {
    // RFC 6750 §5.3: bearer tokens are only to be sent over TLS; loopback never leaves the machine.
    if (url.protocol === 'http:' && !this.#allowInsecureHttp && !isLoopbackHost(url.hostname)) {
      throw new AuthError(
        'ERR_INSECURE_TRANSPORT',
        `Refusing to send ${this.#what} over plain http to ${url.host}; use https or { allowInsecureHttp: true }`,
      );
    }
  }
}
