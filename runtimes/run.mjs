#!/usr/bin/env node
// pnpm test:runtimes: pack every published package, install the tarballs in a
// scratch project with npm (no workspace links), and run one smoke suite
// under Node 20/22/24, Deno, Bun, Chromium, Firefox and workerd, plus TypeScript's
// node16 and bundler resolution. Prints the table and writes RESULTS.md.
//
//   node runtimes/run.mjs [--no-build] [--keep] [--only=node20,deno,...]
//                         [--registry=http://127.0.0.1:PORT/ [--tag=latest]]
//
// With --registry the packages are installed by name (dist-tag --tag) from
// that registry instead of packed tarballs: `pnpm release:rehearse` runs it
// against its own registry. Tarballs stay the default (no registry needed).
//
// With CI=true a runtime that cannot start fails the run; locally it is a
// skip naming what is missing.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, pack, publishedPackages, scratchProject, THIRD_PARTY } from './lib/prepare.mjs';
import { failed, renderMarkdown } from './lib/report.mjs';
import { runChromium, runFirefox, runNodeLike, runTypes, runWorkerd } from './lib/runners.mjs';
import { SMOKE_CREDENTIALS, startSmokeServer } from './lib/server.mjs';

const runtimesDir = dirname(fileURLToPath(import.meta.url));
const root = join(runtimesDir, '..');
const vectorsDir = join(root, '..', 'shared', 'vectors');
const bin = (name) => join(runtimesDir, 'node_modules', '.bin', name);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const only = argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const want = (id) => only === undefined || only.includes(id);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
const registry = option('registry');
const tag = option('tag') ?? 'latest';

const credentials = SMOKE_CREDENTIALS;
const log = (message) => process.stdout.write(`[runtimes] ${message}\n`);

async function main() {
  const started = Date.now();
  const problems = [];

  if (!flag('no-build')) {
    log('pnpm build');
    const result = await build(root);
    if (!result.ok) {
      problems.push(`pnpm build failed (${result.failed.join(', ') || 'see output'})`);
      log(`pnpm build failed in ${result.failed.join(', ') || '?'}; testing the packages that built\n${result.output}`);
    }
  }
  const all = await publishedPackages(root);
  const packages = all.filter((p) => p.built);
  const unavailable = Object.fromEntries(
    all
      .filter((p) => !p.built)
      .map((p) => [p.name, `no build output: ${p.missing.slice(0, 2).join(', ') || 'no exports'}`]),
  );
  for (const [name, why] of Object.entries(unavailable)) problems.push(`${name} not tested: ${why}`);
  if (registry === undefined) log(`packing ${packages.map((p) => p.name).join(', ')}`);

  const work = await mkdtemp(join(tmpdir(), 'authbelt-runtimes-'));
  const project = join(work, 'project');
  let testServer;
  try {
    const tarballs =
      registry === undefined
        ? await pack(root, packages, join(work, 'tarballs'))
        : packages.map((p) => `${p.name}@${tag}`);
    log(
      `npm install ${registry === undefined ? `${tarballs.length} tarballs` : `${tarballs.join(' ')} from ${registry}`}` +
        ` + ${THIRD_PARTY.join(' ')} in ${project}`,
    );
    const { incomplete } = await scratchProject({
      dir: project,
      tarballs,
      packages,
      unavailable,
      runtimesDir,
      vectorsDir,
      registry,
    });
    for (const problem of incomplete) {
      problems.push(problem);
      log(problem);
    }

    // The test server is the server side: it comes from the workspace, not from tarballs.
    let serverMissing;
    try {
      testServer = await startSmokeServer(credentials);
      log(`test server at ${testServer.url}`);
    } catch (error) {
      serverMissing = `@authbelt/test-server did not start: ${error.message.split('\n')[0]}`;
      problems.push(serverMissing);
      log(serverMissing);
    }

    const smokeEnv = {
      SMOKE_SERVER_URL: testServer?.url ?? '',
      SMOKE_SERVER_MISSING: serverMissing ?? '',
      SMOKE_USERNAME: credentials.username,
      SMOKE_PASSWORD: credentials.password,
    };
    const plan = [
      [
        'node20',
        () => runNodeLike({ runtime: 'Node 20', command: process.execPath, args: [], cwd: project, env: smokeEnv }),
      ],
      [
        'node22',
        () =>
          runNodeLike({
            runtime: 'Node 22',
            command: 'npx',
            args: ['-y', 'node@22'],
            cwd: project,
            env: smokeEnv,
            timeoutMs: 600_000,
          }),
      ],
      [
        'node24',
        () =>
          runNodeLike({
            runtime: 'Node 24',
            command: 'npx',
            args: ['-y', 'node@24'],
            cwd: project,
            env: smokeEnv,
            timeoutMs: 600_000,
          }),
      ],
      [
        'deno',
        () =>
          runNodeLike({
            runtime: 'Deno',
            command: bin('deno'),
            args: ['run', '--node-modules-dir=manual', '-A'],
            cwd: project,
            env: { ...smokeEnv, NO_COLOR: '1' },
          }),
      ],
      ['bun', () => runNodeLike({ runtime: 'Bun', command: bin('bun'), args: [], cwd: project, env: smokeEnv })],
      [
        // The browser build on JavaScriptCore (Safari's engine): @authbelt/digest's own JS hashes off V8.
        'bun-browser-build',
        () =>
          runNodeLike({
            runtime: 'Bun, browser build',
            command: bin('bun'),
            args: ['--conditions=browser'],
            cwd: project,
            env: { ...smokeEnv, SMOKE_EXPECTED_HASH: 'js' },
          }),
      ],
      ['chromium', () => runChromium({ cwd: project, testServer, credentials, serverMissing })],
      // SpiderMonkey: the browser build's own hashes on Firefox's engine.
      ['firefox', () => runFirefox({ cwd: project, testServer, credentials, serverMissing })],
      ['workerd', () => runWorkerd({ cwd: project, testServer, credentials, serverMissing })],
      [
        'tsc-node16',
        () => runTypes({ runtime: 'TypeScript node16', tsc: bin('tsc'), cwd: project, config: 'tsconfig.node16.json' }),
      ],
      [
        'tsc-bundler',
        () =>
          runTypes({ runtime: 'TypeScript bundler', tsc: bin('tsc'), cwd: project, config: 'tsconfig.bundler.json' }),
      ],
    ];
    const rows = [];
    for (const [id, start] of plan) {
      if (!want(id)) continue;
      log(`running ${id}`);
      testServer?.reset?.();
      const row = await start();
      allowKnownSkips(row);
      checkServerView(row, testServer);
      rows.push(row);
      log(
        row.cannotStart !== undefined
          ? `${id}: cannot start: ${row.cannotStart.split('\n')[0]}`
          : `${id}: ${summary(row)}`,
      );
    }

    const { table, notes } = renderMarkdown(rows, { ci });
    const runFailed = failed(rows, { ci }) || (ci && problems.length > 0);
    const markdown = [
      '# Runtime smoke results',
      '',
      `Written by \`pnpm test:runtimes\` (runtimes/run.mjs) on ${new Date().toISOString().slice(0, 10)}, ` +
        `${ci ? 'CI' : 'local'} run, ${Math.round((Date.now() - started) / 1000)}s. ` +
        (registry === undefined
          ? 'Packages packed with `pnpm pack` and installed from the tarballs with npm in a scratch project; '
          : `Packages installed by name (\`${tag}\`) from a local registry with npm in a scratch project; `) +
        `third-party: ${THIRD_PARTY.join(', ')}.`,
      '',
      table,
      '',
      '`—`: not applicable to that runtime. `hash path`: which hash implementation @authbelt/digest used there.',
      '',
      ...(problems.length > 0 ? ['## Problems', '', ...problems.map((p) => `- ${p}`), ''] : []),
      ...(notes.length > 0
        ? [
            '## Notes',
            '',
            'Every FAIL and skip with its reason, then what each runtime used and what the test server counted.',
            '',
            ...notes,
            '',
          ]
        : []),
      '## Versions',
      '',
      ...rows.filter((r) => r.version !== undefined).map((r) => `- ${r.runtime}: ${r.version}`),
      '',
    ].join('\n');
    if (only === undefined) await writeFile(join(runtimesDir, 'RESULTS.md'), markdown);
    process.stdout.write(`\n${table}\n\n${problems.map((p) => `problem: ${p}`).join('\n')}\n${notes.join('\n')}\n`);
    process.stdout.write(
      `\n${runFailed ? 'FAILED' : 'ok'}${only === undefined ? ' (runtimes/RESULTS.md written)' : ''}\n`,
    );
    process.exitCode = runFailed ? 1 : 0;
  } finally {
    await testServer?.close();
    if (flag('keep')) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

/** ky 2 declares engines node >= 22: on Node 20 its checks are a skip even in CI. */
function allowKnownSkips(row) {
  if (row.results === undefined || !/^v?20\./.test(row.version?.replace(/^Node /, '') ?? '')) return;
  for (const [name, result] of Object.entries(row.results)) {
    if (name.endsWith('(ky)') && result.status === 'skip' && result.detail.startsWith('ky did not load')) {
      result.allowedSkip = true;
      result.detail += ' (ky 2 requires Node >= 22)';
    }
  }
}

/**
 * What the test server counted while this runtime ran: an auth failure or a
 * replayed nonce count fails the live Digest check even if the client got its
 * 200 in the end. Each runtime's Digest checks cost 5 requests with 2
 * challenges (fetch: 2 requests, the second answered up front; ky: 1).
 */
function checkServerView(row, testServer) {
  if (row.results === undefined || testServer?.stats === undefined) return;
  const live = row.results['live Digest (fetch)'];
  if (live === undefined || live.status === 'skip') return;
  const basic = testServer.stats('/basic');
  const digest = testServer.stats('/digest');
  const seen = `server: /basic ${basic.requests} requests, ${basic.challenges} challenges; /digest ${digest.requests} requests, ${digest.challenges} challenges`;
  row.notes = [...(row.notes ?? []), seen];
  const bad = [];
  if (basic.authFailures > 0) bad.push(`${basic.authFailures} Basic auth failures`);
  if (digest.authFailures > 0) bad.push(`${digest.authFailures} Digest auth failures`);
  if (digest.replays > 0) bad.push(`${digest.replays} replayed nonce counts`);
  if (bad.length > 0 && live.status === 'pass') {
    row.results['live Digest (fetch)'] = { status: 'fail', detail: `the test server counted ${bad.join(', ')}` };
  }
}

function summary(row) {
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const r of Object.values(row.results)) counts[r.status]++;
  return `${counts.pass} pass, ${counts.fail} fail, ${counts.skip} skip${row.version ? ` (${row.version.slice(0, 60)})` : ''}`;
}

await main();
