// Shared StrykerJS options for `pnpm test:mutation`. Each published package has
// a `stryker.config.mjs` that calls `mutationConfig('<name>')`, so one package
// runs alone: `pnpm test:mutation core` (or `pnpm exec stryker run packages/core/stryker.config.mjs`).
// Stryker runs from the repository root: the sandbox is a copy of the whole
// workspace, because tests import sibling packages' sources through the alias
// in vitest.shared.ts, and a mutant in core must meet the adapters' tests too.
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Tests read the vectors shared between repositories from `<repo>/../shared/vectors`
// (`new URL('../../../../shared/…', import.meta.url)` from packages/<name>/src). In the
// sandbox, `<tempDirName>/sandbox-XXXX/`, that path is `<tempDirName>/shared`: without it
// such a test file fails to load, and the vitest runner drops a file that fails before
// any test is collected without a word, so its mutants showed as "no coverage" (basic's
// charset retry, 31 of 80). A link there to the real folder puts them back; it is left
// in place for the next run (Stryker removes only its sandbox, and the folder if empty).
const shared = fileURLToPath(new URL('../../shared', import.meta.url));
function linkShared(tempDirName) {
  const sharedInSandboxes = `${root}${tempDirName}/shared`;
  if (!existsSync(shared) || existsSync(sharedInSandboxes)) return;
  mkdirSync(`${root}${tempDirName}`, { recursive: true });
  // A dangling link (from a checkout since moved) is replaced.
  if (lstatSync(sharedInSandboxes, { throwIfNoEntry: false }) !== undefined) unlinkSync(sharedInSandboxes);
  symlinkSync(shared, sharedInSandboxes, 'dir');
}

/** @param {string} name the folder under packages/ */
export function mutationConfig(name) {
  const src = `packages/${name}/src`;
  const reports = `reports/mutation/${name}`;
  // A sandbox folder per package: runs of two packages at once (two people on
  // one machine, a CI matrix) never share one, so neither can remove the
  // other's sandboxes (Stryker clears its temp folder when it ends).
  const tempDirName = `reports/mutation/.stryker-tmp-${name}`;
  linkShared(tempDirName);
  return {
    packageManager: 'pnpm',
    testRunner: 'vitest',
    plugins: ['@stryker-mutator/vitest-runner'],
    // mutation/vitest.config.ts is the root config's projects with longer timeouts; with
    // `related`, vitest runs only the test files whose imports reach the mutated file.
    vitest: { configFile: 'mutation/vitest.config.ts', related: true },
    coverageAnalysis: 'perTest',
    mutate: [
      `${src}/**/*.ts`,
      `!${src}/**/*.test.ts`,
      `!${src}/**/*.test-d.ts`,
      `!${src}/**/test-helpers.ts`,
      `!${src}/**/*.test-helper.ts`,
      // Re-exports only.
      `!${src}/**/index.ts`,
    ],
    // Only what tests need goes into the sandbox (node_modules is symlinked).
    ignorePatterns: [
      '/reports',
      '/api-docs',
      '/bench',
      '/interop',
      '/runtimes',
      '/release',
      '**/dist',
      '**/coverage',
      '**/.tmp',
      '**/*.tgz',
    ],
    tempDirName,
    cleanTempDir: 'always',
    // Re-runs reuse the results of mutants whose code and covering tests did not change.
    incremental: true,
    incrementalFile: `${reports}/incremental.json`,
    reporters: ['html', 'json', 'progress'],
    htmlReporter: { fileName: `${reports}/index.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    thresholds: { high: 90, low: 80, break: null },
    // A mutant that makes a loop endless is cut after 1.5x the covering tests'
    // own time plus 5 s (Stryker's defaults), and counts as detected.
    timeoutMS: 5_000,
    timeoutFactor: 1.5,
    // STRYKER_CONCURRENCY=1 leaves a core to others on a shared machine.
    ...(process.env.STRYKER_CONCURRENCY ? { concurrency: Number(process.env.STRYKER_CONCURRENCY) } : {}),
  };
}
