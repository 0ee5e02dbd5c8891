// The rules the fetch-based adapters share, pinned by behaviour: what a
// discarded body costs, which requests may carry a body, what counts as
// loopback (where a scheme may send in the clear), and how header octets
// reach a runtime whose Headers take any string (workerd).
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type DiscardableResponse,
  discardResponseBody,
  isLoopbackHost,
  redirectsAreOpaque,
  requestInitOf,
  requestMayHaveBody,
} from './web-fetch.js';

/** A structural response (another fetch's) whose reader hands out `reads` in turn and records what was asked of it. */
function structural(bodyUsed: boolean, reads: Array<{ done: boolean; value?: { byteLength: number } }>) {
  const log: string[] = [];
  const response: DiscardableResponse = {
    bodyUsed,
    body: {
      getReader() {
        log.push('getReader');
        return {
          read: async () => {
            log.push('read');
            return reads.shift() ?? { done: true };
          },
          cancel: async () => {
            log.push('cancel');
          },
        };
      },
    },
  };
  return { response, log };
}

describe('discardResponseBody: bounds', () => {
  it('reads a body of exactly 64 KiB to its end (the bound is inclusive), so its connection is reused', async () => {
    const chunks = Array.from({ length: 64 }, () => ({ done: false, value: { byteLength: 1024 } }));
    const { response, log } = structural(false, [...chunks, { done: true }]);
    await discardResponseBody(response);
    expect(log.filter((call) => call === 'read')).toHaveLength(65);
    expect(log).not.toContain('cancel');
  });

  it('leaves the body of a response someone has read alone (another fetch’s response too)', async () => {
    const { response, log } = structural(true, [{ done: false, value: { byteLength: 1 } }]);
    await discardResponseBody(response);
    expect(log).toEqual([]);
  });

  it('reads a body whose chunks carry no value to its end, counting them as no bytes', async () => {
    const { response, log } = structural(false, [{ done: false }, { done: false }, { done: true }]);
    await discardResponseBody(response);
    expect(log).toEqual(['getReader', 'read', 'read', 'read']);
  });
});

describe('requestMayHaveBody', () => {
  it.each<[string, RequestInit, boolean]>([
    ['GET', {}, false],
    ['HEAD', { method: 'HEAD' }, false],
    ['POST with a body', { method: 'POST', body: 'x' }, true],
    ['POST without one', { method: 'POST' }, false],
    ['PUT with an empty body', { method: 'PUT', body: '' }, true],
    ['DELETE with a body', { method: 'DELETE', body: 'x' }, true],
  ])('%s: %s', (_name, init, expected) => {
    expect(requestMayHaveBody(new Request('https://example.org/', init))).toBe(expected);
  });

  it('says no for GET and HEAD even where the runtime shows a body (Firefox has no Request.body)', () => {
    const shaped = (method: string) => ({ method, body: undefined }) as unknown as Request;
    expect(requestMayHaveBody(shaped('GET'))).toBe(false);
    expect(requestMayHaveBody(shaped('HEAD'))).toBe(false);
    expect(requestMayHaveBody(shaped('POST'))).toBe(true);
  });
});

describe('requestInitOf', () => {
  it('copies every option fetch would take from the request besides method, headers and body', () => {
    const options = {
      cache: 'no-store',
      credentials: 'include',
      integrity: 'sha256-abc',
      keepalive: true,
      mode: 'same-origin',
      referrer: 'https://example.org/from',
      referrerPolicy: 'no-referrer',
    } as const satisfies RequestInit;
    const controller = new AbortController();
    const request = new Request('https://example.org/', {
      ...options,
      signal: controller.signal,
      method: 'POST',
      body: 'x',
      headers: { 'x-a': '1' },
    });
    const init = requestInitOf(request);
    expect(Object.keys(init).sort()).toEqual([...Object.keys(options), 'signal'].sort());
    expect(init).toMatchObject(options);
    // The copy follows the caller's signal.
    expect(init.signal?.aborted).toBe(false);
    controller.abort();
    expect(init.signal?.aborted).toBe(true);
  });
});

describe('redirectsAreOpaque', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is false on a server runtime (Node)', () => {
    expect(redirectsAreOpaque()).toBe(false);
  });

  it('is true in a window', () => {
    vi.stubGlobal('document', {});
    expect(redirectsAreOpaque()).toBe(true);
  });

  it('is true in a web worker, and not for an importScripts that is no function', () => {
    vi.stubGlobal('importScripts', () => {});
    expect(redirectsAreOpaque()).toBe(true);
    vi.stubGlobal('importScripts', 'not a function');
    expect(redirectsAreOpaque()).toBe(false);
  });
});

describe('isLoopbackHost: only the whole name counts', () => {
  it.each([
    ['1127.0.0.1', false],
    ['x127.0.0.1', false],
    ['127.0.0.1x', false],
    ['127.0.0.1000', false],
    ['127.0.0', false],
    ['127.0.0.1.1', false],
    ['127.0..1', false],
    ['127a0b0c1', false],
    ['127.1.22.255', true],
    ['127.100.10.1', true],
    ['LOCALHOST', false],
    ['::1', false],
  ])('%s: %s', (hostname, loopback) => {
    expect(isLoopbackHost(hostname)).toBe(loopback);
  });
});

/** Headers as workerd has them: any string is taken (and would go out UTF-8 encoded). */
class AnyStringHeaders {
  readonly #entries = new Map<string, string>();
  constructor(init?: Iterable<[string, string]> | Record<string, string>) {
    if (init === undefined) return;
    const entries = Symbol.iterator in init ? (init as Iterable<[string, string]>) : Object.entries(init);
    for (const [name, value] of entries) this.set(name, value);
  }
  set(name: string, value: string): void {
    this.#entries.set(name.toLowerCase(), value);
  }
  get(name: string): string | null {
    return this.#entries.get(name.toLowerCase()) ?? null;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.#entries.entries();
  }
}

describe('headersForFetch on a runtime whose Headers take any string (workerd)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  /** headersForFetch as a fresh load of the module sees it with workerd's Headers. */
  async function onWorkerd() {
    vi.stubGlobal('Headers', AnyStringHeaders);
    vi.resetModules();
    const module = await import('./web-fetch.js');
    return module.headersForFetch;
  }
  const entries = (headers: Headers) => Object.fromEntries(headers as unknown as Iterable<[string, string]>);

  it('hands a value whose octets are UTF-8 over decoded, so the same octets go out; the rest stay', async () => {
    const convert = await onWorkerd();
    const headers = new Headers({
      authorization: 'Digest username="J\u00c3\u00a4s\u00c3\u00b8n"',
      'x-trace': 't',
    });
    const out = convert(headers);
    expect(out).not.toBe(headers);
    expect(entries(out)).toEqual({ authorization: 'Digest username="Jäsøn"', 'x-trace': 't' });
    // The caller's headers are not changed.
    expect(headers.get('authorization')).toBe('Digest username="J\u00c3\u00a4s\u00c3\u00b8n"');
  });

  it('hands over the very same headers when every value is ASCII', async () => {
    const convert = await onWorkerd();
    const headers = new Headers({ authorization: 'Basic dTpw', 'x-trace': 't' });
    expect(convert(headers)).toBe(headers);
  });

  it('leaves a value whose octets are not UTF-8 as it is, and decodes the one beside it that is', async () => {
    const convert = await onWorkerd();
    const headers = new Headers({ 'x-latin1': 'J\u00e4son', 'x-utf8': 'J\u00c3\u00a4' });
    expect(entries(convert(headers))).toEqual({ 'x-latin1': 'J\u00e4son', 'x-utf8': 'Jä' });
    const latin1Only = new Headers({ 'x-latin1': 'J\u00e4son' });
    expect(convert(latin1Only)).toBe(latin1Only);
  });
});
