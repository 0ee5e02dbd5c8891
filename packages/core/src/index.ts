export { AuthBase } from './auth-base.js';
export type { Challenge, ParseOptions } from './challenge.js';
export { parseAuthParams, parseChallenges } from './challenge.js';
export type { AuthenticateOptions, Transport } from './driver.js';
export { authErrorOf, authenticate, requireProxy } from './driver.js';
export type { AuthErrorCode, AuthErrorOptions } from './errors.js';
export { AuthError, isAuthError } from './errors.js';
export type { Credentials, FormatOptions } from './format.js';
export {
  assertHeaderSafe,
  formatChallenge,
  formatCredentials,
  isToken,
  parseCredentials,
  quoteString,
} from './format.js';
export type { OptionRule } from './options.js';
export { checkOptions, MAX_LEGS_RULE } from './options.js';
export type { AuthBody, AuthFlow, AuthRequest, AuthResponse } from './types.js';
export type { DiscardableResponse } from './web-fetch.js';
export {
  discardResponseBody,
  headersForFetch,
  isLoopbackHost,
  redirectsAreOpaque,
  requestInitOf,
  requestMayHaveBody,
} from './web-fetch.js';
