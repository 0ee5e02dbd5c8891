import { type AuthBody, AuthError } from '@authbelt/core';

/** The fetch options of one leg; `duplex` is what Node's fetch needs to send a stream. */
export type LegInit = RequestInit & { headers: Headers; duplex?: 'half' };

// A ReadableStream (not async-iterable in every browser) or another async iterable such as a Node stream.
const isStream = (body: unknown): boolean =>
  (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) ||
  (!(body instanceof Blob) && (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== undefined);

/** A fetch body seen as an {@link AuthBody}, and how it goes into each leg. */
export interface FetchBody extends AuthBody {
  /** Put the body for the next leg into `init`. */
  wire(init: LegInit): Promise<void>;
}

/**
 * `source` as a {@link FetchBody}. Replayable kinds are handed to fetch again
 * on each leg; a stream is sent once. Bytes are encoded only when a scheme
 * asks (Digest auth-int), and from then on exactly those bytes are sent, so
 * the hash always covers what goes on the wire (a FormData gets one boundary,
 * not a new one per leg).
 */
export function fetchBody(source: BodyInit | Request): FetchBody {
  const isRequest = source instanceof Request;
  const replayable = isRequest || !isStream(source);
  let encoded: [Uint8Array, string | null] | undefined;
  // The bytes and content type fetch would send, encoded once by the platform.
  // A Request is read through a copy of its body, so its own stays unread and
  // its headers (already the caller's) add no content type.
  // (Through clone(), not `body`, which Firefox's Request lacks.)
  const encode = async (): Promise<[Uint8Array, string | null]> => {
    if (encoded === undefined) {
      const carrier = isRequest ? source.clone() : new Response(source);
      encoded = [new Uint8Array(await carrier.arrayBuffer()), isRequest ? null : carrier.headers.get('content-type')];
    }
    return encoded;
  };

  return {
    replayable,
    async bytes() {
      if (!replayable) throw new AuthError('ERR_BODY_NOT_REPLAYABLE', 'A stream body cannot be read before it is sent');
      return (await encode())[0];
    },
    async wire(init) {
      // A FormData gets a new multipart boundary each time fetch encodes it, and
      // a Request's body can be read once: encode either once, so every leg
      // sends the same bytes (as bytes, which keep Content-Length).
      if (encoded || isRequest || source instanceof FormData) {
        const [bytes, contentType] = await encode();
        // The whole buffer (encode made it for these bytes alone): an ArrayBuffer is a body every fetch takes.
        init.body = bytes.buffer as ArrayBuffer;
        // The leg's own headers: the scheme sees what is sent, and as a header
        // the user did not set it stays behind on a redirect like any other.
        if (contentType && !init.headers.has('content-type')) init.headers.set('content-type', contentType);
      } else {
        init.body = source;
        if (!replayable) init.duplex = 'half';
      }
    },
  };
}
