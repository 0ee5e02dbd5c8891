// A scratch copy of the repository, so a release can be rehearsed (versions
// bumped, changesets consumed, CHANGELOGs written, tags made) without
// touching the real tree.
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { exec, tail } from '../../runtimes/lib/exec.mjs';

async function run(command, args, cwd, env) {
  const result = await exec(command, args, { cwd, env, timeoutMs: 300_000 });
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${tail(result.stdout + result.stderr, 20)}`);
  }
  return result.stdout;
}

/** Every package under packages/ (published or not) as `{ dir, name, manifest }`. */
export async function workspacePackages(root) {
  const out = [];
  for (const dir of (await readdir(join(root, 'packages'))).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    out.push({ dir, name: manifest.name, manifest });
  }
  return out;
}

/**
 * Copies the files git knows in `root` (tracked and untracked-not-ignored, as
 * they are in the working tree; with `fromHead`, the last commit's instead)
 * into `dest`, then each published package's built dist/, links the root's
 * node_modules (changesets and pnpm's own dependencies) and each package's
 * workspace dependencies to their scratch copies, as `pnpm install` would,
 * and commits the lot in a fresh git repository there.
 */
export async function scratchCopy(root, dest, { fromHead = false } = {}) {
  await mkdir(dest, { recursive: true });
  if (fromHead) {
    const archive = join(dest, '..', 'head.tar');
    await run('git', ['archive', '--format=tar', '-o', archive, 'HEAD'], root);
    await run('tar', ['-xf', archive, '-C', dest], root);
  } else {
    const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
    for (const file of listed.split('\0').filter(Boolean)) {
      if (!existsSync(join(root, file))) continue; // deleted in the working tree
      await mkdir(dirname(join(dest, file)), { recursive: true });
      await cp(join(root, file), join(dest, file), { verbatimSymlinks: true });
    }
  }
  const packages = await workspacePackages(dest);
  for (const p of packages) {
    const dist = join(root, 'packages', p.dir, 'dist');
    if (!p.manifest.private && existsSync(dist))
      await cp(dist, join(dest, 'packages', p.dir, 'dist'), { recursive: true });
  }
  await symlink(join(root, 'node_modules'), join(dest, 'node_modules'), 'dir');
  // pnpm publish turns `workspace:` ranges into versions by reading each
  // dependency's manifest through the package's own node_modules.
  const dirOf = new Map(packages.map((p) => [p.name, p.dir]));
  for (const p of packages) {
    const { dependencies, devDependencies, peerDependencies, optionalDependencies } = p.manifest;
    for (const [name, range] of Object.entries({
      ...devDependencies,
      ...peerDependencies,
      ...optionalDependencies,
      ...dependencies,
    })) {
      if (!String(range).startsWith('workspace:') || !dirOf.has(name)) continue;
      const link = join(dest, 'packages', p.dir, 'node_modules', name);
      await mkdir(dirname(link), { recursive: true });
      await symlink(relative(dirname(link), join(dest, 'packages', dirOf.get(name))), link, 'dir');
    }
  }
  await commitAll(dest, 'scratch copy for the release rehearsal', true);
  return packages;
}

/** `git add -A && git commit` in the scratch repository (never the real one). */
export async function commitAll(dir, message, init = false) {
  if (init) await run('git', ['init', '-q', '-b', 'main'], dir);
  await run('git', ['add', '-A'], dir);
  await run(
    'git',
    [
      '-c',
      'user.name=rehearsal',
      '-c',
      'user.email=rehearsal@127.0.0.1',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      message,
    ],
    dir,
  );
}

/** Reads the versions of the published packages in a (scratch) tree. */
export async function versionsIn(dir) {
  const versions = {};
  for (const p of await workspacePackages(dir)) if (!p.manifest.private) versions[p.name] = p.manifest.version;
  return versions;
}

/** The pending changesets of a tree (file names). */
export async function pendingChangesets(dir) {
  return (await readdir(join(dir, '.changeset'))).filter((f) => f.endsWith('.md') && f !== 'README.md').sort();
}

/** Rewrites one manifest in the scratch copy with `edit(manifest)`. */
export async function editManifest(dir, edit) {
  const file = join(dir, 'package.json');
  const manifest = JSON.parse(await readFile(file, 'utf8'));
  edit(manifest);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
}
