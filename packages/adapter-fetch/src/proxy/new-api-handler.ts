import type { LegacyHandler } from './absolute-form.js';

/** Response headers or trailers as undici 7 gives them to a new-API handler. */
type HeaderRecord = Record<string, string | string[]>;

/** What undici 7 hands a new-API handler to steer its request. */
interface Controller {
  abort(reason?: Error): void;
  pause(): void;
  resume(): void;
  readonly aborted: boolean;
  readonly paused: boolean;
  readonly reason: Error | null;
}

/** undici 7's handler API (interceptors, `compose`); every callback but onResponseError optional, as in undici. */
interface NewApiHandler {
  onRequestStart(controller: Controller, context?: object): void;
  onResponseStart?(controller: Controller, statusCode: number, headers: HeaderRecord, statusMessage: string): void;
  onResponseData?(controller: Controller, chunk: Buffer): void;
  onResponseEnd?(controller: Controller, trailers: HeaderRecord): void;
  onResponseError(controller: Controller, error: Error): void;
}

/**
 * Whether `handler` speaks undici 7's API: it has onRequestStart, and
 * onResponseError to be told of a failure (without it a failure could reach no one).
 */
export function isNewApiHandler(handler: object): handler is NewApiHandler {
  const candidate = handler as Partial<NewApiHandler>;
  return typeof candidate.onRequestStart === 'function' && typeof candidate.onResponseError === 'function';
}

// Raw header pairs as undici 7 parses them for a new-API handler: lower-cased
// names, a repeated name as a list, values as latin1 (byte for byte).
function headerRecord(raw: Buffer[] | null): HeaderRecord {
  // No prototype: a header named __proto__ is a header like any other.
  const record: HeaderRecord = Object.create(null);
  if (raw === null) return record;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
    const value = (raw[i + 1] as Buffer).toString('latin1');
    const seen = record[name];
    if (seen === undefined) record[name] = value;
    else if (typeof seen === 'string') record[name] = [seen, value];
    else seen.push(value);
  }
  return record;
}

/**
 * A legacy handler (onConnect, onHeaders, ...) that drives a new-API one, as
 * undici's own dispatchers do internally. onRequestStart is called once for
 * the whole exchange, however many legs (a 407, then its answer) it takes: the
 * controller's abort() ends whichever leg is under way, and a leg that starts
 * after an abort is ended at once with its reason.
 */
export function legacyHandlerFor(handler: NewApiHandler): LegacyHandler {
  // The leg under way's abort and body resume; no-ops until a leg has them.
  let abortLeg = (_reason?: Error): void => {};
  let resumeBody = (): void => {};
  let started = false;
  let aborted = false;
  let paused = false;
  let reason: Error | null = null;
  const controller: Controller = {
    abort(why) {
      if (aborted) return;
      aborted = true;
      reason = why ?? null;
      abortLeg(why);
    },
    pause() {
      paused = true;
    },
    resume() {
      // undici's own resume does nothing for a body that is not paused.
      paused = false;
      resumeBody();
    },
    get aborted() {
      return aborted;
    },
    get paused() {
      return paused;
    },
    get reason() {
      return reason;
    },
  };
  return {
    onConnect(abort, context) {
      abortLeg = abort;
      if (aborted) abort(reason ?? undefined);
      else if (!started) {
        started = true;
        handler.onRequestStart(controller, context);
      }
    },
    onHeaders(status, rawHeaders, resume, statusText) {
      resumeBody = resume;
      handler.onResponseStart?.(controller, status, headerRecord(rawHeaders), statusText);
      return !paused;
    },
    onData(chunk) {
      handler.onResponseData?.(controller, chunk);
      return !paused;
    },
    onComplete(trailers) {
      handler.onResponseEnd?.(controller, headerRecord(trailers));
    },
    onError(error) {
      handler.onResponseError(controller, error);
    },
  };
}
