import {
  type AuthBase,
  type AuthenticateOptions,
  type AuthRequest,
  type AuthResponse,
  authenticate,
  isAuthError,
  redirectsAreOpaque,
} from '@authbelt/core';
import axios, {
  type AxiosAdapter,
  AxiosError,
  type AxiosResponse,
  getAdapter,
  type InternalAxiosRequestConfig,
} from 'axios';
import { AxiosBody } from './body.js';
import { toAxiosHeaders, toWebHeaders } from './headers.js';

/**
 * Options for `withAuth` from `@authbelt/adapter-axios`.
 *
 * @example
 * ```ts
 * import type { WithAuthOptions } from '@authbelt/adapter-axios';
 * const options: WithAuthOptions = { redirects: 'authbelt', maxLegs: 5 };
 * ```
 */
export interface WithAuthOptions {
  /**
   * Who follows redirects. `'authbelt'` (default with the Node `http` adapter
   * and with the `fetch` adapter outside browsers): each request goes out with
   * `maxRedirects: 0` (or fetch's `redirect: 'manual'`) and authbelt follows
   * each hop, giving credentials only to the origins they belong to.
   * `'client'` (always with the `xhr` adapter and in browsers, where a manual
   * redirect is opaque): the client follows redirects; a scheme cannot answer
   * a challenge after one.
   */
  redirects?: 'authbelt' | 'client';
  /** Requests one exchange may send before the last response is returned as it is: an integer of at least 1 (default 5). */
  maxLegs?: number | undefined;
}

type AdapterConfig = InternalAxiosRequestConfig['adapter'];
type AdapterKind = 'http' | 'xhr' | 'fetch' | 'custom';

const ORIGINAL: unique symbol = Symbol.for('authbelt.axios.originalAdapter') as never;
// axios 1.x resolves this list when neither the request nor the instance names an adapter.
const DEFAULT_ADAPTERS: AdapterConfig = ['xhr', 'http', 'fetch'];
// follow-redirects' default, which axios's Node adapter uses when maxRedirects is unset.
const AXIOS_MAX_REDIRECTS = 21;
// The Fetch standard's limit, which axios's fetch adapter keeps whatever maxRedirects says.
const FETCH_MAX_REDIRECTS = 20;

interface MarkedAdapter extends AxiosAdapter {
  [ORIGINAL]: AdapterConfig;
}

// The URL each leg's response answers (axios responses do not carry it). The
// driver keeps `authErrorOf`'s reason on the very response object the
// transport returned, so that object is what the caller gets: no wrapper, no copy.
const legUrls = new WeakMap<AxiosResponse, string>();

function resolveAdapter(adapter: AdapterConfig, config: InternalAxiosRequestConfig): AxiosAdapter {
  return (getAdapter as (adapters: AdapterConfig, config: InternalAxiosRequestConfig) => AxiosAdapter)(
    adapter ?? axios.defaults.adapter ?? DEFAULT_ADAPTERS,
    config,
  );
}

function adapterKind(inner: AxiosAdapter, config: InternalAxiosRequestConfig): AdapterKind {
  for (const kind of ['http', 'fetch', 'xhr'] as const) {
    try {
      if (resolveAdapter(kind, config) === inner) return kind;
    } catch {
      // Not available in this environment.
    }
  }
  // Stryker disable next-line StringLiteral: no caller compares a kind with 'custom' (only http, fetch and xhr are told apart)
  return 'custom';
}

/** The adapter a config names, seeing through an authbelt adapter installed on an earlier pass. */
export function originalAdapter(adapter: AdapterConfig): AdapterConfig {
  return typeof adapter === 'function' && ORIGINAL in adapter ? (adapter as MarkedAdapter)[ORIGINAL] : adapter;
}

function absoluteUrl(config: InternalAxiosRequestConfig): URL | undefined {
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    // Without params or a baseURL, the URL axios sends is config.url as it is;
    // axios.getUri would merge the whole config again (a fifth of what this
    // adapter adds to a request) to say the same.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: a fast path only; axios.getUri gives the same URL for a config without params or baseURL, a url that is not a string included
    if (!config.params && !config.baseURL && typeof config.url === 'string') return new URL(config.url, base);
    return new URL(axios.getUri(config), base);
  } catch {
    // Not a URL: undefined.
  }
  return undefined;
}

function isAbortSignal(signal: unknown): signal is AbortSignal {
  return typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal;
}

// An intermediate `responseType: 'stream'` body is drained so its connection
// goes back to the pool; one that is still running after this many bytes or
// this long is destroyed instead (it never ends, or costs more than a new connection).
const DRAIN_LIMIT = 64 * 1024;
const DRAIN_MS = 1000;

interface NodeReadable {
  resume(): void;
  destroy(): void;
  on(event: 'data', listener: (chunk: { length: number }) => void): void;
  once(event: 'end' | 'close' | 'error', listener: () => void): void;
}

function isNodeReadable(data: unknown): data is NodeReadable {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { resume?: unknown }).resume === 'function' &&
    typeof (data as { destroy?: unknown }).destroy === 'function'
  );
}

async function discardLeg(response: AxiosResponse): Promise<void> {
  const data: unknown = response.data;
  // Only `responseType: 'stream'` leaves a body unread; every other type is read to its end by axios.
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) {
    await data.cancel().catch(() => {});
  } else if (isNodeReadable(data)) {
    // Drained in the background (the next leg need not wait for it), within a bound.
    let seen = 0;
    const timer = setTimeout(() => data.destroy(), DRAIN_MS);
    (timer as { unref?: () => void }).unref?.();
    // Stryker disable next-line ArrowFunction: a timer left to fire destroys a stream that has ended, which keeps its socket (complete, not aborted)
    const done = () => clearTimeout(timer);
    // Stryker disable next-line StringLiteral: a stream that ends also closes (autoDestroy), so 'close' clears the timer without 'end'
    data.once('end', done);
    // Stryker disable next-line StringLiteral: a stream that ends or fails clears the timer on 'end' or 'error' without 'close'
    data.once('close', done);
    // Stryker disable next-line StringLiteral: a stream that fails is destroyed and closes, so 'close' clears the timer without 'error'
    data.once('error', done);
    data.on('data', (chunk) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) data.destroy();
    });
    data.resume();
  }
}

/** What `Authorization` axios's `auth` option would send: Basic over the UTF-8 octets of `user:password` (as the Node http adapter does). */
function axiosBasic(auth: { username?: string; password?: string }): string {
  const octets = new TextEncoder().encode(`${auth.username ?? ''}:${auth.password ?? ''}`);
  let binary = '';
  for (const octet of octets) binary += String.fromCharCode(octet);
  return `Basic ${btoa(binary)}`;
}

/**
 * The origin of the proxy axios's Node `http` adapter sends this request to,
 * when `proxy` names one. As axios does, a proxy without `protocol` is
 * reached with the target's own protocol. The `fetch` and `xhr` adapters
 * ignore `proxy`, and a proxy axios reads from `HTTP_PROXY` (when `proxy`
 * is undefined) is not known here: only an explicit one is marked, so proxy
 * credentials never go to a proxy the user did not name in code.
 */
function explicitProxy(config: InternalAxiosRequestConfig, kind: AdapterKind, url: URL): string | undefined {
  const proxy = config.proxy;
  // With `socketPath` axios connects to the socket and skips `proxy`.
  if (kind !== 'http' || config.socketPath != null) return undefined;
  if (typeof proxy !== 'object' || proxy === null || typeof proxy.host !== 'string') return undefined;
  const protocol = proxy.protocol === undefined ? url.protocol : proxy.protocol.replace(/:?$/, ':');
  const host = proxy.host.includes(':') && !proxy.host.startsWith('[') ? `[${proxy.host}]` : proxy.host;
  try {
    return new URL(`${protocol}//${host}${proxy.port === undefined ? '' : `:${proxy.port}`}`).origin;
  } catch {
    // Not a URL: no proxy named.
  }
  return undefined;
}

/**
 * An axios adapter that runs `auth`'s exchange through core's driver, sending
 * each leg with `original` (the adapter the request would have used).
 */
export function authAdapter(auth: AuthBase, original: AdapterConfig, options: WithAuthOptions): AxiosAdapter {
  const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    const inner = resolveAdapter(original, config);
    const url = absoluteUrl(config);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      // Not an HTTP request (a data: URL, a bad URL): axios reports it as it would.
      return inner(config);
    }

    const kind = adapterKind(inner, config);
    const clientRedirects =
      options.redirects === 'client' ||
      // Stryker disable next-line ConditionalExpression,StringLiteral: XMLHttpRequest follows every redirect itself (it has no manual mode), so the driver never sees a 3xx from xhr either way
      kind === 'xhr' ||
      (kind === 'fetch' && redirectsAreOpaque());
    const fetchRedirect = (config.fetchOptions as { redirect?: RequestRedirect } | undefined)?.redirect ?? 'follow';
    // axios's fetch adapter ignores maxRedirects (fetch follows up to 20); its http adapter follows none at 0.
    const follow = !clientRedirects && (kind === 'fetch' ? fetchRedirect === 'follow' : config.maxRedirects !== 0);

    const body = config.data == null ? undefined : await AxiosBody.from(config.data);
    const request: AuthRequest = {
      method: (config.method ?? 'get').toUpperCase(),
      url: url.href,
      headers: toWebHeaders(config.headers),
    };
    // axios's own `auth` is a header the user set (DESIGN.md): as axios does, it
    // replaces an `Authorization` in `headers`; then, like any header the user
    // set, the scheme's own header wins over it and it is dropped on a hop to
    // another origin. Each leg goes without `auth`, or axios would put it back.
    // The http adapter does the same with a URL's userinfo when `auth` is not
    // set and the userinfo has a user-id, as it is written (still
    // percent-encoded), and would drop the scheme's header for it: the legs go
    // without userinfo (a password alone too, which axios sends to no one).
    const userinfo =
      kind === 'http' &&
      // Stryker disable next-line StringLiteral: either test made always true only rebuilds a URL without userinfo as the same URL
      (url.username !== '' || url.password !== '');
    if (config.auth) {
      request.headers.set('authorization', axiosBasic(config.auth));
    } else if (userinfo && url.username !== '') {
      request.headers.set('authorization', axiosBasic({ username: url.username, password: url.password }));
    }
    if (userinfo) {
      const bare = new URL(url.href);
      bare.username = '';
      bare.password = '';
      request.url = bare.href;
    }
    if (body !== undefined) {
      request.body = body;
      if (body.contentType !== undefined) {
        request.headers.set('content-type', body.contentType);
        request.headers.delete('content-length');
      }
    }
    // Proxy credentials go only to a proxy the user named (core's driver reads `proxy`).
    const proxy = explicitProxy(config, kind, url);
    if (proxy !== undefined) request.proxy = proxy;

    // Each leg's URL is absolute and carries the params already; its credentials are the leg's headers.
    // Left out rather than deleted from each leg's copy (a delete makes every later read of it slow).
    const { baseURL: _baseURL, params: _params, auth: _auth, ...legBase } = config;
    const send = async (leg: AuthRequest): Promise<AxiosResponse> => {
      const legConfig: InternalAxiosRequestConfig = {
        ...legBase,
        url: leg.url,
        method: leg.method.toLowerCase(),
        headers: toAxiosHeaders(leg.headers, config.headers),
        data: leg.body instanceof AxiosBody ? leg.body.wire : undefined,
        // The driver must see every 401, 407 and 3xx; the caller's validateStatus is applied at the end.
        validateStatus: null,
        adapter: inner,
      };
      if (follow) {
        if (kind === 'fetch') legConfig.fetchOptions = { ...config.fetchOptions, redirect: 'manual' };
        else legConfig.maxRedirects = 0;
      }
      const response = await inner(legConfig);
      legUrls.set(response, leg.url);
      return response;
    };

    const driverOptions: AuthenticateOptions = {
      redirect: follow ? 'follow' : 'manual',
      maxRedirects:
        kind === 'fetch'
          ? FETCH_MAX_REDIRECTS
          : typeof config.maxRedirects === 'number'
            ? config.maxRedirects
            : AXIOS_MAX_REDIRECTS,
      maxLegs: options.maxLegs,
      signal: isAbortSignal(config.signal) ? config.signal : undefined,
      // Ignored by the driver when the legs go without the URL's userinfo.
      url,
    };

    let response: AxiosResponse;
    try {
      response = await authenticate(
        auth,
        request,
        {
          send,
          view: (sent: AxiosResponse): AuthResponse => new ResponseView(sent, legUrls.get(sent) ?? request.url),
          discard: discardLeg,
        },
        driverOptions,
      );
    } catch (error) {
      throw callerFacing(error, config);
    }

    // The caller sees their own config, so a retry library re-sending
    // `response.config` goes through auth again. The response object itself
    // is the one the driver saw, so `authErrorOf(response)` finds its reason.
    response.config = config;
    // Where authbelt followed the redirects, on a response with the http adapter's shape (that of an adapter of your own sending with it too).
    if (follow) markResponseUrl(response, legUrls.get(response) as string);
    const validateStatus = config.validateStatus;
    if (response.status && validateStatus && !validateStatus(response.status)) {
      // What axios's own settle() rejects with.
      throw new AxiosError(
        `Request failed with status code ${response.status}`,
        [AxiosError.ERR_BAD_REQUEST, AxiosError.ERR_BAD_RESPONSE][Math.floor(response.status / 100) - 4],
        config,
        response.request,
        response,
      );
    }
    return response;
  };
  return Object.assign(adapter, { [ORIGINAL]: original }) as MarkedAdapter;
}

/**
 * Where axios's http adapter says which URL answered: follow-redirects sets
 * `responseUrl` on the last response (`response.request.res`). Each leg is
 * sent without follow-redirects, so the final URL (without its fragment, which
 * is never sent) goes there as plain axios would have put it.
 */
function markResponseUrl(response: AxiosResponse, url: string): void {
  const res: unknown = (response.request as { res?: unknown } | undefined)?.res;
  if (typeof res !== 'object' || res === null) return;
  const finalUrl = new URL(url);
  finalUrl.hash = '';
  (res as { responseUrl?: string }).responseUrl = finalUrl.href;
}

/** An axios response as the driver and schemes see it; its headers are converted when first read (most responses are a 200 whose headers nothing reads). */
class ResponseView implements AuthResponse {
  readonly status: number;
  readonly url: string;
  #response: AxiosResponse;
  #headers: Headers | undefined;

  constructor(response: AxiosResponse, url: string) {
    this.status = response.status;
    this.url = url;
    this.#response = response;
  }

  get headers(): Headers {
    this.#headers ??= toWebHeaders(this.#response.headers);
    return this.#headers;
  }
}

/** Point errors at the caller's config, as axios itself would; their responses stay the objects the driver saw. */
function callerFacing(error: unknown, config: InternalAxiosRequestConfig): unknown {
  if (error instanceof AxiosError) {
    error.config = config;
    if (error.response !== undefined) error.response.config = config;
    return error;
  }
  if (isAuthError(error)) {
    const response = error.response as AxiosResponse | undefined;
    if (typeof response === 'object' && response !== null && 'config' in response) response.config = config;
  }
  return error;
}
