import { AuthError } from '@authbelt/core';
import { checkB64token } from './values.js';

/**
 * A token as a provider returns it, with what it knows of its expiry. With
 * neither `expiresIn` nor `expiresAt`, a JWT's `exp` claim is used (read
 * without verifying the signature: it only decides when to renew).
 *
 * @example
 * ```ts
 * import type { BearerToken } from '@authbelt/bearer';
 *
 * const token: BearerToken = { accessToken: 'mF_9.B5f-4.1JqM', expiresIn: 3600 };
 * ```
 */
export interface BearerToken {
  /** The access token, sent as `Authorization: Bearer <accessToken>` (RFC 6750 §2.1). */
  accessToken: string;
  /** Seconds from now until it expires, as OAuth 2.0's `expires_in` (RFC 6749 §5.1). */
  expiresIn?: number | undefined;
  /** When it expires: a `Date`, or milliseconds since the epoch (as `Date.now()`). */
  expiresAt?: Date | number | undefined;
}

/**
 * An async function that obtains a token: a login call, an OAuth 2.0 grant,
 * a secret store. Called lazily, once for all concurrent requests that need
 * a token. Its own requests must not go through the scheme that waits for it.
 *
 * @example
 * ```ts
 * import type { TokenProvider } from '@authbelt/bearer';
 *
 * const provider: TokenProvider = async () => {
 *   const response = await fetch('https://api.example.org/login', { method: 'POST', body: '{}' });
 *   const { access_token, expires_in } = await response.json();
 *   return { accessToken: access_token, expiresIn: expires_in };
 * };
 * ```
 */
export type TokenProvider = () => string | BearerToken | Promise<string | BearerToken>;

/**
 * What `BearerAuth` takes: a static token, or a provider of renewable ones.
 *
 * @example
 * ```ts
 * import type { TokenSource } from '@authbelt/bearer';
 *
 * const fixed: TokenSource = 'mF_9.B5f-4.1JqM';
 * const renewed: TokenSource = async () => ({ accessToken: 'mF_9.B5f-4.1JqM', expiresIn: 60 });
 * ```
 */
export type TokenSource = string | TokenProvider;

/**
 * A token in use: its value and when to stop using it (undefined: until the server rejects it).
 *
 * @example
 * ```ts
 * import type { HeldToken } from '@authbelt/bearer';
 *
 * const held: HeldToken = { value: 'mF_9.B5f-4.1JqM', renewAt: Date.now() + 30_000 };
 * ```
 */
export interface HeldToken {
  /** The access token, as sent after `Bearer `. */
  readonly value: string;
  /** When to renew it, in milliseconds since the epoch (undefined: until the server rejects it). */
  readonly renewAt: number | undefined;
}

// Below this, a number given as expiresAt is surely seconds, not milliseconds (it would be before March 1973).
const PLAUSIBLE_MS = 1e11;

function decodeBase64url(part: string): string {
  // atob takes base64 without its padding (WHATWG forgiving-base64 decode).
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}

/**
 * The `exp` claim of a JWT in milliseconds since the epoch (RFC 7519 §4.1.4),
 * or undefined for anything that is not a JWS compact serialization with a
 * numeric `exp`. The signature is not verified: the value only decides when
 * to ask for a new token, never whether to trust one.
 */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || (parts[1] as string).length > 16_384) return undefined;
  let exp: unknown;
  try {
    ({ exp } = JSON.parse(decodeBase64url(parts[1] as string)) as { exp?: unknown });
  } catch {
    // Not base64url, not JSON, or null: no exp.
  }
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
}

function expiryOf(token: BearerToken, value: string, now: number): number | undefined {
  const { expiresIn, expiresAt } = token;
  if (expiresIn !== undefined) {
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
      throw new AuthError('ERR_TOKEN_PROVIDER', 'The token provider returned an expiresIn that is not seconds ≥ 0');
    }
    return now + expiresIn * 1000;
  }
  if (expiresAt !== undefined) {
    const ms = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < PLAUSIBLE_MS) {
      throw new AuthError(
        'ERR_TOKEN_PROVIDER',
        'The token provider returned an expiresAt that is neither a Date nor milliseconds since the epoch',
      );
    }
    return ms;
  }
  return jwtExpiry(value);
}

/**
 * Check what a provider returned and decide when to renew it: `renewBefore`
 * milliseconds before its expiry, but never earlier than half its lifetime,
 * so a short-lived token is still used. A token that has expired by our clock
 * the moment it arrives says our clock and the issuer's disagree: its expiry
 * is then ignored and only a 401 renews it (no provider call per request).
 */
export function holdToken(provided: unknown, renewBefore: number, now: number = Date.now()): HeldToken {
  const token: BearerToken | undefined =
    typeof provided === 'string'
      ? { accessToken: provided }
      : typeof provided === 'object' && provided !== null && 'accessToken' in provided
        ? (provided as BearerToken)
        : undefined;
  if (token === undefined) {
    throw new AuthError('ERR_TOKEN_PROVIDER', 'The token provider returned neither a string nor { accessToken }');
  }
  const value = checkB64token(token.accessToken, 'The token from the provider');
  const expiry = expiryOf(token, value, now);
  if (expiry === undefined || expiry <= now) return { value, renewAt: undefined };
  return { value, renewAt: expiry - Math.min(renewBefore, (expiry - now) / 2) };
}
