/** Digest algorithms the server speaks (RFC 7616 §6.1, plus SHA-512 as requests, httpx and httpbin do). */
export type DigestAlgorithm =
  | 'MD5'
  | 'MD5-sess'
  | 'SHA-256'
  | 'SHA-256-sess'
  | 'SHA-512-256'
  | 'SHA-512-256-sess'
  | 'SHA-512'
  | 'SHA-512-sess';

/** How Digest is offered and checked. */
export interface DigestOptions {
  /** One challenge per algorithm, in this order. Default `['MD5']`. */
  algorithms?: DigestAlgorithm[];
  /** qop values offered; `'none'` for RFC 2069 servers. Default `['auth']`. */
  qop?: Array<'auth' | 'auth-int'> | 'none';
  /** Offer `userhash=true` and expect the hashed username (RFC 7616 §3.4.4). */
  userhash?: boolean;
  /**
   * Offer `charset=UTF-8` and accept `username*` (RFC 7616 §3.4.4, RFC 8187).
   * Without it, a non-ASCII `username` is read as raw UTF-8 octets, as Apache
   * and squid do.
   */
  digestCharset?: boolean;
  /** The opaque to require; default random per server, `false` for none. */
  opaque?: string | false;
  /** A nonce becomes stale after this many successful uses. */
  nonceUses?: number;
  /** A nonce becomes stale after this many milliseconds. */
  nonceLifetimeMs?: number;
  /** Send `nextnonce` in Authentication-Info on success. */
  nextnonce?: boolean;
  /**
   * With `nextnonce`: take each `nextnonce` in turn from a fixed ring of this
   * many nonces instead of a fresh one, so every nonce comes back after that
   * many others (a server cycling its nonces). Each ring nonce keeps its own nc
   * replay record.
   */
  nextnonceRing?: number;
  /** Send Authentication-Info with rspauth, qop, nc and cnonce on success (RFC 7616 §3.5). */
  authInfo?: boolean;
  /** Send a wrong rspauth, to test that clients check it. */
  badRspauth?: boolean;
  /** Issue this nonce (and opaque) instead of random ones, to replay RFC examples. */
  fixedNonce?: string;
  fixedOpaque?: string;
}

/** One protected (or open) path. */
export interface RouteOptions extends DigestOptions {
  /** Default `'none'`. */
  auth?: 'basic' | 'digest' | 'header' | 'none';
  realm?: string;
  /** username → password */
  users?: Record<string, string>;
  /** Basic: advertise charset="UTF-8" (RFC 7617 §2.1). */
  charset?: 'UTF-8';
  /** Basic: accept latin1 credentials when they are not valid UTF-8. */
  latin1?: boolean;
  /** `'header'` auth: success when this header has this value. */
  header?: { name: string; value: string };
  /** Send these WWW-Authenticate lines instead of the generated challenge; `{nonce}` and `{opaque}` are filled in with values the route accepts. */
  challenges?: string[];
  /** Always 401, whatever the credentials. */
  alwaysUnauthorized?: boolean;
  /** Send each 401 with a body that never ends: the headers and a first chunk, then nothing (the connection held open). */
  endless401?: boolean;
  /** After a successful authentication (or none needed), redirect. */
  redirect?: { location: string; status?: 301 | 302 | 303 | 307 | 308 };
  /** A Set-Cookie header on every 401. */
  setCookieOn401?: string;
  /** Status of a success. Default 200. */
  status?: number;
}

/** Forward-proxy mode: absolute-form requests and CONNECT, to loopback targets only. */
export interface ProxyOptions extends DigestOptions {
  auth: 'basic' | 'digest';
  realm?: string;
  users: Record<string, string>;
  /** Send each 407 to an absolute-form request with a body that never ends (headers and a first chunk, then nothing). */
  endless407?: boolean;
  /** Send a 103 Early Hints (an interim response a client must skip) before each answer to an absolute-form request. */
  earlyHints?: boolean;
  /**
   * Cut each forwarded answer to an absolute-form request short: its headers
   * (with the whole Content-Length) and the first half of its body, then the
   * connection destroyed.
   */
  failMidBody?: boolean;
  /** Answer a CONNECT's 407 and keep the connection open (as a keep-alive proxy may), instead of closing it. */
  connect407KeepAlive?: boolean;
  /** Answer every CONNECT with a 302 to this Location (a proxy that redirects a tunnel). */
  connectRedirect?: string;
}

export interface TestServerOptions {
  /** Keyed by exact pathname; the query is ignored. Paths given one options object share its nonces. */
  routes?: Record<string, RouteOptions>;
  /** Serve https with a self-signed certificate for 127.0.0.1 (`ca` on the result). */
  tls?: boolean;
  proxy?: ProxyOptions;
}

export interface RouteStats {
  requests: number;
  challenges: number;
  authFailures: number;
  authSuccesses: number;
  replays: number;
  stale: number;
}

export interface RecordedRequest {
  method: string;
  /** The request-target exactly as received. */
  target: string;
  path: string;
  /** Lower-cased names. */
  headers: Record<string, string | string[]>;
  body: Uint8Array;
  status: number;
  user?: string;
  route?: string;
  proxy?: boolean;
}

export interface TestServer {
  url: string;
  origin: string;
  port: number;
  /** PEM of the self-signed certificate when `tls` is on. */
  ca?: string;
  close(): Promise<void>;
  /** Counters for one route (`'*proxy*'` for proxy traffic), or the totals. */
  stats(path?: string): RouteStats;
  requests: RecordedRequest[];
  reset(): void;
  /** Client connections open right now. */
  openSockets(): number;
}
