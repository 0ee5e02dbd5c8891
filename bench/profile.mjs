// Where the time of a request goes, for the closing note of a target not met:
// runs one hot loop under the V8 CPU profiler (node:inspector, the same
// profile `node --cpu-prof` writes) and prints the functions by self time.
//
//   node bench/profile.mjs digest-hot [SHA-256|MD5]   DigestAuth.flow answered up front
//   node bench/profile.mjs adapter [basic|digest]     withAuth(fetch-like stub, scheme): adapter + driver + scheme, no socket
//   node bench/profile.mjs cold [SHA-256|MD5]         parseChallenges + digestAuthorization + randomCnonce
//   node bench/profile.mjs client [fetch|axios-http|axios-fetch|ky]
//                                                     BasicAuth through the adapter vs the header by hand, over loopback
//   node bench/profile.mjs alloc [fetch|axios-http|axios-fetch|ky]
//                                                     bytes allocated a request, BasicAuth vs the header by hand, over loopback
//   node bench/profile.mjs e2e [requests]             the end-to-end bench itself (every contestant, shuffled turns)
//                                                     under the profiler, each sample given to the request it fell in
//
// Built packages (pnpm build) are profiled, as `pnpm bench` measures them.

import { Session } from 'node:inspector/promises';
import { withAuth } from '@authbelt/adapter-fetch';
import { BasicAuth } from '@authbelt/basic';
import { DigestAuth } from '@authbelt/digest';
import { authbelt, digestRaces, METHOD, PASSWORD, URI, USERNAME } from './digest-clients.mjs';

const [what = 'digest-hot', variant] = process.argv.slice(2);
const ITERATIONS = 300_000;
const url = `http://example.org${URI}`;
const ok = { status: 200, url, headers: new Headers(), body: null };

function challengeOf(algorithm = 'SHA-256') {
  const race = digestRaces.find((r) => r.algorithm === algorithm);
  if (race === undefined) throw new Error(`no ${algorithm} challenge in digest-clients.mjs`);
  return race.challenge;
}

async function primedDigest(challenge) {
  const auth = new DigestAuth(USERNAME, PASSWORD);
  const flow = auth.flow({ method: METHOD, url, headers: new Headers() });
  await flow.next();
  await flow.next({ status: 401, url, headers: new Headers({ 'www-authenticate': challenge }) });
  await flow.next(ok);
  return auth;
}

const loops = {
  async 'digest-hot'() {
    const auth = await primedDigest(challengeOf(variant));
    return async () => {
      const flow = auth.flow({ method: METHOD, url, headers: new Headers() });
      await flow.next();
      await flow.next(ok);
    };
  },
  async adapter() {
    const challenge = challengeOf('SHA-256');
    const unauthorized = { status: 401, url, headers: new Headers({ 'www-authenticate': challenge }), body: null };
    // A fetch that answers at once: what is left is the adapter, the driver and the scheme.
    const stub = async (_url, init) => (init.headers.has('authorization') ? ok : unauthorized);
    const auth = variant === 'digest' ? new DigestAuth(USERNAME, PASSWORD) : new BasicAuth(USERNAME, PASSWORD);
    const authFetch = withAuth(stub, auth);
    await authFetch(url);
    return () => authFetch(url);
  },
  async cold() {
    const header = challengeOf(variant);
    return () => authbelt(header);
  },
};

// Profile `iterations` calls of `step`: CPU µs an iteration, and self time (µs
// in all) by function (name, file, line).
async function profileLoop(session, step, iterations) {
  await session.post('Profiler.start');
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await step();
  const cpu = process.cpuUsage(cpu0);
  const { profile } = await session.post('Profiler.stop');
  const dt = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const self = new Map();
  for (const node of profile.nodes) {
    const { functionName, url: file, lineNumber } = node.callFrame;
    const where = file === '' ? '' : ` ${file.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
  }
  return { cpuPerIteration: (cpu.user + cpu.system) / iterations, self };
}

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });

if (what === 'alloc') {
  // Bytes allocated a request (V8's sampling heap profiler, counting what the
  // garbage collector has freed since), the scheme through the adapter against
  // the header by hand, in alternating blocks; and how much of it was
  // allocated in authbelt's own functions. The GC's share of a request grows
  // with what a request allocates.
  const { clientPair } = await import('./e2e.bench.mjs');
  const { startNoCheckServer } = await import('./loopback.mjs');
  const server = await startNoCheckServer('Basic realm="profile"');
  try {
    const pair = clientPair(variant ?? 'fetch', `${server.url}/hot`);
    for (let i = 0; i < 2_000; i++) {
      await pair.bare();
      await pair.wrapped();
    }
    const BLOCK = 5_000;
    const totals = { bare: { all: 0, ours: 0 }, wrapped: { all: 0, ours: 0 } };
    await session.post('HeapProfiler.enable');
    for (let round = 0; round < 2; round++) {
      for (const name of ['bare', 'wrapped']) {
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 1024,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
        for (let i = 0; i < BLOCK; i++) await pair[name]();
        const { profile } = await session.post('HeapProfiler.stopSampling');
        const walk = (node) => {
          totals[name].all += node.selfSize;
          if (node.callFrame.url.includes('/packages/')) totals[name].ours += node.selfSize;
          for (const child of node.children) walk(child);
        };
        walk(profile.head);
      }
    }
    const per = (bytes) => Math.round(bytes / (2 * BLOCK));
    console.log(
      `alloc ${variant ?? 'fetch'}: ${per(totals.bare.all)} bytes a request with the header by hand, ` +
        `${per(totals.wrapped.all)} with BasicAuth through the adapter (+${per(totals.wrapped.all - totals.bare.all)}; ` +
        `${per(totals.wrapped.ours)} of it in authbelt's functions; the server runs in this process)`,
    );
  } finally {
    await server.close();
  }
} else if (what === 'e2e') {
  // The end-to-end bench as `pnpm bench` runs it, profiled whole: each sample
  // goes to the contestant whose request was in flight when it was taken (the
  // profiler's clock is the monotonic one `process.hrtime` reads). Printed per
  // contestant: wall µs a request, and where they went: authbelt's own code,
  // the client and runtime (undici, axios, ky, streams), the garbage
  // collector, and (idle): waiting for the socket with nothing to run.
  const { benchEndToEnd } = await import('./e2e.bench.mjs');
  const windows = [];
  const observe = (c, start, end) =>
    windows.push({ c: c.label, start: Number(start / 1000n), end: Number(end / 1000n) });
  // CLIENTS=fetch,ky (say) runs only those clients' rows.
  const clients = process.env.CLIENTS?.split(',');
  await session.post('Profiler.setSamplingInterval', { interval: Number(process.env.INTERVAL ?? 250) });
  await session.post('Profiler.start');
  const { rows } = await benchEndToEnd({ requests: Number(variant ?? 600), observe, ...(clients && { clients }) });
  const { profile } = await session.post('Profiler.stop');
  const nodeOf = new Map(profile.nodes.map((n) => [n.id, n]));
  const where = (node) => {
    const { functionName, url: file } = node.callFrame;
    if (functionName.startsWith('(')) return functionName;
    if (file.includes('/packages/')) return 'authbelt';
    if (file.includes('/node_modules/')) return 'client (npm)';
    return 'runtime (node, undici)';
  };
  const byContestant = new Map();
  let t = profile.startTime;
  let w = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample's delta is the time since the one before: it is counted in the window it ends in.
    while (w < windows.length && windows[w].end < t) w++;
    if (w === windows.length) break;
    if (windows[w].start > t) continue;
    const { c } = windows[w];
    if (!byContestant.has(c)) byContestant.set(c, { kinds: new Map(), fns: new Map() });
    const entry = byContestant.get(c);
    const node = nodeOf.get(profile.samples[i]);
    const kind = where(node);
    entry.kinds.set(kind, (entry.kinds.get(kind) ?? 0) + profile.timeDeltas[i]);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
    entry.fns.set(fn, (entry.fns.get(fn) ?? 0) + profile.timeDeltas[i]);
  }
  const requests = new Map();
  // Each contestant's request times: the distribution has two humps (a request
  // answered within one turn of the event loop, or not), so the 10th and 25th
  // percentiles show a shift in the fast hump that the median can exaggerate.
  const durations = new Map();
  for (const { c, start, end } of windows) {
    requests.set(c, (requests.get(c) ?? 0) + 1);
    if (!durations.has(c)) durations.set(c, []);
    durations.get(c).push(end - start);
  }
  const at = (label, q) => {
    const sorted = durations.get(label).sort((x, y) => x - y);
    return sorted[Math.floor(sorted.length * q)];
  };
  const KINDS = ['authbelt', 'runtime (node, undici)', 'client (npm)', '(garbage collector)', '(program)', '(idle)'];
  console.log(
    `e2e: µs a request: percentiles of wall time, then the mean by where it went (profiler on, sampling every ${process.env.INTERVAL ?? 250} µs)`,
  );
  console.log(['p10', 'p25', 'median', ...KINDS, 'contestant'].map((k) => k.padStart(9)).join(' '));
  for (const row of rows) {
    const entry = byContestant.get(row.label);
    if (entry === undefined) continue;
    const n = requests.get(row.label);
    const cells = [
      at(row.label, 0.1),
      at(row.label, 0.25),
      at(row.label, 0.5),
      ...KINDS.map((k) => (entry.kinds.get(k) ?? 0) / n),
    ];
    console.log(`${cells.map((x) => x.toFixed(1).padStart(9)).join(' ')}  ${row.client} ${row.kind}`);
  }
  // Where each scheme's request differs from the same client's by hand (Basic against
  // the Basic header by hand, Digest against the Digest header), by function.
  for (const row of rows) {
    const bareKind =
      row.kind === 'digest' ? 'bare-digest' : row.kind === 'basic' || row.kind === 'custom' ? 'bare-basic' : null;
    const bare = bareKind && rows.find((r) => r.client === row.client && r.kind === bareKind);
    if (!bare || !byContestant.has(row.label) || !byContestant.has(bare.label)) continue;
    const a = byContestant.get(row.label).fns;
    const b = byContestant.get(bare.label).fns;
    const na = requests.get(row.label);
    const nb = requests.get(bare.label);
    const diff = [...new Set([...a.keys(), ...b.keys()])]
      .map((k) => [k, (a.get(k) ?? 0) / na - (b.get(k) ?? 0) / nb])
      .sort((x, y) => Math.abs(y[1]) - Math.abs(x[1]))
      .slice(0, Number(process.env.TOP ?? 8));
    console.log(
      `\n${row.client} ${row.kind} minus ${bare.kind}: ${((row.medianNs - bare.medianNs) / 1000).toFixed(1)} µs median`,
    );
    for (const [k, d] of diff) console.log(`${d.toFixed(2).padStart(8)}  ${k}`);
  }
} else if (what === 'client') {
  // One client over loopback, the scheme's request against the same request
  // with the header set by hand, in alternating blocks; printed: CPU a request
  // each, and the functions whose self time grows most with the scheme.
  const { clientPair } = await import('./e2e.bench.mjs');
  const { startNoCheckServer } = await import('./loopback.mjs');
  const server = await startNoCheckServer('Basic realm="profile"');
  try {
    const { bare, wrapped } = clientPair(variant ?? 'fetch', `${server.url}/hot`);
    for (let i = 0; i < 1_000; i++) {
      await bare();
      await wrapped();
    }
    const BLOCK = 2_000;
    const totals = { bare: { cpu: 0, self: new Map() }, wrapped: { cpu: 0, self: new Map() } };
    for (let round = 0; round < 4; round++) {
      for (const [name, step] of [
        ['bare', bare],
        ['wrapped', wrapped],
      ]) {
        const { cpuPerIteration, self } = await profileLoop(session, step, BLOCK);
        totals[name].cpu += cpuPerIteration / 4;
        for (const [key, t] of self) totals[name].self.set(key, (totals[name].self.get(key) ?? 0) + t);
      }
    }
    const per = (t) => t / (4 * BLOCK);
    console.log(
      `client ${variant ?? 'fetch'}: ${totals.bare.cpu.toFixed(1)} µs CPU a request with the header by hand, ` +
        `${totals.wrapped.cpu.toFixed(1)} µs with BasicAuth through the adapter (profiler on; the server runs in this process)`,
    );
    console.log('extra µs a request, by function (self time: with the scheme minus by hand)');
    const keys = new Set([...totals.bare.self.keys(), ...totals.wrapped.self.keys()]);
    const rows = [...keys]
      .map((key) => [key, per((totals.wrapped.self.get(key) ?? 0) - (totals.bare.self.get(key) ?? 0))])
      .sort((a, b) => b[1] - a[1]);
    for (const [key, extra] of rows.slice(0, 25)) console.log(`${extra.toFixed(2).padStart(7)}  ${key}`);
  } finally {
    await server.close();
  }
} else {
  const make = loops[what];
  if (make === undefined) throw new Error(`profile what? client or one of ${Object.keys(loops).join(', ')}`);
  const step = await make();
  for (let i = 0; i < 20_000; i++) await step(); // warm up before profiling
  const { cpuPerIteration, self } = await profileLoop(session, step, ITERATIONS);
  const total = [...self.values()].reduce((sum, t) => sum + t, 0);
  console.log(`${what} ${variant ?? ''}: ${cpuPerIteration.toFixed(2)} µs CPU an iteration (profiler on)`);
  for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
session.disconnect();
process.exit(0);
