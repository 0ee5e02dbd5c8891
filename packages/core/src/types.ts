/**
 * A request body as a scheme sees it. Bytes are produced lazily: only a scheme
 * that needs them (Digest `auth-int`) asks, so a Basic request never pays for
 * encoding its body.
 */
export interface AuthBody {
  /** True when the body can be sent more than once (string, bytes, Blob, FormData...); false for a stream. */
  readonly replayable: boolean;
  /**
   * The exact bytes that go on the wire. Rejects with `ERR_BODY_NOT_REPLAYABLE`
   * when the body is a stream (reading it would consume what is to be sent).
   */
  bytes(): Promise<Uint8Array>;
}

/** A request as a scheme sees it: adapters translate their client's request to and from this. */
export interface AuthRequest {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Absolute URL. */
  url: string;
  /** Headers to send; a scheme sets `Authorization` or `Proxy-Authorization` here. */
  headers: Headers;
  /** The body, if any. */
  body?: AuthBody;
  /**
   * The request-target as it goes on the wire when it is not origin-form:
   * absolute-form through a plain-http proxy, authority-form for CONNECT
   * (RFC 9112 §3.2). Absent means origin-form (path and query of `url`).
   */
  target?: string;
  /**
   * The origin of the HTTP proxy this request is sent to, set by the adapter
   * that knows it (`proxyDispatcher`, axios's `proxy`, a CONNECT). Proxy
   * credentials go only to it: without it a proxy scheme sends nothing, and
   * the driver answers no 407 and lets no scheme's `Proxy-Authorization`
   * leave (`ERR_NO_PROXY` in `authErrorOf`).
   */
  proxy?: string;
}

/** A response as a scheme sees it. */
export interface AuthResponse {
  /** The HTTP status code (401 and 407 are the ones a scheme answers). */
  status: number;
  /** The URL that answered, after any redirects the client followed. */
  url: string;
  /** The response headers (`WWW-Authenticate`, `Proxy-Authenticate`, `Authentication-Info`). */
  headers: Headers;
}

/**
 * A scheme's side of one exchange: it yields a request, receives that
 * request's response, and either yields another request or returns.
 */
export type AuthFlow = AsyncGenerator<AuthRequest, void, AuthResponse>;
