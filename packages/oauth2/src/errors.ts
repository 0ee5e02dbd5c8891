import { AuthError } from '@authbelt/core';
import * as oauth from 'oauth4webapi';

// An OAuth error code is ASCII (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E); anything else, or
// anything long, is not repeated in a message, so a hostile server cannot make us print its text.
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/;

// The OAuth error code behind an AuthError we made, for callers that act on it (device polling).
const oauthErrors = new WeakMap<AuthError, string>();

/** The OAuth 2.0 `error` code the server answered with, if `error` came from such an answer. */
export function oauthErrorOf(error: unknown): string | undefined {
  return error instanceof AuthError ? oauthErrors.get(error) : undefined;
}

// oauth4webapi hands over the `error` member only when it is a non-empty string, and a challenge's scheme is one.
function errorCodeOf(value: string): string {
  return ERROR_CODE.test(value) ? value : '(unreadable error code)';
}

/**
 * The AuthError for a failed exchange with the authorization server. The
 * oauth4webapi error is never the `cause` when it holds the server's body
 * (a token response with an unusable `token_type` still carries its
 * `access_token`): messages, `inspect()` and JSON carry no token.
 */
export function authServerError(error: unknown, what: string): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof oauth.ResponseBodyError) {
    const code = errorCodeOf(error.error);
    // RFC 6749 §5.2 invalid_grant: the refresh token, code or device code is dead; only a new sign-in helps.
    if (code === 'invalid_grant') {
      return new AuthError(
        'ERR_INVALID_GRANT',
        `The authorization server refused ${what} (invalid_grant): sign in again`,
      );
    }
    const mapped = new AuthError(
      'ERR_OAUTH_ERROR',
      `The authorization server answered ${what} with ${error.status} ${code}`,
    );
    oauthErrors.set(mapped, code);
    return mapped;
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // RFC 6749 §5.2 invalid_client may come as a 401 with a challenge; it is reported, never answered.
    const schemes = error.cause.map((challenge) => errorCodeOf(challenge.scheme)).join(', ');
    return new AuthError(
      'ERR_OAUTH_ERROR',
      `The authorization server refused the client for ${what} (${error.status}, challenge ${schemes}): check clientId, clientSecret and clientAuth`,
    );
  }
  if (error instanceof oauth.UnsupportedOperationError) {
    // A token_type oauth4webapi does not recognise (RFC 6749 §7.1): no scheme here can send it.
    return new AuthError(
      'ERR_OAUTH_RESPONSE',
      `The authorization server's answer to ${what} is not usable: ${error.message}`,
    );
  }
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? ` (HTTP ${error.cause.status})` : '';
    return new AuthError(
      'ERR_OAUTH_RESPONSE',
      `The authorization server's answer to ${what} is not usable${status}: ${error.message}`,
    );
  }
  if (error instanceof TypeError && (error as { code?: unknown }).code === 'ERR_INVALID_ARG_VALUE') {
    return new AuthError('ERR_INVALID_ARGUMENT', error.message);
  }
  // A network error: the request may not have arrived, so the tokens we hold are kept.
  return new AuthError('ERR_TOKEN_PROVIDER', `The request for ${what} failed`, { cause: error });
}
