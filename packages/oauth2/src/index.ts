export type { AuthorizationRequest, DeviceAuthorizationOptions, DeviceUserCode } from './oauth2-auth.js';
export { OAuth2Auth } from './oauth2-auth.js';
export type { OAuth2AuthOptions, OAuth2Tokens } from './options.js';
