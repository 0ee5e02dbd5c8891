import { AuthBase, AuthError, type AuthFlow, type AuthRequest, checkOptions, isToken } from '@authbelt/core';
import { SCOPE_RULES, TokenScope, type TokenScopeOptions } from './scope.js';
import { checkB64token, checkFieldValue } from './values.js';

/**
 * A key in a header of its own (`X-API-Key: <key>`), or in `Authorization`
 * after a scheme of the API's choosing (`Authorization: Token <key>`).
 *
 * @example
 * ```ts
 * import type { ApiKeyHeaderOptions } from '@authbelt/bearer';
 *
 * const github: ApiKeyHeaderOptions = { header: 'Authorization', scheme: 'token' };
 * ```
 */
export interface ApiKeyHeaderOptions extends TokenScopeOptions {
  /** The header name. */
  header: string;
  /** A scheme to put before the key (`Token`, `Api-Key`): the key must then be a token68 (RFC 9110 §11.4). */
  scheme?: string;
}

/**
 * A key in a query parameter (`?api_key=<key>`), percent-encoded.
 *
 * @example
 * ```ts
 * import type { ApiKeyQueryOptions } from '@authbelt/bearer';
 *
 * const options: ApiKeyQueryOptions = { query: 'api_key' };
 * ```
 */
export interface ApiKeyQueryOptions extends TokenScopeOptions {
  /** The parameter name. */
  query: string;
}

/**
 * Where {@link ApiKeyAuth} puts the key.
 *
 * @example
 * ```ts
 * import type { ApiKeyOptions } from '@authbelt/bearer';
 *
 * const options: ApiKeyOptions = { header: 'X-API-Key' };
 * ```
 */
export type ApiKeyOptions = ApiKeyHeaderOptions | ApiKeyQueryOptions;

const isString = (value: unknown): boolean => typeof value === 'string';
const OPTIONS = {
  ...SCOPE_RULES,
  header: [isString, 'a header name'],
  query: [isString, 'a parameter name'],
  scheme: [isString, 'an auth-scheme'],
} as const;

const decodeName = (pair: string): string | undefined => {
  try {
    return decodeURIComponent((pair.split('=', 1)[0] as string).replace(/\+/g, ' '));
  } catch {
    // A malformed %-escape: a name no key can have.
  }
  return undefined;
};

/**
 * An API key, sent with every request to its origin: in a header
 * (`{ header: 'X-API-Key' }`), in a query parameter (`{ query: 'api_key' }`),
 * or as `Authorization: <scheme> <key>` (`{ header: 'Authorization', scheme: 'Token' }`).
 * A key that cannot be sent is `ERR_INVALID_CREDENTIALS` at construction.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { ApiKeyAuth } from '@authbelt/bearer';
 *
 * const api = withAuth(fetch, new ApiKeyAuth('k-123', { header: 'X-API-Key' }));
 * const maps = withAuth(fetch, new ApiKeyAuth('k-123', { query: 'key' }));
 * const drf = withAuth(fetch, new ApiKeyAuth('9944b09199c62bcf', { header: 'Authorization', scheme: 'Token' }));
 * ```
 */
export class ApiKeyAuth extends AuthBase {
  readonly #scope: TokenScope;
  readonly #header: string | undefined;
  readonly #query: string | undefined;
  readonly #value: string;

  constructor(key: string, options: ApiKeyOptions) {
    super();
    checkOptions('ApiKeyAuth', options, OPTIONS);
    const { header, query, scheme } = (options ?? {}) as { header?: unknown; query?: unknown; scheme?: unknown };
    if ((header === undefined) === (query === undefined)) {
      throw new AuthError('ERR_INVALID_ARGUMENT', 'ApiKeyAuth takes exactly one of the options header and query');
    }
    if (query !== undefined) {
      if (scheme !== undefined) {
        throw new AuthError('ERR_INVALID_ARGUMENT', 'ApiKeyAuth option scheme goes with header, not query');
      }
      if (typeof query !== 'string' || query === '') {
        throw new AuthError('ERR_INVALID_ARGUMENT', 'ApiKeyAuth option query must be a non-empty parameter name');
      }
      if (typeof key !== 'string' || key === '') throw new AuthError('ERR_INVALID_CREDENTIALS', 'The API key is empty');
      try {
        this.#value = encodeURIComponent(key);
      } catch {
        // A lone surrogate: no UTF-8 for it.
        throw new AuthError('ERR_INVALID_CREDENTIALS', 'The API key is not well-formed Unicode');
      }
      this.#query = query;
    } else {
      if (typeof header !== 'string' || !isToken(header)) {
        throw new AuthError('ERR_INVALID_ARGUMENT', 'ApiKeyAuth option header must be a header name (RFC 9110 token)');
      }
      if (scheme !== undefined && (typeof scheme !== 'string' || !isToken(scheme))) {
        throw new AuthError('ERR_INVALID_ARGUMENT', 'ApiKeyAuth option scheme must be an auth-scheme (RFC 9110 token)');
      }
      // Headers matches names case-insensitively.
      this.#header = header;
      // RFC 9110 §11.4: after a scheme the credentials are a token68; a header of its own takes any field value.
      this.#value =
        scheme === undefined ? checkFieldValue(key, 'The API key') : `${scheme} ${checkB64token(key, 'The API key')}`;
    }
    this.#scope = new TokenScope(options, 'an API key');
  }

  /** Add the key. The origin scope is applied by {@link ApiKeyAuth.flow}. */
  override authorize(request: AuthRequest): void {
    if (this.#header !== undefined) {
      request.headers.set(this.#header, this.#value);
      return;
    }
    const name = this.#query as string;
    const url = new URL(request.url);
    // Edit the query as text so the caller's other parameters keep their exact encoding.
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && decodeName(pair) !== name);
    kept.push(`${encodeURIComponent(name)}=${this.#value}`);
    url.search = kept.join('&');
    if (request.target === request.url) request.target = url.href;
    request.url = url.href;
  }

  override async *flow(request: AuthRequest): AuthFlow {
    if (this.#scope.admits(request)) this.authorize(request);
    yield request;
  }

  /** Only the origin(s) of the key, and never across origins or from https to http on a redirect. */
  override appliesTo(url: URL, initialUrl: URL): boolean {
    return this.#scope.appliesTo(url, initialUrl);
  }
}
