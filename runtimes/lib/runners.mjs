import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCorsProxy } from './cors-proxy.mjs';
import { exec, tail } from './exec.mjs';

// Each runner resolves to a row: { runtime, version?, results } when the
// runtime ran the suite, or { runtime, cannotStart } naming what is missing.

const MARK = 'SMOKE-RESULTS ';

function parseSmokeOutput(stdout) {
  const line = stdout.split('\n').find((l) => l.startsWith(MARK));
  return line === undefined ? undefined : JSON.parse(line.slice(MARK.length));
}

/** Node, Deno or Bun running entry-node.mjs in the scratch project. */
export async function runNodeLike({ runtime, command, args, cwd, env, timeoutMs = 180_000 }) {
  if (command.includes('/') && !existsSync(command)) return { runtime, cannotStart: `${command} not found` };
  const result = await exec(command, [...args, 'entry-node.mjs'], { cwd, env, timeoutMs });
  if (result.spawnError) return { runtime, cannotStart: `${command}: ${result.spawnError.message}` };
  const parsed = parseSmokeOutput(result.stdout);
  if (parsed === undefined) {
    const why = result.timedOut ? `timed out after ${timeoutMs / 1000}s` : `exit code ${result.code}`;
    return { runtime, cannotStart: `${[command, ...args].join(' ')}: ${why}\n${tail(result.stderr || result.stdout)}` };
  }
  return { runtime, version: parsed.version, results: parsed.results };
}

/** `tsc --noEmit` over the type-check files with one moduleResolution. */
export async function runTypes({ runtime, tsc, cwd, config }) {
  if (!existsSync(tsc)) return { runtime, cannotStart: `${tsc} not found` };
  const version = (await exec(tsc, ['--version'], { cwd })).stdout.trim();
  const result = await exec(tsc, ['-p', config], { cwd, timeoutMs: 180_000 });
  if (result.spawnError) return { runtime, cannotStart: `tsc: ${result.spawnError.message}` };
  const ok = result.code === 0;
  return {
    runtime,
    version,
    results: {
      types: { status: ok ? 'pass' : 'fail', detail: ok ? config : tscErrors(result.stdout + result.stderr) },
    },
  };
}

/** The first few distinct TypeScript errors, without tsc's install suggestions. */
function tscErrors(output) {
  const errors = [
    ...new Set(
      output
        .split('\n')
        .filter((line) => line.includes('error TS'))
        .map((line) => line.replace(/\s+Try `npm i.*$/, '').trim()),
    ),
  ];
  return `${errors.slice(0, 6).join(' | ')}${errors.length > 6 ? ` (+${errors.length - 6} more)` : ''}`;
}

/** An esbuild plugin: `import file from 'authbelt:digest-file'` gives the file @authbelt/digest resolves to. */
function digestFilePlugin(resolveDir) {
  return {
    name: 'authbelt-digest-file',
    setup(build) {
      build.onResolve({ filter: /^authbelt:digest-file$/ }, () => ({ path: 'digest-file', namespace: 'authbelt' }));
      build.onLoad({ filter: /.*/, namespace: 'authbelt' }, async () => {
        const resolved = await build.resolve('@authbelt/digest', { kind: 'import-statement', resolveDir });
        return {
          contents: `export default ${JSON.stringify(resolved.errors.length === 0 ? resolved.path : '')};`,
          loader: 'js',
        };
      });
    },
  };
}

/** Bundle one entry of the scratch project with esbuild; returns the output path. */
export async function bundle({ cwd, entry, outfile, platform, conditions }) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(cwd, entry)],
    outfile: join(cwd, outfile),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform,
    ...(conditions === undefined ? {} : { conditions, mainFields: ['browser', 'module', 'main'] }),
    plugins: [digestFilePlugin(cwd)],
    logLevel: 'silent',
  });
  return join(cwd, outfile);
}

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * The browser rows' page: served from one loopback port, it runs the bundled
 * suite and calls the test server through a CORS proxy on another port (a
 * real cross-origin API: preflights, exposed headers). The page also posts
 * its outcome (and any uncaught error) to /report, for a browser driven
 * without a protocol (Firefox).
 */
async function servePage({ cwd, testServer, credentials, serverMissing }) {
  const script = await readFile(
    await bundle({ cwd, entry: 'entry-browser.mjs', outfile: 'bundle-browser.js', platform: 'browser' }),
    'utf8',
  );
  let reported;
  const report = new Promise((resolve) => {
    reported = resolve;
  });
  // A classic script runs before the modules, so it also sees the suite's module failing to load or run.
  const listener = `globalThis.smokeErrors = [];
addEventListener('error', (e) => smokeErrors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => smokeErrors.push(String(e.reason?.stack ?? e.reason)));`;
  const reporter = `const errors = globalThis.smokeErrors;
while (globalThis.smokeDone === undefined && errors.length === 0) await new Promise((r) => setTimeout(r, 50));
const outcome = globalThis.smokeDone === undefined ? { error: errors.join(' | ') } : await globalThis.smokeDone;
await fetch('/report', { method: 'POST', body: JSON.stringify({ ...outcome, pageErrors: errors }) });`;
  const page = createServer((req, res) => {
    if (req.url === '/report' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res.writeHead(204);
        res.end();
        try {
          reported(JSON.parse(body));
        } catch (error) {
          reported({ error: `the page's report is not JSON: ${error.message}` });
        }
      });
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (req.url.startsWith('/smoke.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else if (req.url === '/' || req.url.startsWith('/?')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>authbelt smoke</title>' +
          `<script>${listener}</script><script type="module" src="/smoke.js"></script>` +
          `<script type="module">${reporter}</script>`,
      );
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => page.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${page.address().port}`;
  const proxy =
    testServer === undefined ? undefined : await startCorsProxy({ target: testServer.url, allowedOrigin: origin });
  const query = new URLSearchParams({ username: credentials.username, password: credentials.password });
  if (proxy !== undefined) query.set('server', proxy.url);
  else if (serverMissing !== undefined) query.set('serverMissing', serverMissing);
  return {
    url: `${origin}/?${query}`,
    report,
    proxyNotes: () =>
      proxy === undefined ? [] : [`CORS proxy: ${proxy.stats.preflights} preflights, ${proxy.stats.requests} requests`],
    async close() {
      await proxy?.close();
      page.closeAllConnections?.();
      await new Promise((resolve) => page.close(resolve));
    },
  };
}

/** Chromium, driven by playwright-core, on the page of servePage. */
export async function runChromium(options) {
  const runtime = 'Chromium';
  if (!existsSync(CHROMIUM)) {
    return { runtime, cannotStart: `${CHROMIUM} not found: apt-get install -y --no-install-recommends chromium` };
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (error) {
    return { runtime, cannotStart: `playwright-core did not load: ${error.message}` };
  }
  let page;
  try {
    page = await servePage(options);
  } catch (error) {
    return { runtime, results: bundleFailure(error) };
  }
  let browser;
  try {
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
    } catch (error) {
      return { runtime, cannotStart: `chromium did not launch: ${error.message.split('\n')[0]}` };
    }
    const tab = await browser.newPage();
    const consoleErrors = [];
    tab.on('pageerror', (error) => consoleErrors.push(error.message));
    // A 401 on the way to a Digest answer is logged by Chromium as a failed resource: expected.
    tab.on('console', (message) => {
      if (message.type() === 'error' && !/status of 401/.test(message.text())) consoleErrors.push(message.text());
    });
    await tab.goto(page.url);
    const outcome = await deadline(page.report, 120_000, 'the page');
    if (outcome.error !== undefined) return { runtime, cannotStart: `the page threw: ${outcome.error}` };
    const notes = page.proxyNotes();
    if (consoleErrors.length > 0) notes.push(`console: ${consoleErrors.join(' | ')}`);
    return { runtime, version: `Chromium ${browser.version()}`, results: outcome.results, notes };
  } catch (error) {
    return { runtime, cannotStart: `chromium run failed: ${error.message.split('\n')[0]}` };
  } finally {
    await browser?.close();
    await page.close();
  }
}

const FIREFOX = '/usr/bin/firefox-esr';
// A fresh profile: nothing leaves the machine (every proxied scheme goes to a
// closed loopback port, loopback itself is direct), no updates, telemetry,
// first-run pages or default-browser check.
const FIREFOX_PREFS = {
  'network.proxy.type': 1,
  'network.proxy.http': '127.0.0.1',
  'network.proxy.http_port': 9,
  'network.proxy.ssl': '127.0.0.1',
  'network.proxy.ssl_port': 9,
  'network.proxy.no_proxies_on': '127.0.0.1',
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'app.update.enabled': false,
  'app.normandy.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'extensions.update.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
};

/**
 * Firefox (Debian's ESR, headless, SpiderMonkey) on the page of servePage:
 * started with the page's URL in a scratch profile, it posts its outcome
 * back; no WebDriver needed.
 */
export async function runFirefox(options) {
  const runtime = 'Firefox';
  if (!existsSync(FIREFOX)) {
    return { runtime, cannotStart: `${FIREFOX} not found: apt-get install -y --no-install-recommends firefox-esr` };
  }
  let page;
  try {
    page = await servePage(options);
  } catch (error) {
    return { runtime, results: bundleFailure(error) };
  }
  const profile = await mkdtemp(join(tmpdir(), 'authbelt-firefox-'));
  let firefox;
  try {
    const prefs = Object.entries(FIREFOX_PREFS).map(
      ([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`,
    );
    await writeFile(join(profile, 'user.js'), `${prefs.join('\n')}\n`);
    const version = (await exec(FIREFOX, ['--version'], { timeoutMs: 60_000 })).stdout.trim();
    let output = '';
    firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, page.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The content sandbox needs namespaces a container may not grant.
      env: { ...process.env, MOZ_DISABLE_CONTENT_SANDBOX: '1' },
    });
    for (const stream of [firefox.stdout, firefox.stderr]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        output = `${output}${chunk}`.slice(-4000);
      });
    }
    const exited = new Promise((_, reject) => {
      firefox.on('error', reject);
      firefox.on('exit', (code, signal) =>
        reject(new Error(`firefox exited (${signal ?? code}) before the page reported:\n${tail(output)}`)),
      );
    });
    const outcome = await deadline(Promise.race([page.report, exited]), 120_000, 'the page');
    if (outcome.error !== undefined) return { runtime, cannotStart: `the page threw: ${outcome.error}` };
    const notes = page.proxyNotes();
    if (outcome.pageErrors?.length > 0) notes.push(`page errors: ${outcome.pageErrors.join(' | ')}`);
    return { runtime, version: version || outcome.version, results: outcome.results, notes };
  } catch (error) {
    return { runtime, cannotStart: `firefox run failed: ${error.message}` };
  } finally {
    if (firefox !== undefined && firefox.exitCode === null && firefox.signalCode === null) {
      const gone = new Promise((resolve) => firefox.once('exit', resolve));
      firefox.kill('SIGTERM');
      const timer = setTimeout(() => firefox.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await page.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** workerd through miniflare: the bundled module worker calls the test server with its own fetch. */
export async function runWorkerd({ cwd, testServer, credentials, serverMissing }) {
  const runtime = 'workerd';
  let Miniflare;
  try {
    ({ Miniflare } = await import('miniflare'));
  } catch (error) {
    return { runtime, cannotStart: `miniflare did not load: ${error.message}` };
  }
  let script;
  try {
    const file = await bundle({
      cwd,
      entry: 'entry-worker.mjs',
      outfile: 'bundle-worker.mjs',
      // What wrangler resolves with: the workerd, worker and browser
      // conditions, and package.json `browser` field mappings (axios's).
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
    });
    script = await readFile(file, 'utf8');
  } catch (error) {
    return { runtime, results: bundleFailure(error) };
  }
  let mf;
  try {
    try {
      mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01' });
      await mf.ready;
    } catch (error) {
      return { runtime, cannotStart: `workerd did not start: ${error.message.split('\n')[0]}` };
    }
    const query = new URLSearchParams({ username: credentials.username, password: credentials.password });
    if (testServer !== undefined) query.set('server', testServer.url);
    else if (serverMissing !== undefined) query.set('serverMissing', serverMissing);
    const response = await deadline(mf.dispatchFetch(`http://smoke.local/?${query}`), 120_000, 'the worker');
    const text = await response.text();
    if (response.status !== 200)
      return { runtime, cannotStart: `the worker answered ${response.status}: ${text.slice(0, 400)}` };
    const outcome = JSON.parse(text);
    const { version: miniflareVersion } = JSON.parse(
      await readFile(new URL('../node_modules/miniflare/package.json', import.meta.url), 'utf8'),
    );
    return { runtime, version: `${outcome.version}, miniflare ${miniflareVersion}`, results: outcome.results };
  } catch (error) {
    return { runtime, cannotStart: `workerd run failed: ${error.message.split('\n')[0]}` };
  } finally {
    await mf?.dispose();
  }
}

function deadline(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} gave no results in ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function bundleFailure(error) {
  const errors = error.errors?.map((e) => `${e.location?.file.replace(/^.*node_modules\//, '') ?? ''}: ${e.text}`);
  const detail =
    errors === undefined
      ? error.message
      : `${errors.slice(0, 3).join('; ')}${errors.length > 3 ? ` (+${errors.length - 3} more)` : ''}`;
  return { import: { status: 'fail', detail: `esbuild could not bundle: ${detail}` } };
}
