import { describe, expect, it, vi } from 'vitest';
import { discardResponseBody, headersForFetch, isLoopbackHost } from './web-fetch.js';

/** A body that sends `chunks` and then, unless `end`, never ends; says whether it was cancelled and how much was pulled. */
function body(chunks: number, size: number, end: boolean) {
  const state = { cancelled: false, pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled < chunks) {
        state.pulled++;
        controller.enqueue(new Uint8Array(size));
      } else if (end) {
        controller.close();
      } else {
        // Never enqueue again and never close: a server that stalls mid-body.
        return new Promise<void>(() => {});
      }
      return undefined;
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { response: new Response(stream), state };
}

describe('discardResponseBody', () => {
  it('reads a small body to its end, so the connection can be reused', async () => {
    const { response, state } = body(3, 100, true);
    await discardResponseBody(response);
    expect(state).toEqual({ cancelled: false, pulled: 3 });
  });

  it('cancels a large body past the byte bound', async () => {
    const { response, state } = body(1000, 1024, true);
    await discardResponseBody(response);
    expect(state.cancelled).toBe(true);
    expect(state.pulled).toBeLessThan(1000);
  });

  it('moves on from a body that never ends, and cancels it', async () => {
    const { response, state } = body(1, 10, false);
    // Without the time bound this never resolves and the test's timeout fails it.
    await discardResponseBody(response);
    expect(state.cancelled).toBe(true);
  });

  it('leaves no timer behind to keep the process alive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await discardResponseBody(body(2, 10, true).response);
      expect(vi.getTimerCount()).toBe(0);
      const endless = discardResponseBody(body(1, 10, false).response);
      await vi.advanceTimersByTimeAsync(1000);
      await endless;
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does nothing with a body already read, locked or absent', async () => {
    const read = new Response('x');
    await read.text();
    await discardResponseBody(read);
    const locked = new Response('x');
    locked.body?.getReader();
    await discardResponseBody(locked);
    await discardResponseBody(new Response(null, { status: 204 }));
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['localhost', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['127.0.0.1.example.org', false],
    ['example.org', false],
    ['localhost.example.org', false],
    ['[::2]', false],
  ])('%s: %s', (hostname, loopback) => {
    expect(isLoopbackHost(hostname)).toBe(loopback);
    expect(isLoopbackHost(new URL(`http://${hostname}:8080/`).hostname)).toBe(loopback);
  });
});

describe('headersForFetch', () => {
  it('hands a runtime whose Headers take ByteStrings (Node) the very same headers, octets unchanged', () => {
    const headers = new Headers({ authorization: 'Digest username="J\u00c3\u00a4"' });
    expect(headersForFetch(headers)).toBe(headers);
  });
});
