import { type AuthFlow, type AuthRequest, type OptionRule, requireProxy } from '@authbelt/core';
import { DigestAuth, type DigestAuthOptions } from '@authbelt/digest';

/**
 * Options for {@link ProxyDigestAuth}: those of `DigestAuth` and how many
 * stale rejections to tolerate.
 *
 * @example
 * ```ts
 * import { ProxyDigestAuth, type ProxyDigestAuthOptions } from '@authbelt/proxy-digest';
 * const options: ProxyDigestAuthOptions = { maxStaleRejects: 1 };
 * const proxyAuth = new ProxyDigestAuth('proxyuser', 'proxypass', options);
 * ```
 */
export interface ProxyDigestAuthOptions extends DigestAuthOptions {
  /**
   * How many `stale=true` 407s in a row are answered again after the first
   * answer, as requests_toolbelt's `stale_rejects`. Default 2.
   */
  maxStaleRejects?: number | undefined;
}

/**
 * HTTP Digest authentication to a proxy (RFC 7616 on 407,
 * `Proxy-Authenticate`, `Proxy-Authorization` and
 * `Proxy-Authentication-Info`), as requests_toolbelt's `HTTPProxyDigestAuth`.
 *
 * Credentials go only to a proxy the adapter knows the request goes through
 * (`proxyDispatcher`, axios's `proxy`), and only its 407 is answered: they
 * are added to plain-http requests (sent to the proxy in absolute-form, so
 * the digest `uri` is the absolute URL) and to CONNECT requests (`uri` is the
 * `host:port` authority), never to https requests, whose headers travel
 * inside the tunnel to the origin. A request through no known proxy goes
 * without them, with `ERR_NO_PROXY` in `authErrorOf`. Each proxy has its own
 * protection spaces, shared by every target.
 *
 * With fetch, give the scheme to `proxyDispatcher`, which answers the
 * proxy's 407 below fetch (fetch turns a 407 into a network error).
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { proxyDispatcher } from '@authbelt/adapter-fetch/proxy';
 * import { DigestAuth } from '@authbelt/digest';
 * import { ProxyDigestAuth } from '@authbelt/proxy-digest';
 * import { fetch } from 'undici';
 *
 * const dispatcher = proxyDispatcher({
 *   proxy: 'http://127.0.0.1:3128',
 *   auth: new ProxyDigestAuth('proxyuser', 'proxypass'),
 * });
 * const authFetch = withAuth(fetch, new DigestAuth('user', 'pass'));
 * // await authFetch('http://example.org/', { dispatcher });
 * ```
 */
export class ProxyDigestAuth extends DigestAuth {
  /** `DigestAuth`'s options and `maxStaleRejects`: any other fails at construction with `ERR_INVALID_ARGUMENT`. */
  static override readonly optionRules: Readonly<Record<string, OptionRule>> = {
    ...DigestAuth.optionRules,
    maxStaleRejects: [(value) => Number.isInteger(value) && (value as number) >= 0, 'a non-negative integer'],
  };
  protected override readonly challengeStatus: number = 407;
  protected override readonly challengeHeader: string = 'proxy-authenticate';
  protected override readonly authorizationHeader: string = 'proxy-authorization';
  protected override readonly infoHeader: string = 'proxy-authentication-info';
  protected override readonly maxStaleAnswers: number;

  constructor(username: string, password: string, options: ProxyDigestAuthOptions = {}) {
    super(username, password, options);
    this.maxStaleAnswers = options.maxStaleRejects ?? 2;
  }

  // A CONNECT is read by the proxy; a plain-http request goes to it in
  // absolute-form; an https request's headers go through the tunnel to the origin.
  // Only a request through a proxy the adapter knows: `flow` checks that first
  // (requireProxy), so no request reaches this without one; kept here too, so a
  // subclass whose flow skips the check still sends nothing without a proxy.
  protected override sendsTo(request: AuthRequest): boolean {
    if (request.proxy === undefined) return false;
    return request.method === 'CONNECT' || request.url.startsWith('http:');
  }

  /** Proxy credentials go only to a proxy the adapter knows; without one, nothing is sent (`ERR_NO_PROXY`). */
  override async *flow(request: AuthRequest): AuthFlow {
    requireProxy(request);
    yield* super.flow(request);
  }

  /** Every request through one proxy shares its protection spaces, whatever the target. */
  protected override protectionSpaceOrigin(request: AuthRequest): string {
    return requireProxy(request);
  }

  /** RFC 7616 §3.3: `domain` means nothing in Proxy-Authenticate; the proxy is one protection space. */
  // Stryker disable next-line BlockStatement: an empty body returns undefined too, so no behaviour can differ
  protected override protectionSpaceDomain(): undefined {
    return undefined;
  }

  /** RFC 9112 §3.2.2: through a proxy, the request-target is absolute-form (authority-form for CONNECT). */
  protected override digestUri(request: AuthRequest): string {
    if (request.target !== undefined) return request.target;
    const url = new URL(request.url);
    return `${url.protocol}//${url.host}${url.pathname}${url.search}`;
  }

  /**
   * Proxy credentials belong to the proxy, whichever origin a redirect leads
   * to: every hop goes through the same proxy. They still never reach an
   * https origin (see {@link ProxyDigestAuth}).
   */
  override appliesTo(_url: URL, _initialUrl: URL): boolean {
    return true;
  }
}
