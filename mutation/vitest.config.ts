import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The root config's projects, each with timeouts for a mutation run: every
// test runs instrumented, one at a time, on a machine shared with other work,
// so a property or wire test that takes 1 s in `pnpm test` may take 20 here.
// A mutant that loops is still cut by Stryker's own timeout (timeoutMS).
// MUTATION_PROJECTS=digest,core keeps only those projects (a quicker run of
// a file whose tests all live there; fewer projects also start faster).
const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.env.MUTATION_PROJECTS?.split(',').filter((name) => name !== '');
const dirs = [...readdirSync(`${root}packages`).map((name) => `packages/${name}`), 'conformance'].filter(
  (dir) => only === undefined || only.includes(dir.replace(/^packages\//, '')),
);

export default defineConfig({
  test: {
    projects: dirs.map((dir) => ({
      extends: `${root}${dir}/vitest.config.ts`,
      root: `${root}${dir}`,
      test: { testTimeout: 60_000, hookTimeout: 60_000 },
    })),
  },
});
