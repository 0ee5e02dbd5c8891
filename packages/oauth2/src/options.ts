import type { TokenScopeOptions } from '@authbelt/bearer';

/**
 * The tokens an {@link OAuth2Auth} holds, as `onTokens` hands them over to
 * persist and `tokens` takes them back.
 *
 * @example
 * ```ts
 * import type { OAuth2Tokens } from '@authbelt/oauth2';
 *
 * const saved: OAuth2Tokens = { refreshToken: 'tGzv3JOkF0XG5Qx2TlKWIA' };
 * ```
 */
export interface OAuth2Tokens {
  /** The access token (RFC 6749 §1.4). */
  accessToken?: string;
  /** The refresh token (RFC 6749 §1.5); a rotated one replaces it. */
  refreshToken?: string;
  /** When the access token expires: a `Date` or milliseconds since the epoch. */
  expiresAt?: Date | number;
  /** `bearer` or `dpop` (RFC 6749 §7.1, RFC 9449 §5), lower-cased. */
  tokenType?: string;
  /** The scope granted, when the server said (RFC 6749 §5.1). */
  scope?: string;
}

/**
 * Options for {@link OAuth2Auth}.
 *
 * @example
 * ```ts
 * import type { OAuth2AuthOptions } from '@authbelt/oauth2';
 *
 * const options: OAuth2AuthOptions = {
 *   issuer: 'https://auth.example.org',
 *   clientId: 'reporting',
 *   clientSecret: 's3cr3t',
 *   scope: ['reports:read'],
 * };
 * ```
 */
export interface OAuth2AuthOptions extends TokenScopeOptions {
  /** The issuer, for discovery (RFC 8414 / OpenID Connect Discovery). Give this or `tokenEndpoint`. */
  issuer?: string | URL;
  /** The token endpoint, without discovery (RFC 6749 §3.2). */
  tokenEndpoint?: string | URL;
  /** Without discovery: the authorization endpoint, for {@link OAuth2Auth.authorizationUrl}. */
  authorizationEndpoint?: string | URL;
  /** Without discovery: the device authorization endpoint (RFC 8628 §3.1). */
  deviceAuthorizationEndpoint?: string | URL;
  /** Without discovery: the revocation endpoint (RFC 7009 §2). */
  revocationEndpoint?: string | URL;
  /** The client identifier (RFC 6749 §2.2). */
  clientId: string;
  /** The client secret, for `client_secret_basic` and `client_secret_post`. */
  clientSecret?: string;
  /** How the client authenticates (RFC 6749 §2.3.1): `'client_secret_basic'` (default), `'client_secret_post'`, or `'none'` for a public client. */
  clientAuth?: 'client_secret_basic' | 'client_secret_post' | 'none';
  /** The scope to ask for (RFC 6749 §3.3), space-separated or a list. */
  scope?: string | readonly string[];
  /** The resource indicator(s) (RFC 8707) the token is for. */
  resource?: string | readonly string[];
  /** The grant that renews the token. Default `'refresh_token'` when `tokens.refreshToken` is given, else `'client_credentials'`. */
  grant?: 'client_credentials' | 'refresh_token';
  /** Tokens from an earlier sign-in, as `onTokens` gave them. */
  tokens?: OAuth2Tokens;
  /** Called with the tokens after every grant (a rotated refresh token included) and with `{}` after `revoke()`: persist them here. */
  onTokens?: (tokens: OAuth2Tokens) => void | Promise<void>;
  /** DPoP (RFC 9449): `true` for a new ES256 key pair, or your own `CryptoKeyPair` (the public key extractable). */
  dpop?: true | CryptoKeyPair;
  /** The fetch the token requests go through (default the global fetch); never one wrapped with this scheme. */
  fetch?: typeof fetch;
  /** Seconds before a known expiry at which the token is renewed on use. Default 60, at most half the token's lifetime. */
  renewBefore?: number;
}
