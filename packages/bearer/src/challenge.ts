import { type AuthResponse, parseChallenges } from '@authbelt/core';

/**
 * Whether `response` says the token it carried is no good, so renewing it
 * once is worth it: a 401 offering a `Bearer` (or `DPoP`, RFC 9449 §7.1)
 * challenge that is bare (RFC 6750 §3: no token was accepted) or says
 * `error="invalid_token"` (expired, revoked, malformed). A 403
 * `insufficient_scope`, a 400 `invalid_request`, a DPoP `use_dpop_nonce`
 * and a Basic challenge are not: a new token would be refused the same way.
 * A malformed header throws `ERR_CHALLENGE_SYNTAX` (the driver then returns
 * the 401 as it is, with the reason).
 *
 * @example
 * ```ts
 * import { isTokenRejection } from '@authbelt/bearer';
 *
 * const headers = new Headers({ 'www-authenticate': 'Bearer realm="api", error="invalid_token"' });
 * isTokenRejection({ status: 401, url: 'https://api.example.org/', headers }); // true
 * ```
 */
export function isTokenRejection(response: AuthResponse): boolean {
  if (response.status !== 401) return false;
  const header = response.headers.get('www-authenticate');
  if (header === null) return false;
  return parseChallenges(header).some((challenge) => {
    if (challenge.scheme !== 'bearer' && challenge.scheme !== 'dpop') return false;
    const error = challenge.params.error;
    return error === undefined || error === 'invalid_token';
  });
}
