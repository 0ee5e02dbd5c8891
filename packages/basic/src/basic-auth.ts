import {
  AuthBase,
  AuthError,
  type AuthFlow,
  type AuthRequest,
  checkOptions,
  parseChallenges,
  requireProxy,
} from '@authbelt/core';
import { type BasicCharset, basicCredentials, checkBasicCredentials } from './credentials.js';

/** Options for {@link BasicAuth} and {@link ProxyBasicAuth}. */
export interface BasicAuthOptions {
  /**
   * How to encode user-id and password. Default `'utf-8'` (RFC 7617 §2.1);
   * `'latin1'` is what Python's requests sends. With `'latin1'`, a server
   * challenge with `charset="UTF-8"` is answered once more in UTF-8.
   */
  charset?: BasicCharset | 'UTF-8' | 'ISO-8859-1';
}

function normalizeCharset(charset: BasicAuthOptions['charset']): BasicCharset {
  switch (charset) {
    case undefined:
    case 'utf-8':
    case 'UTF-8':
      return 'utf-8';
    case 'latin1':
    case 'ISO-8859-1':
      return 'latin1';
    default:
      throw new AuthError('ERR_INVALID_ARGUMENT', `Unknown Basic charset ${JSON.stringify(charset)}`);
  }
}

/**
 * HTTP Basic authentication (RFC 7617), sent preemptively with every request
 * to the origin it is scoped to.
 *
 * @example
 * ```ts
 * import { BasicAuth } from '@authbelt/basic';
 * import { withAuth } from '@authbelt/adapter-fetch';
 *
 * const authFetch = withAuth(fetch, new BasicAuth('Aladdin', 'open sesame'));
 * // const response = await authFetch('https://example.org/private');
 * ```
 */
export class BasicAuth extends AuthBase {
  /** `Authorization`, or `Proxy-Authorization` for {@link ProxyBasicAuth}. */
  protected readonly headerName: string = 'authorization';
  /** The status that carries a challenge for this header. */
  protected readonly challengeStatus: number = 401;
  /** The header that carries that challenge. */
  protected readonly challengeHeader: string = 'www-authenticate';
  readonly #username: string;
  readonly #password: string;
  readonly #charset: BasicCharset;
  readonly #value: string;

  constructor(username: string, password: string, options: BasicAuthOptions = {}) {
    super();
    // Any value normalizeCharset does not know is refused there, naming it.
    checkOptions('BasicAuth', options, {
      // Stryker disable next-line StringLiteral: this rule passes every value, so its description is never shown
      charset: [() => true, 'a charset'],
    });
    this.#charset = normalizeCharset(options.charset);
    checkBasicCredentials(username, password, this.#charset);
    this.#username = username;
    this.#password = password;
    this.#value = `Basic ${basicCredentials(username, password, this.#charset)}`;
  }

  /** Whether this request should carry the credentials at all. */
  protected sendsTo(_request: AuthRequest): boolean {
    return true;
  }

  override authorize(request: AuthRequest): void {
    if (this.sendsTo(request)) request.headers.set(this.headerName, this.#value);
  }

  override async *flow(request: AuthRequest): AuthFlow {
    this.authorize(request);
    const response = yield request;
    if (this.#charset !== 'latin1' || response.status !== this.challengeStatus || !this.sendsTo(request)) return;
    // RFC 7617 §2.1: a server that announces charset="UTF-8" expects UTF-8; answer once more.
    const header = response.headers.get(this.challengeHeader);
    if (header === null) return;
    const wantsUtf8 = parseChallenges(header).some(
      (challenge) => challenge.scheme === 'basic' && challenge.params.charset?.toLowerCase() === 'utf-8',
    );
    if (!wantsUtf8) return;
    const utf8 = `Basic ${basicCredentials(this.#username, this.#password, 'utf-8')}`;
    if (utf8 === this.#value) return;
    request.headers.set(this.headerName, utf8);
    yield request;
  }
}

/**
 * Basic credentials for a proxy (`Proxy-Authorization`), as requests'
 * `HTTPProxyAuth`. They go only to a proxy the adapter knows the request
 * goes through (`proxyDispatcher`, axios's `proxy`): added to plain-http
 * requests (which the proxy reads) and CONNECT, never to https requests,
 * whose headers travel inside the tunnel to the origin. A request through no
 * known proxy goes without them, with `ERR_NO_PROXY` in `authErrorOf`.
 *
 * @example
 * ```ts
 * import { ProxyBasicAuth } from '@authbelt/basic';
 * const proxyAuth = new ProxyBasicAuth('proxyuser', 'proxypass');
 * ```
 */
export class ProxyBasicAuth extends BasicAuth {
  protected override readonly headerName: string = 'proxy-authorization';
  protected override readonly challengeStatus: number = 407;
  protected override readonly challengeHeader: string = 'proxy-authenticate';

  // A CONNECT is read by the proxy; a plain-http request goes to it in
  // absolute-form; an https request's headers go through the tunnel to the origin.
  protected override sendsTo(request: AuthRequest): boolean {
    return request.proxy !== undefined && (request.method === 'CONNECT' || request.url.startsWith('http:'));
  }

  override async *flow(request: AuthRequest): AuthFlow {
    requireProxy(request);
    yield* super.flow(request);
  }

  /** Proxy credentials belong to the proxy, whichever origin a redirect leads to. */
  override appliesTo(_url: URL, _initialUrl: URL): boolean {
    return true;
  }
}
