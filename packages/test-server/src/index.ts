export type { BearerControl, BearerModeOptions } from './bearer.js';
export { asInFirefox } from './browser-quirks.js';
export type {
  DigestAlgorithm,
  DigestOptions,
  ProxyOptions,
  RecordedRequest,
  RouteOptions,
  RouteStats,
  TestServer,
  TestServerOptions,
} from './options.js';
export { startTestServer } from './server.js';
