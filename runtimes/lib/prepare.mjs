import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec, tail } from './exec.mjs';

/** Extra npm packages the scratch project installs beside the tarballs. */
export const THIRD_PARTY = ['undici@7', 'ky@2', 'axios@1', '@types/node@20'];

/** Subpath entries only Node-like runtimes import (they need undici). */
const NODE_ONLY_ENTRIES = { '@authbelt/adapter-fetch': ['./proxy'] };

/** Every path an `exports` map names, at any depth of conditions. */
export function exportTargets(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) exportTargets(v, out);
  return out;
}

/**
 * The published packages under packages/, each with whether its build
 * output is there (every file its `exports` map names exists).
 */
export async function publishedPackages(root) {
  const out = [];
  for (const dir of (await readdir(join(root, 'packages'))).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(await readFile(file, 'utf8'));
    if (manifest.private) continue;
    const targets = exportTargets(manifest.exports).filter((t) => t.startsWith('./dist/'));
    const missing = targets.filter((t) => !existsSync(join(root, 'packages', dir, t)));
    out.push({
      dir,
      name: manifest.name,
      version: manifest.version,
      subpaths: NODE_ONLY_ENTRIES[manifest.name] ?? [],
      built: targets.length > 0 && missing.length === 0,
      missing,
    });
  }
  return out;
}

/** `pnpm build`, without stopping at the first package that fails. */
export async function build(root) {
  const result = await exec('pnpm', ['-r', '--no-bail', '--filter', './packages/*', 'run', 'build'], {
    cwd: root,
    timeoutMs: 600_000,
  });
  const failed = [...result.stdout.matchAll(/^(\S+) build: Failed/gm)].map((m) => m[1]);
  return {
    ok: result.code === 0,
    failed,
    output: tail(result.stdout + result.stderr, 30),
    spawnError: result.spawnError,
  };
}

/** `pnpm pack` the built packages into `destination`; returns the tarball paths. */
export async function pack(root, packages, destination) {
  await mkdir(destination, { recursive: true });
  const filters = packages.flatMap((p) => ['--filter', `./packages/${p.dir}`]);
  const result = await exec('pnpm', ['-r', ...filters, 'pack', '--pack-destination', destination], {
    cwd: root,
    timeoutMs: 300_000,
  });
  if (result.code !== 0) throw new Error(`pnpm pack failed:\n${tail(result.stdout + result.stderr)}`);
  return (await readdir(destination)).filter((f) => f.endsWith('.tgz')).map((f) => join(destination, f));
}

/**
 * A scratch project in `dir`: npm installs the tarballs, or with `registry`
 * the packages by name from that registry (no workspace links either way),
 * and the third-party clients, then the smoke suite and its generated
 * modules are written beside them.
 */
export async function scratchProject({ dir, tarballs, packages, unavailable, runtimesDir, vectorsDir, registry }) {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'authbelt-runtimes-scratch', private: true, type: 'module' }, null, 2)}\n`,
  );
  // From a registry (the release rehearsal's): `tarballs` are `name@version`
  // specs, and only the @authbelt scope is fetched from there.
  if (registry !== undefined) await writeFile(join(dir, '.npmrc'), `@authbelt:registry=${registry}\n`);
  const install = await exec(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs, ...THIRD_PARTY],
    { cwd: dir, timeoutMs: 600_000 },
  );
  if (install.code !== 0) throw new Error(`npm install failed:\n${tail(install.stdout + install.stderr)}`);

  // The packed manifests must carry real versions, never workspace: ranges.
  const leaks = [];
  for (const p of packages) {
    const manifest = JSON.parse(await readFile(join(dir, 'node_modules', p.name, 'package.json'), 'utf8'));
    for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      if (String(range).startsWith('workspace:')) leaks.push(`${p.name} -> ${dep}@${range}`);
    }
  }
  if (leaks.length > 0) throw new Error(`packed manifests still hold workspace: ranges: ${leaks.join(', ')}`);

  // Every file the installed manifests' `exports` name must be in the tarball.
  const incomplete = [];
  for (const p of packages) {
    const installed = join(dir, 'node_modules', p.name);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    const missing = exportTargets(manifest.exports).filter(
      (t) => t.startsWith('./') && !existsSync(join(installed, t)),
    );
    if (missing.length > 0) incomplete.push(`${p.name} tarball lacks ${missing.join(', ')}`);
  }

  for (const file of ['smoke.mjs', 'entry-node.mjs', 'entry-browser.mjs', 'entry-worker.mjs']) {
    await copyFile(join(runtimesDir, 'smoke', file), join(dir, file));
  }

  // Every package as a literal dynamic import, so each one that fails to load
  // is reported on its own and bundlers still see (and inline) every import.
  const names = packages.map((p) => p.name);
  const nodeEntries = packages.flatMap((p) => p.subpaths.map((s) => `${p.name}${s.slice(1)}`));
  const loaderLines = (list) =>
    list.map((n) => `  ${JSON.stringify(n)}: () => import(${JSON.stringify(n)}),`).join('\n');
  await writeFile(
    join(dir, 'packages.mjs'),
    [
      '// Generated by runtimes/run.mjs: the packed packages, each loaded on its own.',
      `export const loaders = {\n${loaderLines(names)}\n};`,
      `export const unavailable = ${JSON.stringify(unavailable)};`,
      '',
    ].join('\n'),
  );
  // Entries only Node, Deno and Bun load (they need undici): a file of their own, so bundles never see them.
  await writeFile(
    join(dir, 'packages-node.mjs'),
    [
      '// Generated by runtimes/run.mjs: entries for Node, Deno and Bun only.',
      `export const nodeLoaders = {\n${loaderLines(nodeEntries)}\n};`,
      `export const requirers = ${JSON.stringify([...names, ...nodeEntries])};`,
      '',
    ].join('\n'),
  );

  // The vectors, embedded at build time: no runtime reads a file for them.
  const digest = JSON.parse(await readFile(join(vectorsDir, 'digest.json'), 'utf8')).vectors;
  const basic = JSON.parse(await readFile(join(vectorsDir, 'basic.json'), 'utf8')).vectors;
  await writeFile(
    join(dir, 'vectors.mjs'),
    `// Generated by runtimes/run.mjs from ../shared/vectors.\nexport const vectors = ${JSON.stringify({ digest, basic }, null, 1)};\n`,
  );

  await writeTypeChecks(dir, packages);
  return { incomplete };
}

/** A .ts (ESM) and a .cts (CommonJS) file naming every export, with one tsconfig per moduleResolution. */
async function writeTypeChecks(dir, packages) {
  const typed = {
    '@authbelt/core': 'import { parseChallenges, AuthBase, type AuthRequest, type Challenge } from "@authbelt/core";',
    '@authbelt/basic': 'import { BasicAuth, ProxyBasicAuth } from "@authbelt/basic";',
    '@authbelt/digest': 'import { DigestAuth, digestAuthorization, type DigestAuthOptions } from "@authbelt/digest";',
    '@authbelt/proxy-digest': 'import { ProxyDigestAuth } from "@authbelt/proxy-digest";',
    '@authbelt/guess': 'import { GuessAuth, GuessProxyAuth } from "@authbelt/guess";',
    '@authbelt/handler': 'import { AuthHandler } from "@authbelt/handler";',
    '@authbelt/adapter-fetch': 'import { withAuth as fetchWithAuth } from "@authbelt/adapter-fetch";',
    '@authbelt/adapter-fetch/proxy': 'import { proxyDispatcher } from "@authbelt/adapter-fetch/proxy";',
    '@authbelt/adapter-axios': 'import { withAuth as axiosWithAuth } from "@authbelt/adapter-axios";',
    '@authbelt/adapter-ky': 'import { withAuth as kyWithAuth, authHooks } from "@authbelt/adapter-ky";',
    '@authbelt/bearer': 'import { ApiKeyAuth, BearerAuth, type BearerToken } from "@authbelt/bearer";',
    '@authbelt/oauth2': 'import { OAuth2Auth, type OAuth2Tokens } from "@authbelt/oauth2";',
    '@authbelt/oauth2/node': 'import { signInWithLoopback } from "@authbelt/oauth2/node";',
  };
  const uses = {
    '@authbelt/core': [
      'const challenges: Challenge[] = parseChallenges(\'Basic realm="x"\');',
      'class TokenAuth extends AuthBase { override authorize(r: AuthRequest): void { r.headers.set("x-token", "t"); } }',
      'export const used = [challenges, TokenAuth];',
    ],
    '@authbelt/basic': ['export const basic: AuthBase = new BasicAuth("a", "b"); void ProxyBasicAuth;'],
    '@authbelt/digest': [
      'const options: DigestAuthOptions = {};',
      'export const digest: AuthBase = new DigestAuth("a", "b", options);',
      'export const header: string = digestAuthorization({ challenge: { realm: "r", nonce: "n" }, method: "GET", uri: "/", username: "a", password: "b" });',
    ],
    '@authbelt/proxy-digest': ['export const proxyDigest: AuthBase = new ProxyDigestAuth("a", "b");'],
    '@authbelt/guess': ['export const guess: AuthBase = new GuessAuth("a", "b"); void GuessProxyAuth;'],
    '@authbelt/handler': ['export const handler: AuthBase = new AuthHandler({ "https://example.org": ["a", "b"] });'],
    '@authbelt/adapter-fetch': ['export const authFetch: typeof fetch = fetchWithAuth(fetch, new TokenAuth());'],
    '@authbelt/adapter-fetch/proxy': ['void proxyDispatcher;'],
    '@authbelt/adapter-axios': ['void axiosWithAuth;'],
    '@authbelt/adapter-ky': ['void kyWithAuth; void authHooks;'],
    '@authbelt/bearer': [
      'const token: BearerToken = { accessToken: "t", expiresIn: 60 };',
      'export const bearer: AuthBase = new BearerAuth(async () => token);',
      'export const apiKey: AuthBase = new ApiKeyAuth("k", { header: "X-API-Key" });',
    ],
    '@authbelt/oauth2': [
      'const tokens: OAuth2Tokens = { refreshToken: "r" };',
      'export const oauth2: AuthBase = new OAuth2Auth({ tokenEndpoint: "https://auth.example.org/token", clientId: "c", clientAuth: "none", tokens });',
    ],
    '@authbelt/oauth2/node': ['void signInWithLoopback;'],
  };
  const present = new Set(packages.flatMap((p) => [p.name, ...p.subpaths.map((s) => `${p.name}${s.slice(1)}`)]));
  const source = [];
  for (const [name, line] of Object.entries(typed)) if (present.has(name)) source.push(line);
  for (const [name, lines] of Object.entries(uses)) if (present.has(name)) source.push(...lines);
  if (!present.has('@authbelt/core')) source.push('export {};');
  // In the CommonJS file, `import` compiles to require(): TypeScript resolves the `require` conditions.
  const text = `${source.join('\n')}\n`;
  await writeFile(join(dir, 'types-esm.ts'), text);
  await writeFile(join(dir, 'types-cjs.cts'), text);

  const base = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'es2022',
    lib: ['es2023', 'dom', 'dom.iterable'],
    types: ['node'],
    noImplicitOverride: true,
    exactOptionalPropertyTypes: true,
  };
  await writeFile(
    join(dir, 'tsconfig.node16.json'),
    JSON.stringify(
      {
        compilerOptions: { ...base, module: 'node16', moduleResolution: 'node16' },
        files: ['types-esm.ts', 'types-cjs.cts'],
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(dir, 'tsconfig.bundler.json'),
    JSON.stringify(
      { compilerOptions: { ...base, module: 'esnext', moduleResolution: 'bundler' }, files: ['types-esm.ts'] },
      null,
      2,
    ),
  );
}
