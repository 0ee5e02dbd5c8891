// The end-to-end harness: sequential requests over loopback keep-alive, the
// contestants taking turns request by request in a shuffled order, so a noisy
// neighbour on the machine slows them all alike. Each contestant's median
// request time is kept (its mean beside it), and the medians of CHUNKS
// consecutive slices of the run, so a ratio can be given with its spread.
// mitata's `measure` is not used here: it times synchronous work, and a
// request is a promise.

import { createServer } from 'node:http';

export const CHUNKS = 5;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * Run `contestants` ({ label, send: () => Promise<number> } where `send`
 * makes one request, reads its body and returns its status) `requests` times
 * each after `warmUp` rounds; `between(n)` runs after each round.
 * `observe(contestant, startNs, endNs)`, when given, sees each measured
 * request's window on the monotonic clock (`process.hrtime.bigint()`), which
 * is the clock of the V8 profiler's samples (`bench/profile.mjs e2e`).
 */
export async function alternate(contestants, { requests, warmUp, between, observe }) {
  let measuring = false;
  const one = async (c) => {
    const startHr = observe && measuring ? process.hrtime.bigint() : 0n;
    const started = performance.now();
    const status = await c.send();
    const ns = (performance.now() - started) * 1e6;
    if (startHr !== 0n) observe(c, startHr, process.hrtime.bigint());
    if (status !== 200) throw new Error(`${c.label}: status ${status}`);
    return ns;
  };
  for (let n = 0; n < warmUp; n++) for (const c of contestants) await one(c);
  const times = contestants.map(() => []);
  // A fresh order every round: a rotation would give each contestant the same
  // predecessor every time (whose garbage and sockets it would always inherit).
  // Seeded, so two runs shuffle alike.
  let seed = 0x9e3779b9;
  const random = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  const order = contestants.map((_, i) => i);
  measuring = true;
  for (let n = 0; n < requests; n++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    for (const i of order) times[i].push(await one(contestants[i]));
    between?.(n);
  }
  const size = Math.floor(requests / CHUNKS);
  return contestants.map((c, i) => ({
    ...c,
    medianNs: median(times[i]),
    meanNs: times[i].reduce((sum, t) => sum + t, 0) / times[i].length,
    chunkMediansNs: Array.from({ length: CHUNKS }, (_, k) => median(times[i].slice(k * size, (k + 1) * size))),
    requestsPerSec: 1e9 / median(times[i]),
  }));
}

/**
 * `base`'s speed relative to `row` (base median / row median: 1 = as fast),
 * with the range of the same ratio over the run's consecutive slices.
 */
export function relative(row, base) {
  const ratios = row.chunkMediansNs.map((ns, k) => base.chunkMediansNs[k] / ns).sort((a, b) => a - b);
  return { median: base.medianNs / row.medianNs, low: ratios[0], high: ratios[ratios.length - 1] };
}

/**
 * A loopback server that checks nothing, so it costs the same whoever calls:
 * a request with an Authorization header gets `200 ok`, one without gets a 401
 * with `challenge` (how a Digest client learns its protection space).
 */
export async function startNoCheckServer(challenge) {
  const server = createServer((request, response) => {
    if (request.headers.authorization === undefined) {
      response.writeHead(401, { 'www-authenticate': challenge, 'content-length': '0' });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    response.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
