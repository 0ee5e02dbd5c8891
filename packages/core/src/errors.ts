/**
 * Every failure authbelt reports has one of these codes, so a `switch` on
 * `error.code` narrows it.
 */
export type AuthErrorCode =
  /** A `WWW-Authenticate`, `Proxy-Authenticate` or `Authentication-Info` value breaks RFC 9110 §11 grammar. */
  | 'ERR_CHALLENGE_SYNTAX'
  /** An `Authorization` value breaks RFC 9110 §11.4 grammar. */
  | 'ERR_CREDENTIALS_SYNTAX'
  /** A challenge is well-formed but unusable (for example Digest without a nonce). */
  | 'ERR_INVALID_CHALLENGE'
  /** No challenge offered an algorithm this client supports. */
  | 'ERR_UNSUPPORTED_ALGORITHM'
  /** No challenge offered a qop this client can answer. */
  | 'ERR_UNSUPPORTED_QOP'
  /** The request body was needed again (a retry or auth-int) but can be read only once. */
  | 'ERR_BODY_NOT_REPLAYABLE'
  /** The server's `rspauth` did not prove it knows the credentials (RFC 7616 §3.5). */
  | 'ERR_SERVER_NOT_AUTHENTICATED'
  /** A username or password that cannot be sent (a `:` in a Basic user-id, a control character). */
  | 'ERR_INVALID_CREDENTIALS'
  /** A CR, LF or NUL (or other forbidden octet) would have gone into a header we send. */
  | 'ERR_HEADER_INJECTION'
  /** A constructor or function was given an argument it cannot use. */
  | 'ERR_INVALID_ARGUMENT'
  /** Credentials would travel in the clear and the scheme was told to refuse that. */
  | 'ERR_INSECURE_TRANSPORT'
  /** The proxy did not accept the credentials (a 407 after they were tried, or CONNECT refused) where the client cannot hand a 407 back: fetch makes a 407 a network error. */
  | 'ERR_PROXY_AUTHENTICATION'
  /** Proxy credentials were not sent, or a 407 not answered, because the request goes through no proxy the adapter knows (`proxyDispatcher`, axios's `proxy`). */
  | 'ERR_NO_PROXY'
  /** A redirect could not be followed (too many, a bad Location, or `redirect: 'error'`). */
  | 'ERR_REDIRECT'
  /** A token provider rejected or returned no usable token; the provider's error is the `cause`. */
  | 'ERR_TOKEN_PROVIDER'
  /** A token provider sent a request through the scheme that is waiting for its token (it would wait forever). */
  | 'ERR_PROVIDER_REENTRY'
  /** The authorization server refused the refresh token, code or device code (OAuth 2.0 `invalid_grant`, RFC 6749 §5.2): sign in again. */
  | 'ERR_INVALID_GRANT'
  /** The authorization server answered with another OAuth 2.0 error (`invalid_client`, `access_denied`, `expired_token`, ...), named in the message. */
  | 'ERR_OAUTH_ERROR'
  /** An authorization server's answer breaks the protocol (not JSON, no `access_token`, an unusable `token_type` or `expires_in`, a `state` or `iss` mismatch, an endless `use_dpop_nonce`). */
  | 'ERR_OAUTH_RESPONSE';

/** Options for {@link AuthError}. */
export interface AuthErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** Character offset in the offending value, for syntax errors. */
  position?: number;
  /** The response that was being handled when the error arose, if any. */
  response?: unknown;
}

const AUTH_ERROR_BRAND: unique symbol = Symbol.for('authbelt.AuthError') as never;

/**
 * The one error class authbelt throws. Messages name the offending position,
 * never a password.
 *
 * @example
 * ```ts
 * import { AuthError, isAuthError, parseChallenges } from '@authbelt/core';
 * try {
 *   parseChallenges('Basic realm="unterminated');
 * } catch (error) {
 *   if (isAuthError(error) && error.code === 'ERR_CHALLENGE_SYNTAX') console.log(error.position);
 * }
 * const e = new AuthError('ERR_INVALID_ARGUMENT', 'bad');
 * ```
 */
export class AuthError extends Error {
  /** Always `'AuthError'`, a literal type, as ky's error classes have. */
  override readonly name: 'AuthError' = 'AuthError';
  // Declared, not defined: the constructor assigns them (no field initializers in the bundle).
  /** What went wrong, as a stable string. */
  declare readonly code: AuthErrorCode;
  /** Character offset in the offending value, for syntax errors. */
  declare readonly position: number | undefined;
  /** The response being handled when the error arose (the adapter's own response type). */
  declare readonly response: unknown;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    // Error reads only `cause` from its options, and installs it only when present.
    super(message, options.cause === undefined ? undefined : options);
    this.code = code;
    this.position = options.position;
    this.response = options.response;
  }
}
// The brand sits on the prototype: every AuthError of this copy carries it, and
// a copy of another version brands its own.
(AuthError.prototype as Branded)[AUTH_ERROR_BRAND] = true;

type Branded = { [AUTH_ERROR_BRAND]?: unknown; code?: unknown };

/**
 * True for any `AuthError`, also one made by another copy of `@authbelt/core`
 * (two versions in one bundle, another realm such as an iframe or vm).
 *
 * @example
 * ```ts
 * import { isAuthError } from '@authbelt/core';
 * const ok: boolean = isAuthError(new Error('x')); // false
 * ```
 */
export function isAuthError(value: unknown): value is AuthError {
  return (
    typeof value === 'object' &&
    (value as Branded | null)?.[AUTH_ERROR_BRAND] === true &&
    typeof (value as Branded).code === 'string'
  );
}
