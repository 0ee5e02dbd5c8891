// `pnpm bench`: every measurement in one run, then BENCHMARKS.md at the
// repository root. Anything missing (a package not built, a peer that cannot
// be loaded, authbelt getting a header wrong) stops the run with an error;
// nothing is skipped silently.

import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const BUILT = ['core', 'basic', 'digest', 'bearer', 'adapter-fetch', 'adapter-axios', 'adapter-ky', 'test-server'].map(
  (p) => join('packages', p, 'dist', 'index.js'),
);

const missing = BUILT.filter((file) => !existsSync(join(root, file)));
if (missing.length > 0) {
  throw new Error(
    `Not built: ${missing.join(', ')}. Run \`pnpm bench\` from the root (it builds first) or \`pnpm build\`.`,
  );
}

// Imported only now, so a missing build gets the message above.
const { environment } = await import('./environment.mjs');
const { benchBundleSizes } = await import('./bundle-size.mjs');
const { benchParsers } = await import('./parse.bench.mjs');
const { benchDigest } = await import('./digest.bench.mjs');
const { benchRoundTrips } = await import('./roundtrips.mjs');
const { benchBearer } = await import('./bearer.bench.mjs');
const { benchHot } = await import('./hot.bench.mjs');
const { benchEndToEnd } = await import('./e2e.bench.mjs');
const { benchMemory } = await import('./memory.mjs');
const { renderReport } = await import('./report.mjs');

function commit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

// `pnpm bench` builds first, and the build's own load lingers in the 1-minute
// load average: wait (up to 2 minutes) for it to fall below 0.5, so the figure
// printed is the machine's other work, not ours. BENCH_SETTLE=0 skips the wait.
const settleMs = Number(process.env.BENCH_SETTLE ?? 120) * 1000;
const { loadavg } = await import('node:os');
const settleStart = performance.now();
while (loadavg()[0] >= 0.5 && performance.now() - settleStart < settleMs) {
  await new Promise((resolve) => setTimeout(resolve, 5_000));
}
if (settleMs > 0) {
  console.log(
    `settled for ${((performance.now() - settleStart) / 1000).toFixed(0)} s: load average ${loadavg()[0].toFixed(2)}`,
  );
}

const env = environment();
const started = performance.now();
const step = async (name, fn) => {
  const t = performance.now();
  process.stdout.write(`${name}... `);
  const result = await fn();
  console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  return result;
};

const bundles = await step('bundle sizes', benchBundleSizes);
const parse = await step('challenge parsers', benchParsers);
const hot = await step('digest answers up front', benchHot);
const digest = await step('digest answers cold', benchDigest);
const roundTrips = await step('round trips', benchRoundTrips);
const bearer = await step('bearer requests', benchBearer);
const e2e = await step('end to end through each adapter', benchEndToEnd);
const memory = await step('memory of one DigestAuth', benchMemory);

const report = renderReport({
  env,
  date: new Date().toISOString().slice(0, 10),
  commit: commit(),
  parse,
  digest,
  hot,
  e2e,
  memory,
  roundTrips,
  bearer,
  bundles,
  seconds: (performance.now() - started) / 1000,
});
const out = join(root, 'BENCHMARKS.md');
writeFileSync(out, report);
// Every target with its figure and whether it is met, on the terminal too.
const summary = report.slice(report.indexOf('## Summary'), report.indexOf('\n## 1.'));
console.log(`\n${summary.trim()}\n`);
console.log(`wrote ${out}`);
