import { type AuthBody, AuthError } from '@authbelt/core';

const encoder = new TextEncoder();

/** A Node `Readable`, a web `ReadableStream` or an async iterable: data that can be read only once. */
function isStream(data: NonNullable<unknown>): boolean {
  if (typeof data !== 'object') return false;
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) return true;
  if (typeof (data as { pipe?: unknown }).pipe === 'function') return true;
  return Symbol.asyncIterator in data && !isBlob(data);
}

function isBlob(data: unknown): data is Blob {
  return typeof Blob !== 'undefined' && data instanceof Blob;
}

function isFormData(data: unknown): data is FormData {
  return typeof FormData !== 'undefined' && data instanceof FormData;
}

function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * An axios request body at the adapter stage (after `transformRequest`: a
 * string, `ArrayBuffer`, `Buffer`, `Blob`, `FormData` or a stream) seen as an
 * {@link AuthBody}.
 *
 * A spec `FormData` is encoded once, before the first leg, so every leg sends
 * the same bytes and the same boundary (axios would pick a new boundary for
 * each send, and a Digest `auth-int` hash must cover what goes on the wire).
 */
export class AxiosBody implements AuthBody {
  readonly replayable: boolean;
  #data: unknown;
  #contentType: string | undefined;

  private constructor(data: NonNullable<unknown>, contentType: string | undefined) {
    this.#data = data;
    this.#contentType = contentType;
    this.replayable = !isStream(data);
  }

  /** The body for `data` (never `undefined` or `null`: a request with those has no body). */
  static async from(data: NonNullable<unknown>): Promise<AxiosBody> {
    if (isFormData(data)) {
      const carrier = new Response(data);
      const bytes = await carrier.arrayBuffer();
      return new AxiosBody(bytes, carrier.headers.get('content-type') ?? undefined);
    }
    return new AxiosBody(data, undefined);
  }

  /** The `Content-Type` to send when the body was encoded here (a `FormData`'s multipart boundary). */
  get contentType(): string | undefined {
    return this.#contentType;
  }

  /** What the axios adapter is handed for one leg. */
  get wire(): unknown {
    return this.#data;
  }

  async bytes(): Promise<Uint8Array> {
    const data = this.#data;
    if (!this.replayable) {
      throw new AuthError('ERR_BODY_NOT_REPLAYABLE', 'A stream body cannot be read before it is sent');
    }
    if (typeof data === 'string') return encoder.encode(data);
    if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
    if (ArrayBuffer.isView(data)) {
      return new Uint8Array(exactBuffer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    }
    if (isBlob(data)) return new Uint8Array(await data.arrayBuffer());
    if (data instanceof URLSearchParams) return encoder.encode(data.toString());
    throw new AuthError(
      'ERR_INVALID_ARGUMENT',
      'The request data is not a string, ArrayBuffer, Buffer, Blob, FormData or stream after transformRequest',
    );
  }
}
