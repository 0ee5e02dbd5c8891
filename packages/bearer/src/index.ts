export type { ApiKeyHeaderOptions, ApiKeyOptions, ApiKeyQueryOptions } from './api-key-auth.js';
export { ApiKeyAuth } from './api-key-auth.js';
export type { BearerAuthOptions } from './bearer-auth.js';
export { BearerAuth } from './bearer-auth.js';
export { isTokenRejection } from './challenge.js';
export { TokenLifecycle } from './lifecycle.js';
export type { TokenScopeOptions } from './scope.js';
export { SCOPE_RULES, TokenScope } from './scope.js';
export type { BearerToken, HeldToken, TokenProvider, TokenSource } from './token.js';
