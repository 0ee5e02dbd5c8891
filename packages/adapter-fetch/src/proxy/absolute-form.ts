import { type AuthBase, AuthError, type AuthRequest, type AuthResponse, authenticate } from '@authbelt/core';
import { Dispatcher, type Pool } from 'undici';

type LegacyHandler = {
  onConnect?(abort: (reason?: Error) => void, context?: object): void;
  onHeaders?(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(error: Error): void;
  onResponseStarted?(): void;
};

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
  if (raw === undefined || raw === null) return headers;
  if (Array.isArray(raw)) {
    const flat = raw as unknown as Array<string | Buffer>;
    for (let i = 0; i + 1 < flat.length; i += 2) headers.append(String(flat[i]), String(flat[i + 1]));
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
  for (let i = 0; i + 1 < raw.length; i += 2) {
    headers.append(String(raw[i]).toLowerCase(), (raw[i + 1] as Buffer).toString('latin1'));
  }
  return headers;
}

/** Read a dispatch body once into memory, so a 407 can be answered by sending it again. */
async function bufferBody(body: unknown): Promise<Uint8Array | string | null> {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
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
    this.#exchange(options, caller).catch((error: unknown) => caller.onError?.(error as Error));
    return true;
  }

  async #exchange(options: Dispatcher.DispatchOptions, caller: LegacyHandler): Promise<void> {
    const origin = String(options.origin ?? '').replace(/\/$/, '');
    const target = `${origin}${options.path}`;
    const headers = toHeaders(options.headers);
    if (!headers.has('host')) headers.set('host', new URL(origin).host);
    const body = await bufferBody(options.body);
    const request: AuthRequest = { method: options.method, url: target, target, headers, proxy: this.#proxy };
    if (body !== null) {
      const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
      request.body = { replayable: true, bytes: async () => bytes };
    }
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
      caller.onError?.(
        new AuthError('ERR_PROXY_AUTHENTICATION', 'The proxy did not accept the credentials (407)', { response }),
      );
      return;
    }
    final.deliver();
  }

  #send(
    options: Dispatcher.DispatchOptions,
    leg: AuthRequest,
    body: Uint8Array | string | null,
    caller: LegacyHandler,
  ): Promise<Leg> {
    return new Promise<Leg>((resolve, reject) => {
      let mode: 'held' | 'deliver' | 'discard' = 'held';
      let settleDiscard: (() => void) | undefined;
      let resumeLeg: (() => void) | undefined;
      let abortLeg: ((reason?: Error) => void) | undefined;
      let headersSeen = false;
      const legHandler: LegacyHandler = {
        onConnect: (abort, context) => {
          abortLeg = abort;
          caller.onConnect?.(abort, context);
        },
        onResponseStarted: () => caller.onResponseStarted?.(),
        onHeaders: (status, rawHeaders, resume, statusText) => {
          if (status < 200) return true;
          headersSeen = true;
          resumeLeg = resume;
          resolve({
            status,
            url: leg.url,
            headers: headersFromRaw(rawHeaders),
            deliver: () => {
              mode = 'deliver';
              if (caller.onHeaders?.(status, rawHeaders, resume, statusText) !== false) resume();
            },
            discard: () =>
              new Promise<void>((done) => {
                mode = 'discard';
                // A body read within the bound keeps the connection; one that
                // does not end (a stalling proxy) is aborted, so it never
                // stalls the exchange (DESIGN.md: drained within a bound).
                const timer = setTimeout(() => abortLeg?.(new Error('discarded')), DISCARD_WAIT_MS);
                settleDiscard = () => {
                  clearTimeout(timer);
                  done();
                };
                resumeLeg?.();
              }),
          });
          // Hold the body until the driver decides who reads it.
          return false;
        },
        onData: (chunk) => (mode === 'deliver' ? caller.onData?.(chunk) !== false : true),
        onComplete: (trailers) => {
          if (mode === 'deliver') caller.onComplete?.(trailers);
          else settleDiscard?.();
        },
        onError: (error) => {
          if (!headersSeen) reject(error);
          else if (mode === 'deliver') caller.onError?.(error);
          else settleDiscard?.();
        },
      };
      const headers: Record<string, string> = {};
      for (const [name, value] of leg.headers) headers[name] = value;
      this.#pool.dispatch(
        { ...options, path: leg.target ?? leg.url, headers: headers as DispatchHeaders, body },
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
