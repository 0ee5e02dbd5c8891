// `pnpm bench`: every measurement in one run, then BENCHMARKS.md at the
// repository root. Anything missing (a package not built, a peer that cannot
// be loaded, authbelt getting a header wrong) stops the run with an error;
// nothing is skipped silently.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
// Each section runs in a fresh Node process (bench/section.mjs), one after another.
const scratch = mkdtempSync(join(tmpdir(), 'authbelt-bench-'));
const step = async (name, module, exported) => {
  const t = performance.now();
  process.stdout.write(`${name}... `);
  const out = join(scratch, `${exported}.json`);
  execFileSync(process.execPath, [join(here, 'section.mjs'), module, exported, out], { stdio: 'inherit' });
  const result = JSON.parse(readFileSync(out, 'utf8'));
  console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
  return result;
};

const bundles = await step('bundle sizes', 'bundle-size.mjs', 'benchBundleSizes');
const parse = await step('challenge parsers', 'parse.bench.mjs', 'benchParsers');
const hot = await step('digest answers up front', 'hot.bench.mjs', 'benchHot');
const digest = await step('digest answers cold', 'digest.bench.mjs', 'benchDigest');
const roundTrips = await step('round trips', 'roundtrips.mjs', 'benchRoundTrips');
const bearer = await step('bearer requests', 'bearer.bench.mjs', 'benchBearer');
const e2e = await step('end to end through each adapter', 'e2e.bench.mjs', 'benchEndToEnd');
const memory = await step('memory of one DigestAuth', 'memory.mjs', 'benchMemory');

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
rmSync(scratch, { recursive: true, force: true });
const out = join(root, 'BENCHMARKS.md');
writeFileSync(out, report);
// Every target with its figure and whether it is met, on the terminal too.
const summary = report.slice(report.indexOf('## Summary'), report.indexOf('\n## 1.'));
console.log(`\n${summary.trim()}\n`);
console.log(`wrote ${out}`);
