// `pnpm test:mutation [package...] [--summary] [--force]`: StrykerJS over each named
// published package (all of them when none is named), one package at a time
// so the machine's other work keeps a core, then the score of every mutated
// file. `--summary` only prints the table from the last reports.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const summaryOnly = args.includes('--summary');
const named = args.filter((arg) => !arg.startsWith('--'));
// Any other flag goes to Stryker: `--force` re-tests every mutant, which an
// incremental run does not do for a static mutant (one whose code runs when
// the module loads, so no test is recorded as covering it) after its tests change.
const strykerFlags = args.filter((arg) => arg.startsWith('--') && arg !== '--summary');
const all = readdirSync(`${root}packages`).filter((name) => existsSync(`${root}packages/${name}/stryker.config.mjs`));
const unknown = named.filter((name) => !all.includes(name));
if (unknown.length > 0) {
  console.error(`No stryker.config.mjs for ${unknown.join(', ')}; packages: ${all.join(', ')}`);
  process.exit(2);
}
const packages = named.length > 0 ? named : all;

const durations = new Map();
let failed = false;
if (!summaryOnly) {
  for (const name of packages) {
    const started = Date.now();
    const run = spawnSync('pnpm', ['exec', 'stryker', 'run', `packages/${name}/stryker.config.mjs`, ...strykerFlags], {
      cwd: root,
      stdio: 'inherit',
    });
    durations.set(name, Date.now() - started);
    if (run.status !== 0) {
      console.error(`stryker failed for ${name} (exit ${run.status})`);
      failed = true;
    }
  }
}

// A package's own test file that is missing from its report failed to load in
// Stryker's sandbox: the vitest runner drops such a file without a word, and the
// mutants only it would kill read as survivors or 'no coverage'. Said loudly here.
const testFilesOf = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? testFilesOf(`${dir}/${entry.name}`)
      : entry.name.endsWith('.test.ts')
        ? [`${dir}/${entry.name}`]
        : [],
  );
// What mutation/config.mjs mutates: src's .ts files but tests, type tests, test helpers and index.ts.
const sourceFilesOf = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFilesOf(`${dir}/${entry.name}`)
      : entry.name.endsWith('.ts') &&
          !/\.test(-d)?\.ts$|\.test-helper\.ts$|^test-helpers\.ts$|^index\.ts$/.test(entry.name)
        ? [`${dir}/${entry.name}`]
        : [],
  );
for (const name of packages) {
  const file = `${root}reports/mutation/${name}/mutation.json`;
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // Only a run over the whole package: with --mutate on some files, vitest runs
  // only the test files whose imports reach them.
  const mutable = sourceFilesOf(`${root}packages/${name}/src`);
  const mutated = new Set(Object.keys(report.files).map((path) => path.replace(/^.*?packages\//, 'packages/')));
  if (!mutable.every((path) => mutated.has(path.slice(root.length)))) continue;
  const ran = new Set(Object.keys(report.testFiles ?? {}));
  const missing = testFilesOf(`${root}packages/${name}/src`)
    .map((path) => path.slice(root.length))
    .filter((path) => !ran.has(path));
  if (missing.length > 0) {
    console.error(`${name}: test files that did not run in the mutation sandbox (they failed to load):`);
    for (const path of missing) console.error(`  ${path}`);
    failed = true;
  }
}

// Mutation score as Stryker defines it: detected (killed, timeout) over
// detected plus undetected (survived, no coverage); ignored and errors left out.
const rows = [];
for (const name of packages) {
  const file = `${root}reports/mutation/${name}/mutation.json`;
  if (!existsSync(file)) {
    rows.push([name, '(no report)']);
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const [path, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const count = (...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
    const detected = count('Killed', 'Timeout');
    const survived = count('Survived');
    const uncovered = count('NoCoverage');
    const valid = detected + survived + uncovered;
    const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)}%`;
    rows.push([
      path.replace(/^.*?packages\//, ''),
      String(mutants.length),
      String(detected),
      String(survived),
      String(uncovered),
      String(count('Ignored')),
      score,
    ]);
  }
}
const header = ['file', 'mutants', 'killed', 'survived', 'no cov', 'ignored', 'score'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
const line = (row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
for (const row of rows) console.log(line(row));
for (const [name, ms] of durations) console.log(`${name}: ${(ms / 60_000).toFixed(1)} min`);
process.exit(failed ? 1 : 0);
