import { once } from 'node:events';
import { Agent, createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

// An intermediate 401 read with `responseType: 'stream'` is left unread by
// axios: authbelt drains it so its connection goes back to the pool, and cuts
// one that runs past the bound (64 KiB) instead of reading it all.

let server: Server;
let url: string;
let connections = 0;
// Connections of this test that carried a 401 and have closed since (a test's connections are its generation's).
let closed401 = 0;
let generation = 0;
const carried401 = new WeakMap<Socket, number>();
let agent: Agent;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers['x-tokenauth'] === 'tok') {
      res.end('ok');
      return;
    }
    carried401.set(req.socket, generation);
    const size = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('size'));
    res.on('error', () => {});
    res.writeHead(401, { 'www-authenticate': 'Token realm="t"', 'content-length': String(size) });
    res.end(Buffer.alloc(size, 'a'));
  });
  // Only a cut body closes a connection while a test runs.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    connections++;
    // A client that cuts a body resets the connection under the write.
    socket.on('error', () => {});
    socket.once('close', () => {
      if (carried401.get(socket) === generation) closed401++;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  agent = new Agent({ keepAlive: true });
  generation++;
  connections = 0;
  closed401 = 0;
});
afterEach(() => {
  agent.destroy();
});

describe('an intermediate 401 with responseType stream (http adapter)', () => {
  const exchange = async (size: number) => {
    const api = withAuth(axios.create({ adapter: 'http', httpAgent: agent }), new ChallengeTokenAuth());
    const response = await api.get(`${url}?size=${size}`, { responseType: 'stream' });
    expect(response.status).toBe(200);
    const data = response.data as Readable;
    data.resume();
    await finished(data);
  };

  it.each([
    ['8 KiB', 8 * 1024],
    ['exactly 64 KiB', 64 * 1024],
  ])('is read to its end within the bound (%s), so its connection is used again', async (_size, size) => {
    for (let i = 0; i < 6; i++) await exchange(size);
    // Two connections at most: the 401's is still being drained when the answer goes out.
    expect(connections).toBeLessThanOrEqual(2);
    expect(closed401).toBe(0);
  });

  it('is drained as well where setTimeout gives a number, not a Timeout (Deno, browsers)', async () => {
    const nodeSetTimeout = globalThis.setTimeout;
    vi.stubGlobal('setTimeout', (...args: Parameters<typeof setTimeout>) => Number(nodeSetTimeout(...args)));
    try {
      for (let i = 0; i < 3; i++) await exchange(8 * 1024);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(connections).toBeLessThanOrEqual(2);
    expect(closed401).toBe(0);
  });

  it('is cut past the bound: its connection is closed, not read to the end', async () => {
    await exchange(4 * 1024 * 1024);
    await expect.poll(() => closed401, { timeout: 3000 }).toBe(1);
  });
});
