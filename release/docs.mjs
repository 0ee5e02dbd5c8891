#!/usr/bin/env node
// pnpm run docs (plain `pnpm docs` is pnpm's own command, which opens a
// browser): the API reference of every published package, built by typedoc
// from the TSDoc in src/ into api-docs/ (git-ignored), with validation on
// and warnings as errors (every export documented, no broken {@link}, nothing
// referenced that is not exported). Then headless Chromium opens the built
// index and checks it lists every package (screenshot: api-docs/index.png).
//
//   node release/docs.mjs [--no-browser]
//
// The hosted copy (HOSTED below) is where each package README's API link
// points: a link into a local build would be dead on the registry.
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { exec } from '../runtimes/lib/exec.mjs';
import { workspacePackages } from './lib/scratch.mjs';
import { ensureTooling, releaseDir, root } from './lib/tooling.mjs';

/** Where the built reference is published (GitHub Pages of the repository in every package.json). */
export const HOSTED = 'https://authbelt.github.io/authbelt/';
const out = join(root, 'api-docs');
const log = (message) => process.stdout.write(`[docs] ${message}\n`);

/** typedoc's page for a package in `packages` mode: `@authbelt/basic` -> modules/_authbelt_basic.html. */
export const pageOf = (name) => `modules/${name.replace(/[@/]/g, '_')}.html`;

/**
 * The source of each entry a package's `exports` map names: `.` is
 * src/index.ts, `./proxy` src/proxy/index.ts (or src/proxy.ts).
 */
function entrySources(p) {
  const sources = [];
  for (const subpath of Object.keys(p.manifest.exports ?? { '.': null })) {
    if (subpath === './package.json') continue;
    const name = subpath === '.' ? 'index' : subpath.slice(2);
    const source = [`src/${name}.ts`, `src/${name}/index.ts`]
      .map((f) => join(root, 'packages', p.dir, f))
      .find((f) => existsSync(f));
    if (source === undefined) throw new Error(`${p.name}: no source for its entry ${subpath} (src/${name}.ts)`);
    sources.push(source);
  }
  return sources;
}

async function build(packages) {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'authbelt-docs-'));
  // The packages' own tsconfig, with each @authbelt/* import mapped to that
  // package's src/index.ts: a type one package takes from another resolves
  // to the same declaration in both conversions, so typedoc links it across
  // packages instead of calling it "not exported".
  const paths = Object.fromEntries(packages.map((p) => [p.name, [join(root, 'packages', p.dir, 'src', 'index.ts')]]));
  const config = {
    name: 'authbelt',
    entryPointStrategy: 'packages',
    entryPoints: packages.map((p) => join(dir, p.dir)),
    out,
    readme: 'none',
    includeVersion: false,
    treatWarningsAsErrors: true,
    highlightLanguages: [
      'bash',
      'sh',
      'console',
      'json',
      'javascript',
      'typescript',
      'ts',
      'js',
      'python',
      'http',
      'text',
    ],
    packageOptions: {
      exclude: ['**/*.test.ts'],
      compilerOptions: { paths },
      // Type errors are `pnpm typecheck`'s job; here only the documentation counts.
      skipErrorChecking: true,
      excludePrivate: true,
      excludeInternal: true,
      // invalidPath off: a README may link a folder (`../bearer`), which the
      // repository host shows and typedoc cannot copy.
      validation: { notExported: true, invalidLink: true, notDocumented: true, invalidPath: false },
      sourceLinkTemplate: 'https://github.com/authbelt/authbelt/blob/main/{path}#L{line}',
    },
  };
  try {
    // typedoc's packages mode takes each package's entry points from a
    // typedoc.json beside its package.json. Rather than write into the
    // packages, each gets a stand-in folder here: its package.json and a
    // typedoc.json naming, by absolute path, the sources of every entry its
    // exports map has (adapter-fetch/proxy, oauth2/node), its tsconfig and README.
    for (const p of packages) {
      const own = join(dir, p.dir);
      await mkdir(own, { recursive: true });
      await writeFile(join(own, 'package.json'), JSON.stringify(p.manifest, null, 2));
      const packageDir = join(root, 'packages', p.dir);
      await writeFile(
        join(own, 'typedoc.json'),
        JSON.stringify(
          {
            entryPoints: entrySources(p),
            tsconfig: join(packageDir, 'tsconfig.json'),
            readme: join(packageDir, 'README.md'),
          },
          null,
          2,
        ),
      );
    }
    const file = join(dir, 'typedoc.json');
    await writeFile(file, JSON.stringify(config, null, 2));
    const result = await exec(join(releaseDir, 'node_modules', '.bin', 'typedoc'), ['--options', file], {
      cwd: root,
      timeoutMs: 600_000,
      echo: true,
    });
    if (result.code !== 0) throw new Error('typedoc failed (warnings count as errors): see above');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  log(`built ${out} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

/** Each package has its page, and its README links to the hosted copy of it. */
async function checkPages(packages) {
  const problems = [];
  for (const p of packages) {
    const page = pageOf(p.name);
    if (!existsSync(join(out, page))) problems.push(`${p.name}: no ${page} in the build`);
    const readme = await readFile(join(root, 'packages', p.dir, 'README.md'), 'utf8').catch(() => '');
    if (!readme.includes(`${HOSTED}${page}`)) problems.push(`${p.name}: README.md does not link to ${HOSTED}${page}`);
  }
  return problems;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

/** Opens the built index in Debian's Chromium (as the runtimes suite drives it) and checks the package list. */
async function checkInBrowser(packages) {
  const { CHROMIUM, CHROMIUM_ARGS } = await import('../runtimes/lib/runners.mjs');
  const require = createRequire(join(root, 'runtimes', 'package.json'));
  const { chromium } = require('playwright-core');
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(out, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  let browser;
  const problems = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url, { waitUntil: 'load' });
    const title = await page.title();
    const links = await page.$$eval('.col-content a', (anchors) => anchors.map((a) => a.textContent.trim()));
    for (const p of packages) if (!links.includes(p.name)) problems.push(`the index lists no ${p.name}`);
    if (errors.length > 0) problems.push(`the page threw: ${errors.join(' | ')}`);
    await page.screenshot({ path: join(out, 'index.png'), fullPage: true });
    log(
      `Chromium ${browser.version()}: "${title}" lists ${links.filter((l) => l.startsWith('@authbelt/')).join(', ')}`,
    );
    log(`screenshot: ${join(out, 'index.png')}`);
  } finally {
    await browser?.close();
    server.close();
  }
  return problems;
}

async function main() {
  await ensureTooling(['typedoc']);
  const packages = (await workspacePackages(root)).filter((p) => !p.manifest.private);
  log(`${packages.length} published packages: ${packages.map((p) => p.name).join(', ')}`);
  await build(packages);
  const problems = await checkPages(packages);
  if (!process.argv.includes('--no-browser')) problems.push(...(await checkInBrowser(packages)));
  if (problems.length > 0) {
    process.stdout.write(`\ndocs FAILED:\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  } else process.stdout.write('\ndocs ok\n');
}

await main();
