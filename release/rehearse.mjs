#!/usr/bin/env node
// pnpm release:rehearse: a release, as it would happen, against a real npm
// registry (verdaccio on 127.0.0.1 and an ephemeral port, storage in a temp
// folder), on a scratch copy of the repository; then installs by name from
// that registry, as users would. See release/README.md.
//
//   node release/rehearse.mjs [--no-build] [--keep] [--from-head] [--as-if-versioned]
//                             [--no-negative] [--no-runtimes] [--break=missing-file|undeclared-dep|test-file]
//
// Exits non-zero on any failed check. The registry is stopped by its PID on
// every way out (finally, exit and signal handlers).
import { existsSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, tail } from '../runtimes/lib/exec.mjs';
import { build } from '../runtimes/lib/prepare.mjs';
import { SMOKE_CREDENTIALS, startSmokeServer } from '../runtimes/lib/server.mjs';
import { checkLoads, checkTarball, checkTree, freshProject, installSize, npmInstall } from './lib/checks.mjs';
import { startRegistry } from './lib/registry.mjs';
import {
  commitAll,
  editManifest,
  pendingChangesets,
  scratchCopy,
  versionsIn,
  workspacePackages,
} from './lib/scratch.mjs';
import { ensureTooling, root } from './lib/tooling.mjs';
import { metadataProblems } from './metadata.mjs';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
const BREAKS = ['missing-file', 'undeclared-dep', 'test-file'];
const breakCase = option('break');
if (breakCase !== undefined && !BREAKS.includes(breakCase)) throw new Error(`--break= takes ${BREAKS.join(', ')}`);

const ci = process.env.CI === 'true' || process.env.CI === '1';
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const log = (message) => process.stdout.write(`[rehearse] ${message}\n`);
const failures = [];
const fail = (message) => {
  failures.push(message);
  log(`FAIL ${message}`);
};
const timings = [];
async function phase(name, body) {
  const t = Date.now();
  log(`-- ${name}`);
  try {
    return await body();
  } finally {
    timings.push(`${name}: ${seconds(t)}`);
  }
}

/** The realistic combinations a user installs: scheme + adapter (+ client), one live exchange each. */
const COMBINATIONS = [
  // undici: adapter-fetch/proxy's optional peer, so that entry loads too.
  {
    id: 'basic + adapter-fetch + undici 7',
    packages: ['basic', 'adapter-fetch'],
    thirdParty: ['undici@7'],
    live: 'basicFetch',
  },
  {
    id: 'digest + adapter-axios + axios 1',
    packages: ['digest', 'adapter-axios'],
    thirdParty: ['axios@1'],
    live: 'digestAxios',
  },
  { id: 'guess + adapter-ky + ky 1', packages: ['guess', 'adapter-ky'], thirdParty: ['ky@1'], live: 'guessKy' },
  // ky 2 declares engines node >= 22: its exchange runs on Node 22 (npx node@22, as the runtimes suite does).
  {
    id: 'guess + adapter-ky + ky 2',
    packages: ['guess', 'adapter-ky'],
    thirdParty: ['ky@2'],
    live: 'guessKy',
    node: ['npx', '-y', 'node@22'],
  },
  { id: 'bearer + adapter-fetch', packages: ['bearer', 'adapter-fetch'], thirdParty: [], live: 'bearerFetch' },
  { id: 'handler + adapter-fetch', packages: ['handler', 'adapter-fetch'], thirdParty: [], live: 'handlerFetch' },
  { id: 'oauth2 + adapter-fetch', packages: ['oauth2', 'adapter-fetch'], thirdParty: [], live: 'oauth2Fetch' },
];

/** One live exchange per combination: the module run in the scratch project, and what the test server must have counted. */
const LIVE = {
  basicFetch: {
    path: '/basic',
    code: `import { withAuth } from '@authbelt/adapter-fetch';
import { BasicAuth } from '@authbelt/basic';
const response = await withAuth(fetch, new BasicAuth(env.USERNAME, env.PASSWORD))(env.SERVER_URL + '/basic');
report(response.status);`,
    expect: { requests: 1, challenges: 0 },
  },
  digestAxios: {
    path: '/digest',
    code: `import axios from 'axios';
import { withAuth } from '@authbelt/adapter-axios';
import { DigestAuth } from '@authbelt/digest';
const api = withAuth(axios.create(), new DigestAuth(env.USERNAME, env.PASSWORD));
const first = await api.get(env.SERVER_URL + '/digest');
const second = await api.get(env.SERVER_URL + '/digest');
report(first.status === 200 ? second.status : first.status);`,
    expect: { requests: 3, challenges: 1 },
  },
  guessKy: {
    path: '/digest',
    code: `import ky from 'ky';
import { withAuth } from '@authbelt/adapter-ky';
import { GuessAuth } from '@authbelt/guess';
const response = await withAuth(ky, new GuessAuth(env.USERNAME, env.PASSWORD)).get(env.SERVER_URL + '/digest');
report(response.status);`,
    expect: { requests: 2, challenges: 1 },
  },
  bearerFetch: {
    path: '/bearer',
    code: `import { withAuth } from '@authbelt/adapter-fetch';
import { BearerAuth } from '@authbelt/bearer';
const login = async () => {
  const answer = await fetch(env.SERVER_URL + '/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: env.USERNAME, password: env.PASSWORD }),
  });
  const { access_token, expires_in } = await answer.json();
  return { accessToken: access_token, expiresIn: expires_in };
};
const response = await withAuth(fetch, new BearerAuth(login))(env.SERVER_URL + '/bearer');
report(response.status);`,
    expect: { requests: 1, challenges: 0 },
  },
  oauth2Fetch: {
    path: '/bearer',
    // client_credentials against the test server's token endpoint (Bearer mode), as the runtimes suite does.
    code: `import { withAuth } from '@authbelt/adapter-fetch';
import { OAuth2Auth } from '@authbelt/oauth2';
const auth = new OAuth2Auth({
  tokenEndpoint: env.SERVER_URL + '/oauth/token',
  clientId: env.USERNAME,
  clientSecret: env.PASSWORD,
});
const response = await withAuth(fetch, auth)(env.SERVER_URL + '/bearer');
report(response.status);`,
    expect: { requests: 1, challenges: 0 },
  },
  handlerFetch: {
    path: '/basic',
    code: `import { withAuth } from '@authbelt/adapter-fetch';
import { AuthHandler } from '@authbelt/handler';
const auth = new AuthHandler({ [new URL(env.SERVER_URL).origin]: [env.USERNAME, env.PASSWORD] });
const response = await withAuth(fetch, auth)(env.SERVER_URL + '/basic');
report(response.status);`,
    expect: { requests: 1, challenges: 0 },
  },
};

const LIVE_PRELUDE = `const env = process.env;
const report = (status) => process.stdout.write(JSON.stringify({ status }) + '\\n');
`;

let registry;
let testServer;
let work;

async function main() {
  await ensureTooling(['verdaccio']);
  if (!flag('no-build')) {
    await phase('pnpm build (the real tree; dist/ is git-ignored)', async () => {
      const result = await build(root);
      if (!result.ok)
        throw new Error(`pnpm build failed (${result.failed.join(', ') || 'see output'}):\n${result.output}`);
    });
  }
  work = await mkdtemp(join(tmpdir(), 'authbelt-release-'));
  // Also on a signal, which skips `finally`: the registry's own handler exits the process.
  if (!flag('keep')) process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  const scratch = join(work, 'repo');
  const changesetBin = join(root, 'node_modules', '.bin', 'changeset');

  const packages = await phase('scratch copy of the repository', async () => {
    const all = await scratchCopy(root, scratch, { fromHead: flag('from-head') });
    const published = [];
    for (const p of all.filter((p) => !p.manifest.private)) {
      if (!existsSync(join(scratch, 'packages', p.dir, 'dist'))) {
        // In CI every published package must have built. Locally a package
        // still being written is left out (private in the scratch copy).
        if (ci) throw new Error(`${p.name} has no dist/: build it first`);
        log(`${p.name} has no dist/: left out of this local rehearsal (CI fails here)`);
        await editManifest(join(scratch, 'packages', p.dir), (m) => {
          m.private = true;
        });
        continue;
      }
      published.push(p);
      // The registry metadata (engines, homepage, bugs, keywords, publishConfig)
      // is checked on the real manifests. Provenance is signed by a CI's OIDC
      // identity, which this machine has not: the scratch copy publishes without it.
      for (const problem of metadataProblems(p.dir, p.manifest))
        fail(`${p.name}: ${problem} (node release/metadata.mjs --write)`);
      await editManifest(join(scratch, 'packages', p.dir), (m) => {
        if (m.publishConfig !== undefined) delete m.publishConfig.provenance;
      });
    }
    if (breakCase !== undefined) {
      log(`--break=${breakCase}: breaking @authbelt/basic in the scratch copy before it is published`);
      await breakPackage(join(scratch, 'packages', 'basic'), breakCase);
    }
    await commitAll(scratch, 'rehearsal: publish without provenance');
    log(`${published.length} published packages: ${published.map((p) => p.name).join(', ')}`);
    return published;
  });
  const byDir = new Map(packages.map((p) => [p.dir, p.name]));

  if (flag('as-if-versioned')) {
    await phase('as if the lead had run `pnpm changeset version` (no pending changesets left)', async () => {
      await changeset(changesetBin, ['version'], scratch);
      await commitAll(scratch, 'first version line');
    });
  }

  registry = await phase('start verdaccio on 127.0.0.1 and an ephemeral port', async () => {
    const r = await startRegistry(await mkdtemp(join(work, 'registry-')));
    log(`registry ${r.url} (pid ${r.pid})`);
    return r;
  });
  const port = new URL(registry.url).port;
  // Publishing reads this userconfig only: the registry and the scope both
  // point here, so nothing can reach any other registry.
  const npmrc = join(work, 'publish.npmrc');
  await writeFile(
    npmrc,
    `registry=${registry.url}\n@authbelt:registry=${registry.url}\n//127.0.0.1:${port}/:_authToken=rehearsal\n`,
  );
  const publishEnv = {
    npm_config_userconfig: npmrc,
    npm_config_registry: registry.url,
    'npm_config_@authbelt:registry': registry.url,
  };

  const firstRelease = await phase('first release: changeset version + changeset publish', async () => {
    const before = await versionsIn(scratch);
    const pending = await pendingChangesets(scratch);
    log(`${pending.length} pending changesets; versions before: ${summary(before)}`);
    if (pending.length > 0) {
      await changeset(changesetBin, ['version'], scratch);
      const left = await pendingChangesets(scratch);
      if (left.length > 0) fail(`changeset version left ${left.join(', ')}`);
      await commitAll(scratch, 'version packages');
    }
    const after = await versionsIn(scratch);
    log(`versions to publish: ${summary(after)}`);
    for (const p of packages) {
      const changelog = join(scratch, 'packages', p.dir, 'CHANGELOG.md');
      if (!existsSync(changelog)) fail(`${p.name} has no CHANGELOG.md after changeset version`);
      else if (!(await readFile(changelog, 'utf8')).includes(`## ${after[p.name]}`)) {
        fail(`${p.name}'s CHANGELOG.md has no "## ${after[p.name]}" section`);
      }
      if (after[p.name] === '0.0.0') fail(`${p.name} would be published as 0.0.0: it has no changeset`);
    }
    const published = await changesetPublish(changesetBin, scratch, publishEnv);
    const missing = packages.filter((p) => !published.includes(`${p.name}@${after[p.name]}`));
    if (missing.length > 0) fail(`changeset publish did not publish ${missing.map((p) => p.name).join(', ')}`);
    for (const p of packages) {
      const meta = await metadata(p.name);
      if (meta?.['dist-tags']?.latest !== after[p.name]) {
        fail(`${p.name}: the registry's latest is ${meta?.['dist-tags']?.latest}, not ${after[p.name]}`);
      }
      // workspace: ranges must have become versions, internal ones `^` the version published.
      const manifest = meta?.versions?.[after[p.name]] ?? {};
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        if (String(range).startsWith('workspace:')) fail(`${p.name} was published with ${dep}@${range}`);
        if (after[dep] !== undefined && range !== `^${after[dep]}`) {
          fail(`${p.name} was published with ${dep}@${range}, not ^${after[dep]}`);
        }
      }
    }
    return { before, versions: after };
  });
  const { versions } = firstRelease;

  testServer = await startSmokeServer(SMOKE_CREDENTIALS);
  log(`test server ${testServer.url}`);

  const alone = await phase('each published package alone, from the registry', async () => {
    const rows = [];
    // Two at a time: npm installs wait on the network more than on the CPU.
    const queue = [...packages];
    const worker = async () => {
      for (let p = queue.shift(); p !== undefined; p = queue.shift())
        rows.push(await checkAlone(p.name, versions[p.name]));
    };
    await Promise.all([worker(), worker()]);
    rows.sort((a, b) => a.name.localeCompare(b.name));
    for (const row of rows) {
      for (const problem of row.problems) fail(`alone ${row.name}: ${problem}`);
    }
    return rows;
  });

  const combinations = await phase('realistic combinations, one live exchange each', async () => {
    const rows = [];
    for (const combination of COMBINATIONS) {
      const names = combination.packages.map((dir) => byDir.get(dir));
      if (names.some((n) => n === undefined)) {
        log(
          `${combination.id}: skipped (no published ${combination.packages.filter((d) => !byDir.has(d)).join(', ')})`,
        );
        continue;
      }
      rows.push(await checkCombination(combination, names, versions));
    }
    return rows;
  });

  const history = Object.fromEntries(Object.entries(versions).map(([n, v]) => [n, new Set([v])]));
  const fixtures = [];
  let current = versions;
  for (const type of ['patch', 'minor']) {
    const fixture = await phase(`fixture release: a ${type} to @authbelt/basic`, () =>
      fixtureRelease({ scratch, changesetBin, publishEnv, versions: current, packages, history, type }),
    );
    fixtures.push(fixture);
    current = fixture.versions;
  }

  let runtimes;
  if (!flag('no-runtimes')) {
    runtimes = await phase('pnpm test:runtimes from the registry (node20, tsc-node16)', async () => {
      const result = await exec(
        process.execPath,
        [join(root, 'runtimes', 'run.mjs'), '--no-build', `--registry=${registry.url}`, '--only=node20,tsc-node16'],
        { cwd: root, timeoutMs: 600_000 },
      );
      if (result.code !== 0)
        fail(`runtimes suite from the registry failed:\n${tail(result.stdout + result.stderr, 30)}`);
      return tail(result.stdout, 8);
    });
  }

  let negative;
  if (!flag('no-negative') && breakCase === undefined) {
    negative = await phase('negative self-test: broken tarballs must fail the checks', () =>
      negativeSelfTest({ scratch, publishEnv, versions }),
    );
  }

  printReport({ alone, combinations, fixtures, runtimes, negative, versions });
}

// ---------------------------------------------------------------------------

function summary(versions) {
  const counts = {};
  for (const v of Object.values(versions)) counts[v] = (counts[v] ?? 0) + 1;
  return Object.entries(counts)
    .map(([v, n]) => `${n} × ${v}`)
    .join(', ');
}

async function changeset(bin, args, cwd, env = {}) {
  const result = await exec(bin, args, { cwd, env, timeoutMs: 300_000 });
  if (result.code !== 0)
    throw new Error(`changeset ${args.join(' ')} failed:\n${tail(result.stdout + result.stderr, 30)}`);
  return result.stdout + result.stderr;
}

/** `changeset publish` against the registry; returns the `name@version`s it says it published. */
async function changesetPublish(bin, cwd, env) {
  const output = await changeset(bin, ['publish'], cwd, env);
  const block = output.split('packages published successfully:')[1] ?? '';
  return [...new Set([...block.matchAll(/(@authbelt\/[\w-]+@\d+\.\d+\.\d+[\w.-]*)/g)].map((m) => m[1]))];
}

/** The registry's packument for a name (undefined when it has none). */
async function metadata(name) {
  const response = await fetch(`${registry.url}${name.replace('/', '%2f')}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`registry answered ${response.status} for ${name}`);
  return response.json();
}

async function project(label) {
  const dir = join(work, 'projects', label.replace(/[^\w.-]+/g, '_'));
  await mkdir(dir, { recursive: true });
  await freshProject(dir, registry.url);
  return dir;
}

/** `npm i <name>@<version>` alone: tarball contents, imports, the tree, ESM and CJS loads, sizes. */
async function checkAlone(name, version, { extra = [] } = {}) {
  const dir = await project(`alone-${name}-${version}-${extra.join('-')}`);
  const row = { name, version, problems: [] };
  try {
    await npmInstall(dir, [`${name}@${version}`, ...extra]);
  } catch (error) {
    row.problems.push(error.message);
    return row;
  }
  const installed = join(dir, 'node_modules', name);
  const tarball = await checkTarball(installed);
  row.problems.push(...tarball.problems);
  const tree = await checkTree(dir, [name, ...extra.map((e) => e.replace(/(.)@.*$/, '$1'))]);
  row.problems.push(...tree.problems);
  row.tree = tree.lines;
  row.notes = [];
  row.problems.push(...(await checkLoads(dir, tarball.manifest, { notes: row.notes })));
  for (const note of row.notes) log(`${name}: ${note}`);
  const meta = (await metadata(name))?.versions?.[version]?.dist ?? {};
  row.unpacked = meta.unpackedSize ?? tarball.bytes;
  row.files = meta.fileCount ?? tarball.files.length;
  const tgz = meta.tarball === undefined ? undefined : await fetch(meta.tarball).then((r) => r.arrayBuffer());
  row.packed = tgz?.byteLength;
  row.install = await installSize(dir);
  log(
    `${name}@${version}: ${row.problems.length === 0 ? 'ok' : `${row.problems.length} problems`}; ` +
      `${row.files} files, ${kb(row.packed)} packed, ${kb(row.unpacked)} unpacked; install ${kb(row.install.bytes)} ` +
      `(${tree.lines.filter((l) => !l.endsWith('(deduped)')).length} packages)`,
  );
  return row;
}

const kb = (bytes) => (bytes === undefined ? '?' : `${(bytes / 1000).toFixed(1)} kB`);

async function runLive(dir, liveId, node = [process.execPath]) {
  const live = LIVE[liveId];
  await writeFile(join(dir, 'live.mjs'), `${LIVE_PRELUDE}${live.code}\n`);
  testServer.reset?.();
  const [command, ...pre] = node;
  const result = await exec(command, [...pre, 'live.mjs'], {
    cwd: dir,
    timeoutMs: 300_000,
    env: { SERVER_URL: testServer.url, USERNAME: SMOKE_CREDENTIALS.username, PASSWORD: SMOKE_CREDENTIALS.password },
  });
  const problems = [];
  let status;
  try {
    ({ status } = JSON.parse(result.stdout.trim().split('\n').at(-1)));
  } catch {
    problems.push(`the live exchange did not finish:\n${tail(result.stdout + result.stderr, 8)}`);
    return { problems };
  }
  if (status !== 200) problems.push(`the live exchange ended with ${status}, not 200`);
  const stats = testServer.stats(live.path);
  const seen = `${stats.requests} requests, ${stats.challenges} challenges, ${stats.authFailures} auth failures on ${live.path}`;
  if (stats.authFailures > 0 || stats.replays > 0)
    problems.push(`the test server counted ${seen}, ${stats.replays} replays`);
  for (const [key, value] of Object.entries(live.expect)) {
    if (stats[key] !== value)
      problems.push(`expected ${value} ${key} on ${live.path}, the test server counted ${stats[key]}`);
  }
  return { problems, status, seen };
}

/** A combination installed by name together, its tree checked, its packages loaded, and one live exchange. */
async function checkCombination(combination, names, versions) {
  const dir = await project(`combination-${combination.id}`);
  const specs = names.map((n) => `${n}@${versions[n]}`);
  const row = { id: combination.id, specs: [...specs, ...combination.thirdParty], problems: [] };
  try {
    await npmInstall(dir, [...specs, ...combination.thirdParty]);
  } catch (error) {
    row.problems.push(error.message);
  }
  if (row.problems.length === 0) {
    const tree = await checkTree(dir, [...names, ...combination.thirdParty.map((t) => t.replace(/(.)@.*$/, '$1'))]);
    row.problems.push(...tree.problems);
    for (const name of names) {
      const manifest = JSON.parse(await readFile(join(dir, 'node_modules', name, 'package.json'), 'utf8'));
      const notes = [];
      row.problems.push(...(await checkLoads(dir, manifest, { node: combination.node, notes })));
      for (const note of notes) log(`${combination.id}: ${note}`);
    }
    row.install = await installSize(dir);
    if (combination.live !== undefined) {
      const live = await runLive(dir, combination.live, combination.node);
      row.problems.push(...live.problems);
      row.live = live.seen === undefined ? 'no answer' : `${live.status} (${live.seen})`;
    } else row.live = 'none yet';
  }
  for (const problem of row.problems) fail(`${combination.id}: ${problem}`);
  log(
    `${combination.id}: ${row.problems.length === 0 ? 'ok' : 'FAILED'}; live ${row.live}; install ${kb(row.install?.bytes)}`,
  );
  return row;
}

/** Does `version` satisfy `range` (`^x.y.z`, `~x.y.z`, `x.y.z`: the forms our published ranges take)? */
function satisfies(version, range) {
  const parse = (v) => v.split('.').map(Number);
  const [v0, v1, v2] = parse(version);
  const match = /^([~^]?)(\d+\.\d+\.\d+)$/.exec(range);
  if (match === null) throw new Error(`range ${range}: not modelled`);
  const [r0, r1, r2] = parse(match[2]);
  const atLeast = v0 > r0 || (v0 === r0 && (v1 > r1 || (v1 === r1 && v2 >= r2)));
  if (match[1] === '') return version === match[2];
  if (!atLeast) return false;
  if (match[1] === '~' || r0 === 0)
    return v0 === r0 && v1 === r1 && (match[1] === '~' || r0 !== 0 || r1 !== 0 || v2 === r2);
  return v0 === r0;
}

const bumpVersion = (version, type) => {
  const [a, b, c] = version.split('.').map(Number);
  if (type === 'major') return `${a + 1}.0.0`;
  if (type === 'minor') return `${a}.${b + 1}.0`;
  return `${a}.${b}.${c + 1}`;
};

/**
 * What `.changeset/config.json` promises for one changeset, by changesets'
 * documented rules: the package changed takes its bump; a package that
 * depends on a released one (dependencies, optionalDependencies) is
 * released too, with a patch, when the new version leaves the range it
 * declares (`workspace:^` publishes as `^<version>`), or always when the
 * experimental `updateInternalDependents` is "always"; devDependencies
 * release nothing. `updateInternalDependencies` then says which ranges are
 * rewritten in what is released ("patch": on every bump). Fixed and linked
 * groups and internal peer dependencies are not modelled: the rehearsal
 * refuses them rather than guess.
 */
function expectedBumps(config, manifests, versions, changed, type) {
  if ((config.fixed ?? []).length > 0 || (config.linked ?? []).length > 0) {
    throw new Error('the rehearsal models no fixed or linked groups: update expectedBumps first');
  }
  const always = config.___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH?.updateInternalDependents === 'always';
  const ignored = new Set(config.ignore ?? []);
  const next = new Map([[changed, bumpVersion(versions[changed], type)]]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const m of manifests) {
      if (next.has(m.name) || m.private || ignored.has(m.name)) continue;
      for (const dep of Object.keys(m.peerDependencies ?? {})) {
        if (next.has(dep)) throw new Error(`${m.name} has an internal peer dependency on ${dep}: not modelled`);
      }
      const ranges = { ...m.dependencies, ...m.optionalDependencies };
      const leaves = Object.entries(ranges).some(([dep, range]) => {
        if (!next.has(dep)) return false;
        const published = String(range)
          .replace(/^workspace:([~^])$/, `$1${versions[dep]}`)
          .replace(/^workspace:/, '');
        return always || !satisfies(next.get(dep), published);
      });
      if (leaves) {
        next.set(m.name, bumpVersion(versions[m.name], 'patch'));
        grew = true;
      }
    }
  }
  return next;
}

/**
 * One fixture changeset (`type` to @authbelt/basic) released on top of what
 * the registry has: the bump set `changeset version` makes must be the one
 * the config promises, `changeset publish` must publish exactly it, and the
 * new versions must install together with the untouched ones.
 */
async function fixtureRelease({ scratch, changesetBin, publishEnv, versions, packages, history, type }) {
  const changed = '@authbelt/basic';
  const config = JSON.parse(await readFile(join(scratch, '.changeset', 'config.json'), 'utf8'));
  const manifests = (await workspacePackages(scratch)).map((p) => p.manifest);
  const expected = expectedBumps(config, manifests, versions, changed, type);
  await writeFile(
    join(scratch, '.changeset', `rehearsal-basic-${type}.md`),
    `---\n"${changed}": ${type}\n---\n\nRehearsal fixture: a ${type} to \`${changed}\`.\n`,
  );
  await changeset(changesetBin, ['version'], scratch);
  await commitAll(scratch, `fixture: a ${type} to ${changed}`);
  const after = await versionsIn(scratch);
  const bumps = Object.keys(after)
    .filter((n) => after[n] !== versions[n])
    .sort();
  const describe = (map) => [...map].map(([n, v]) => `${n} ${versions[n]} -> ${v}`).join(', ');
  const actual = describe(bumps.map((n) => [n, after[n]]));
  const promised = describe([...expected].sort(([a], [b]) => a.localeCompare(b)));
  log(`${type} bump set:  ${actual}`);
  log(`config promises: ${promised}`);
  if (actual !== promised) fail(`${type} fixture: bump set is ${actual}; .changeset/config.json promises ${promised}`);
  for (const p of packages.filter((p) => bumps.includes(p.name) && p.name !== changed)) {
    const changelog = await readFile(join(scratch, 'packages', p.dir, 'CHANGELOG.md'), 'utf8');
    if (!changelog.includes(`## ${after[p.name]}`) || !changelog.includes(`${changed}@${after[changed]}`)) {
      fail(`${p.name}'s CHANGELOG.md does not say it updated ${changed} to ${after[changed]}`);
    }
  }
  const published = await changesetPublish(changesetBin, scratch, publishEnv);
  const publishedNames = published.map((s) => s.replace(/(.)@[^@]+$/, '$1')).sort();
  log(`published: ${published.join(', ')}`);
  if (publishedNames.join() !== bumps.join()) {
    fail(`changeset publish published ${publishedNames.join(', ')}, the bump set is ${bumps.join(', ')}`);
  }
  for (const name of bumps) history[name].add(after[name]);
  for (const name of Object.keys(after)) {
    const listed = Object.keys((await metadata(name))?.versions ?? {})
      .filter((v) => !v.includes('-'))
      .sort();
    const want = [...history[name]].sort();
    if (listed.join() !== want.join())
      fail(`${name} on the registry has ${listed.join(', ')}, expected ${want.join(', ')}`);
  }

  // New versions install together with untouched ones: every package at
  // `latest` in one project, one copy of each, the versions expected, and a
  // live exchange through a bumped scheme and an untouched adapter.
  const dir = await project(`fixture-${type}-together`);
  const names = Object.keys(after).sort();
  const problems = [];
  try {
    await npmInstall(dir, [...names.map((n) => `${n}@latest`), 'axios@1', 'ky@1']);
    const listed = await exec('npm', ['ls', '--all', '--json'], { cwd: dir });
    const copies = {};
    const walkTree = (node) => {
      for (const [name, child] of Object.entries(node.dependencies ?? {})) {
        if (name.startsWith('@authbelt/')) {
          copies[name] = copies[name] ?? new Set();
          copies[name].add(child.version);
        }
        walkTree(child);
      }
    };
    walkTree(JSON.parse(listed.stdout));
    for (const name of names) {
      const got = [...(copies[name] ?? [])];
      if (got.length !== 1 || got[0] !== after[name])
        problems.push(`${name}: installed ${got.join(', ') || 'nothing'}, expected ${after[name]} once`);
    }
    const tree = await checkTree(dir, [...names, 'axios', 'ky']);
    problems.push(...tree.problems);
    const live = await runLive(dir, 'handlerFetch');
    problems.push(...live.problems);
    log(
      `together: ${names.length} packages at latest, live handler (${after['@authbelt/handler']}) -> basic (${after['@authbelt/basic']}) + adapter-fetch (${after['@authbelt/adapter-fetch']}): ${live.status}`,
    );
  } catch (error) {
    problems.push(error.message);
  }
  // A dependent left untouched takes the new @authbelt/basic: one copy, the new version.
  const dependent = manifests.find(
    (m) => !m.private && !bumps.includes(m.name) && Object.keys(m.dependencies ?? {}).includes(changed),
  )?.name;
  if (dependent !== undefined) {
    const old = await project(`fixture-${type}-untouched-dependent`);
    try {
      await npmInstall(old, [`${dependent}@${versions[dependent]}`, '@authbelt/basic@latest']);
      const installed = JSON.parse(
        await readFile(join(old, 'node_modules', '@authbelt', 'basic', 'package.json'), 'utf8'),
      );
      const nested = existsSync(join(old, 'node_modules', dependent, 'node_modules', '@authbelt', 'basic'));
      if (installed.version !== after['@authbelt/basic'] || nested) {
        problems.push(
          `${dependent}@${versions[dependent]} with @authbelt/basic@latest: basic ${installed.version}${nested ? ', plus a nested copy' : ''}`,
        );
      }
      log(`${dependent}@${versions[dependent]} (untouched) + @authbelt/basic@latest: one basic, ${installed.version}`);
    } catch (error) {
      problems.push(error.message);
    }
  }
  for (const problem of problems) fail(`${type} fixture: ${problem}`);
  return { type, bumps: actual, promised, published, versions: after };
}

/**
 * Breaks a package the way a release can break: its built code imports a
 * file the tarball lacks, or a package its manifest does not declare, or the
 * tarball ships a test and a source file.
 */
async function breakPackage(dir, kind) {
  const edit = async (file, prefix) => {
    const path = join(dir, 'dist', file);
    await writeFile(path, `${prefix}\n${await readFile(path, 'utf8')}`);
  };
  if (kind === 'missing-file') {
    // As a code-split build whose chunk the `files` list leaves out.
    await edit('index.js', "import './chunk-rehearsal.js';");
    await edit('index.cjs', "require('./chunk-rehearsal.cjs');");
  } else if (kind === 'undeclared-dep') {
    // As a workspace dependency that hoisting made work in the monorepo.
    await edit('index.js', "import '@authbelt/digest';");
    await edit('index.cjs', "require('@authbelt/digest');");
  } else {
    await writeFile(join(dir, 'dist', 'index.test.js'), 'export {};\n');
    await editManifest(dir, (m) => {
      m.files = [...m.files, 'src'];
    });
    await mkdir(join(dir, 'src'), { recursive: true });
    if (!existsSync(join(dir, 'src', 'index.ts'))) await writeFile(join(dir, 'src', 'index.ts'), 'export {};\n');
  }
}

/**
 * The checks must catch a broken release: @authbelt/basic republished from
 * the scratch copy under a prerelease version (dist-tag `negative`, so
 * `latest` never sees it), broken three ways; each must fail `checkAlone`
 * with the problem named. A check that passes a broken tarball fails the rehearsal.
 */
async function negativeSelfTest({ scratch, publishEnv, versions }) {
  const basicVersion = versions['@authbelt/basic'];
  const cases = [
    { kind: 'missing-file', expect: /imports \.\/chunk-rehearsal\.js, which is not in the tarball/ },
    { kind: 'undeclared-dep', expect: /imports @authbelt\/digest, which its package.json does not declare/ },
    {
      kind: 'undeclared-dep',
      extra: ['@authbelt/digest@latest'],
      expect: /imports @authbelt\/digest, which its package.json does not declare/,
    },
    { kind: 'test-file', expect: /the tarball holds a test file: dist\/index\.test\.js/ },
  ];
  const results = [];
  const published = new Set();
  for (const c of cases) {
    const version = `${basicVersion}-negative-${c.kind}.0`;
    if (!published.has(c.kind)) {
      // @authbelt/basic as the scratch copy has it, its workspace ranges made
      // the versions published (as pnpm publish does), then broken.
      const dir = join(work, 'negative', c.kind);
      await cp(join(scratch, 'packages', 'basic'), dir, {
        recursive: true,
        filter: (source) => !source.includes('node_modules'),
      });
      await breakPackage(dir, c.kind);
      await editManifest(dir, (m) => {
        m.version = version;
        delete m.publishConfig?.provenance;
        delete m.devDependencies;
        for (const dep of Object.keys(m.dependencies ?? {})) {
          if (String(m.dependencies[dep]).startsWith('workspace:')) m.dependencies[dep] = `^${versions[dep]}`;
        }
      });
      const result = await exec('npm', ['publish', '--tag', 'negative', '--access', 'public'], {
        cwd: dir,
        env: publishEnv,
        timeoutMs: 120_000,
      });
      if (result.code !== 0)
        throw new Error(`publishing the broken ${c.kind} fixture failed:\n${tail(result.stdout + result.stderr)}`);
      published.add(c.kind);
    }
    const row = await checkAlone('@authbelt/basic', version, { extra: c.extra ?? [] });
    const caught = row.problems.filter((p) => c.expect.test(p));
    const label = `${c.kind}${c.extra ? ` (installed with ${c.extra.join(' ')})` : ''}`;
    if (caught.length === 0)
      fail(
        `negative self-test ${label}: the checks passed a broken tarball (${row.problems.join('; ') || 'no problems found'})`,
      );
    else log(`negative ${label}: caught (${row.problems.length} problems)`);
    results.push({ label, problems: row.problems });
  }
  return results;
}

function printReport({ alone, combinations, fixtures, runtimes, negative, versions }) {
  const out = [];
  out.push(
    '',
    '## Published packages, alone',
    '',
    '| package | version | files | packed | unpacked | install (whole tree) | tree |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const row of alone) {
    // The @authbelt part of the tree, and how many other packages came along (a declared peer's own tree).
    const entries = [
      ...new Set(
        (row.tree ?? [])
          .filter((l) => !l.endsWith('(not installed)'))
          .map((l) => l.trim().replace(/ \(deduped\)$/, '')),
      ),
    ];
    const ours = entries.filter((e) => e.startsWith('@authbelt/'));
    const others = entries.filter((e) => !e.startsWith('@authbelt/'));
    const tree = `${ours.join(', ')}${others.length > 0 ? ` + ${others.length === 1 ? others[0] : `${others.length} others (${others[0]} and its tree)`}` : ''}`;
    out.push(
      `| ${row.name} | ${row.version} | ${row.files ?? '?'} | ${kb(row.packed)} | ${kb(row.unpacked)} | ${kb(row.install?.bytes)} | ${tree} |`,
    );
  }
  out.push(
    '',
    '## Combinations',
    '',
    '| combination | install | live exchange | result |',
    '| --- | --- | --- | --- |',
  );
  for (const row of combinations) {
    out.push(
      `| ${row.id} | ${kb(row.install?.bytes)} | ${row.live ?? '-'} | ${row.problems.length === 0 ? 'ok' : 'FAIL'} |`,
    );
  }
  for (const f of fixtures) {
    out.push(
      '',
      `## Fixture release: a ${f.type} to @authbelt/basic`,
      '',
      `- bump set: ${f.bumps}`,
      `- promised by .changeset/config.json: ${f.promised}`,
      `- published: ${f.published.join(', ')}`,
    );
  }
  if (runtimes !== undefined) out.push('', '## Runtimes suite from the registry', '', runtimes);
  if (negative !== undefined) {
    out.push('', '## Negative self-test (what the checks said about broken tarballs)', '');
    for (const n of negative) {
      const shown = n.problems.slice(0, 4).map((p) => `  - ${p.split('\n')[0]}`);
      out.push(`- ${n.label}:`, ...shown, ...(n.problems.length > 4 ? [`  - ... ${n.problems.length - 4} more`] : []));
    }
  }
  out.push(
    '',
    `versions published first: ${summary(versions)}`,
    '',
    '## Timings',
    '',
    ...timings.map((t) => `- ${t}`),
    `- total: ${seconds(started)}`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} catch (error) {
  fail(error.stack ?? String(error));
} finally {
  await testServer?.close();
  if (registry !== undefined) {
    await registry.stop();
    log(`registry (pid ${registry.pid}) stopped`);
  }
  if (work !== undefined) {
    if (flag('keep')) log(`kept ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}
if (failures.length > 0) {
  process.stdout.write(
    `\nrelease rehearsal FAILED: ${failures.length} problems\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n`,
  );
  process.exitCode = 1;
} else process.stdout.write(`\nrelease rehearsal ok (${seconds(started)})\n`);
