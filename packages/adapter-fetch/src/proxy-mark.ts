/**
 * How a `proxyDispatcher` tells `withAuth` the proxy a request goes through,
 * without `withAuth` importing undici: a property under a registered symbol
 * (so two copies of the package agree on it).
 */
export const PROXY_MARK: unique symbol = Symbol.for('authbelt.proxyDispatcher') as never;

/** What a `proxyDispatcher` carries under {@link PROXY_MARK}. */
export interface ProxyMark {
  /** The proxy's origin. */
  readonly proxy: string;
  /** Whether the dispatcher answers the proxy's 407 itself (it was given a scheme). */
  readonly answers: boolean;
}

/** The proxy a fetch `init.dispatcher` sends through, when it is a `proxyDispatcher`. */
export function proxyMarkOf(dispatcher: unknown): ProxyMark | undefined {
  if (typeof dispatcher !== 'object' || dispatcher === null) return undefined;
  return (dispatcher as { [PROXY_MARK]?: ProxyMark })[PROXY_MARK];
}
