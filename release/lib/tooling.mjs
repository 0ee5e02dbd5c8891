// The release tooling lives outside the pnpm workspace (release/package.json
// with its own package-lock.json): installed with `npm ci --prefix release`
// the first time a script needs it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, tail } from '../../runtimes/lib/exec.mjs';

export const releaseDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const root = join(releaseDir, '..');

/** Runs `npm ci --prefix release` unless the tools named are already there. */
export async function ensureTooling(bins = ['verdaccio', 'typedoc']) {
  if (bins.every((b) => existsSync(join(releaseDir, 'node_modules', '.bin', b)))) return;
  process.stdout.write('[release] npm ci --prefix release\n');
  const result = await exec('npm', ['ci', '--prefix', releaseDir, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    timeoutMs: 600_000,
  });
  if (result.code !== 0) throw new Error(`npm ci --prefix release failed:\n${tail(result.stdout + result.stderr)}`);
}
