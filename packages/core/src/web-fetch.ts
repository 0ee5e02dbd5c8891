// What the adapters built on fetch share (adapter-fetch, adapter-ky, axios's
// fetch adapter): Web APIs only, so it runs wherever fetch does.

// Reading a small body to its end returns the connection to the pool; past
// this many bytes cancelling (and losing the connection) is cheaper.
const DRAIN_LIMIT = 64 * 1024;
// A body still arriving after this long (a server that stalls, or never ends
// it) is cancelled: a new connection costs less than waiting (DESIGN.md:
// "no slow body stalls the exchange").
const DRAIN_TIME_MS = 100;

// What `new Request(request, init)` would copy from `request` besides method, headers and body.
const REQUEST_OPTIONS = [
  'cache',
  'credentials',
  'integrity',
  'keepalive',
  'mode',
  'referrer',
  'referrerPolicy',
  'signal',
] as const satisfies readonly (keyof Request & keyof RequestInit)[];

/**
 * What {@link discardResponseBody} needs of a response: a fetch `Response`
 * from any fetch (the platform's, undici's, a polyfill's), whatever its
 * typings call the stream.
 */
export interface DiscardableResponse {
  /** `true` once someone has read the body: then there is nothing left to drain. */
  readonly bodyUsed: boolean;
  /** The body stream (`null` for a response without one), as much of it as draining uses. */
  readonly body: {
    /** Locks the stream to one reader (throws when another reader has it). */
    getReader(): {
      /** The next chunk; only its size counts towards the drain limit. */
      read(): Promise<{
        /** The stream has ended. */
        done: boolean;
        /** The chunk read. */
        value?:
          | {
              /** Its size in bytes. */
              byteLength: number;
            }
          | undefined;
      }>;
      /** Gives up the rest of the body (its connection is closed). */
      cancel(): Promise<void>;
    };
  } | null;
}

/**
 * Drain or cancel the body of a fetch `Response` the caller will never see,
 * so no connection leaks and no slow body stalls the exchange: an adapter's
 * `Transport.discard`. What arrives within a short time and a small size is
 * read, so the connection goes back to the pool; the rest is cancelled (its
 * connection closed) and the exchange moves on at once. No timer outlives
 * the call.
 *
 * @example
 * ```ts
 * import { discardResponseBody } from '@authbelt/core';
 * await discardResponseBody(new Response('401 body'));
 * ```
 */
export async function discardResponseBody(response: DiscardableResponse): Promise<void> {
  let reader: ReturnType<NonNullable<DiscardableResponse['body']>['getReader']> | undefined;
  try {
    // Stryker disable next-line OptionalChaining: a null body's TypeError is caught as a locked body's is: no reader either way
    reader = response.bodyUsed ? undefined : response.body?.getReader();
  } catch {
    // Locked: someone else is reading it.
  }
  if (reader === undefined) return;
  let expire = (): void => {};
  // Resolves (to undefined) when draining has taken too long.
  const late = new Promise<undefined>((resolve) => {
    expire = () => resolve(undefined);
  });
  const timer = setTimeout(expire, DRAIN_TIME_MS);
  try {
    for (let seen = 0; seen <= DRAIN_LIMIT; ) {
      // A read still pending when the time is up settles once the stream is cancelled.
      const chunk = await Promise.race([reader.read(), late]);
      if (chunk === undefined) break;
      if (chunk.done) return;
      seen += chunk.value?.byteLength ?? 0;
    }
    // Not awaited: a body that never ends may also be slow to cancel, and the
    // caller has nothing to wait for.
    reader.cancel().catch(() => {});
  } catch {
    // A body that fails while being thrown away changes nothing for the caller.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether this runtime is a browser (a window or a web worker), where a
 * `redirect: 'manual'` response is opaque, so the client must follow
 * redirects itself.
 *
 * @example
 * ```ts
 * import { redirectsAreOpaque } from '@authbelt/core';
 * const follow = redirectsAreOpaque() ? 'client' : 'authbelt';
 * ```
 */
export function redirectsAreOpaque(): boolean {
  const scope = globalThis as { document?: unknown; importScripts?: unknown };
  return typeof scope.document !== 'undefined' || typeof scope.importScripts === 'function';
}

/**
 * The options of a `Request` that fetch would otherwise take from it, to
 * send the same request again with other headers or body.
 *
 * @example
 * ```ts
 * import { requestInitOf } from '@authbelt/core';
 * const init = requestInitOf(new Request('https://example.org/', { cache: 'no-store' }));
 * ```
 */
export function requestInitOf(request: Request): RequestInit {
  return Object.fromEntries(REQUEST_OPTIONS.map((name) => [name, request[name]]));
}

/**
 * Whether a fetch `Request` may carry a body: never with GET or HEAD (fetch
 * refuses one), else unless its `body` is `null`. Firefox has no
 * `Request.prototype.body` (it reads `undefined`), so there only reading the
 * body tells: read it with `request.clone().arrayBuffer()`, never through
 * `request.body`.
 *
 * @example
 * ```ts
 * import { requestMayHaveBody } from '@authbelt/core';
 * requestMayHaveBody(new Request('https://example.org/', { method: 'POST', body: 'x' })); // true
 * requestMayHaveBody(new Request('https://example.org/')); // false
 * ```
 */
export function requestMayHaveBody(request: Request): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
}

/**
 * Whether `hostname` (as `URL.hostname` gives it) is a loopback host: 127.0.0.0/8,
 * `[::1]` or `localhost`. Traffic to them never leaves the machine, and
 * browsers treat them as secure contexts, so a scheme may send what must not
 * cross a network in the clear (Basic to a guessed server, a token) over plain
 * http there.
 *
 * @example
 * ```ts
 * import { isLoopbackHost } from '@authbelt/core';
 * isLoopbackHost(new URL('http://127.0.0.1:8080/').hostname); // true
 * isLoopbackHost('example.org'); // false
 * ```
 */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

// Whether this runtime's Headers take any string and put it on the wire as
// UTF-8 (workerd), instead of taking a ByteString, one octet per character
// (Node, Deno, Bun, browsers). Asked once.
let utf8HeaderValues: boolean | undefined;

/** Whether `new Headers` takes a string that is no ByteString (workerd) rather than refusing it. */
function headersTakeAnyString(): boolean {
  try {
    new Headers({ probe: '\u0100' });
  } catch {
    return false;
  }
  return true;
}

/**
 * `headers` as this runtime's fetch must be given them to send the octets
 * they stand for. Header values here are octets, one per character (fetch's
 * ByteString), which is how a scheme sends raw UTF-8 (a Digest user-id
 * outside ASCII, RFC 9110 obs-text). Most runtimes send exactly those
 * octets; workerd encodes header strings as UTF-8, so there a value whose
 * octets are UTF-8 is handed over decoded, and the same octets go out.
 * Elsewhere `headers` itself is returned.
 *
 * @example
 * ```ts
 * import { headersForFetch } from '@authbelt/core';
 * const headers = headersForFetch(new Headers({ authorization: 'Digest username="J\u00c3\u00a4"' }));
 * ```
 */
export function headersForFetch(headers: Headers): Headers {
  utf8HeaderValues ??= headersTakeAnyString();
  if (!utf8HeaderValues) return headers;
  let out: Headers | undefined;
  for (const [name, value] of headers) {
    if (!/[\u0080-\u00ff]/.test(value)) continue;
    const octets = Uint8Array.from(value, (c) => c.charCodeAt(0));
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(octets);
    } catch {
      // Not UTF-8: nothing to hand over that would keep these octets.
      continue;
    }
    out ??= new Headers(headers);
    out.set(name, text);
  }
  return out ?? headers;
}
