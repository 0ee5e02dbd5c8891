import { type AuthBase, AuthError, type AuthRequest, type AuthResponse, authenticate } from '@authbelt/core';
import { Dispatcher, errors, type Pool } from 'undici';
import { isNewApiHandler, legacyHandlerFor } from './new-api-handler.js';

/** undici's legacy handler API, the one this dispatcher drives. */
export type LegacyHandler = {
  onConnect(abort: (reason?: Error) => void, context?: object): void;
  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(trailers: Buffer[] | null): void;
  onError(error: Error): void;
  onResponseStarted?(): void;
};

// What undici's own dispatchers require of a handler (onResponseStarted is optional there too).
const CALLBACKS = ['onConnect', 'onError', 'onHeaders', 'onData', 'onComplete'] as const;

// How long a response the caller never sees may take to finish before its
// request is aborted (core's discardResponseBody waits as long).
const DISCARD_WAIT_MS = 100;

/** One leg's response, held at its headers until the driver says whether the caller gets it. */
interface Leg extends AuthResponse {
  deliver(): void;
  discard(): Promise<void>;
}

type DispatchHeaders = NonNullable<Dispatcher.DispatchOptions['headers']>;

function toHeaders(raw: Dispatcher.DispatchOptions['headers']): Headers {
  const headers = new Headers();
  if (raw == null) return headers;
  if (Array.isArray(raw)) {
    const flat = raw as unknown as Array<string | Buffer>;
    // As undici: a name without its value fails the request.
    if (flat.length % 2 !== 0) throw new errors.InvalidArgumentError('headers array must be even');
    for (let i = 0; i < flat.length; i += 2) headers.append(String(flat[i]), String(flat[i + 1]));
    return headers;
  }
  if (typeof (raw as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [name, value] of raw as Iterable<[string, string]>) headers.append(name, value);
    return headers;
  }
  for (const [name, value] of Object.entries(raw as Record<string, string | string[] | undefined>)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function headersFromRaw(raw: Buffer[]): Headers {
  const headers = new Headers();
  // undici's raw headers come in name-value pairs (Headers lower-cases the names).
  for (let i = 0; i < raw.length; i += 2) headers.append(String(raw[i]), (raw[i + 1] as Buffer).toString('latin1'));
  return headers;
}

/** Read a dispatch body once into memory, as bytes, so a 407 can be answered by sending it again. */
async function bufferBody(body: unknown): Promise<Uint8Array | null> {
  if (body == null) return null;
  if (body instanceof Uint8Array) return body;
  // Stryker disable next-line StringLiteral: a string read by the loop below (code point by code point) is the same UTF-8 bytes
  if (typeof body === 'string') return new TextEncoder().encode(body);
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Sends plain-http requests to the proxy in absolute-form (RFC 9112 §3.2.2)
 * and answers the proxy's 407 itself, through core's driver: fetch turns a
 * 407 into a network error, so the proxy's challenge must be met below it.
 */
export class AbsoluteFormDispatcher extends Dispatcher {
  readonly #pool: Pool;
  readonly #auth: AuthBase | undefined;
  readonly #proxy: string;

  /** `proxy` is the proxy's origin: what the requests it sends are marked with for the proxy scheme. */
  constructor(pool: Pool, auth: AuthBase | undefined, proxy: string) {
    super();
    this.#pool = pool;
    this.#auth = auth;
    this.#proxy = proxy;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const caller = handler as unknown as LegacyHandler;
    // As undici's dispatchers: a handler without a callback is refused, through its onError if it has one.
    const missing = CALLBACKS.find((name) => typeof caller[name] !== 'function');
    if (missing !== undefined && isNewApiHandler(handler)) {
      // undici 7's API (interceptors, compose): driven through a legacy handler, as undici's dispatchers do.
      this.#run(options, legacyHandlerFor(handler));
    } else if (missing !== undefined) {
      const error = new errors.InvalidArgumentError(`invalid ${missing} method`);
      if (typeof caller.onError !== 'function') throw error;
      caller.onError(error);
    } else {
      this.#run(options, caller);
    }
    // Never busy, as undici's Agent: requests wait in the pool, so there is no 'drain' to wait for.
    return true;
  }

  #run(options: Dispatcher.DispatchOptions, caller: LegacyHandler): void {
    this.#exchange(options, caller).catch((error: unknown) => caller.onError(error as Error));
  }

  async #exchange(options: Dispatcher.DispatchOptions, caller: LegacyHandler): Promise<void> {
    // The router has read options.origin as a URL already.
    const origin = String(options.origin).replace(/\/$/, '');
    const target = `${origin}${options.path}`;
    const headers = toHeaders(options.headers);
    if (!headers.has('host')) headers.set('host', new URL(origin).host);
    const body = await bufferBody(options.body);
    const request: AuthRequest = { method: options.method, url: target, target, headers, proxy: this.#proxy };
    if (body !== null) request.body = { replayable: true, bytes: async () => body };
    const send = (leg: AuthRequest): Promise<Leg> => this.#send(options, leg, body, caller);
    const transport = { send, view: (leg: Leg): AuthResponse => leg, discard: (leg: Leg) => leg.discard() };
    const final =
      this.#auth === undefined
        ? await send(request)
        : await authenticate(this.#auth, request, transport, { redirect: 'manual' });
    if (final.status === 407) {
      // fetch would turn the 407 into a bare network error: say why instead.
      await final.discard();
      const response = { status: final.status, url: final.url, headers: final.headers };
      caller.onError(
        new AuthError('ERR_PROXY_AUTHENTICATION', 'The proxy did not accept the credentials (407)', { response }),
      );
      return;
    }
    final.deliver();
  }

  #send(
    options: Dispatcher.DispatchOptions,
    leg: AuthRequest,
    body: Uint8Array | null,
    caller: LegacyHandler,
  ): Promise<Leg> {
    return new Promise<Leg>((resolve, reject) => {
      // Whether the caller gets this leg's response; until then its body is held, then drained.
      let delivered = false;
      let settleDiscard = (): void => {};
      let abortLeg = (_reason?: Error): void => {};
      let headersSeen = false;
      const legHandler: LegacyHandler = {
        onConnect: (abort, context) => {
          abortLeg = abort;
          caller.onConnect(abort, context);
        },
        onResponseStarted: () => caller.onResponseStarted?.(),
        onHeaders: (status, rawHeaders, resume, statusText) => {
          // An interim response (103 Early Hints): the answer is still to come.
          // Stryker disable next-line BooleanLiteral: undici reads no body after a 1xx and ignores what onHeaders answers for one
          if (status < 200) return true;
          headersSeen = true;
          resolve({
            status,
            url: leg.url,
            headers: headersFromRaw(rawHeaders),
            deliver: () => {
              delivered = true;
              if (caller.onHeaders(status, rawHeaders, resume, statusText) !== false) resume();
            },
            discard: () =>
              new Promise<void>((done) => {
                // A body read within the bound keeps the connection; one that
                // does not end (a stalling proxy) is aborted, so it never
                // stalls the exchange (DESIGN.md: drained within a bound).
                // Stryker disable next-line StringLiteral: the reason reaches only this leg's onError, which for a discarded leg only settles
                const timer = setTimeout(() => abortLeg(new Error('discarded')), DISCARD_WAIT_MS);
                settleDiscard = () => {
                  clearTimeout(timer);
                  done();
                };
                resume();
              }),
          });
          // Hold the body until the driver decides who reads it.
          return false;
        },
        onData: (chunk) => (delivered ? caller.onData(chunk) !== false : true),
        onComplete: (trailers) => {
          if (delivered) caller.onComplete(trailers);
          else settleDiscard();
        },
        onError: (error) => {
          if (!headersSeen) reject(error);
          else if (delivered) caller.onError(error);
          else settleDiscard();
        },
      };
      const headers: Record<string, string> = {};
      for (const [name, value] of leg.headers) headers[name] = value;
      this.#pool.dispatch(
        // Absolute-form: the whole URL is the request-target.
        { ...options, path: leg.url, headers: headers as DispatchHeaders, body },
        legHandler as unknown as Dispatcher.DispatchHandler,
      );
    });
  }

  override close(): Promise<void> {
    return this.#pool.close();
  }

  override destroy(): Promise<void> {
    return this.#pool.destroy();
  }
}
