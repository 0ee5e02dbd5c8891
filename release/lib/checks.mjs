// What a user's install of an @authbelt package must look like: the checks
// the rehearsal runs on every scratch project it installs from the registry.
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { exec, tail } from '../../runtimes/lib/exec.mjs';
import { exportTargets } from '../../runtimes/lib/prepare.mjs';

const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error', '--no-update-notifier'];

/** Files a tarball must never carry: tests, fixtures, TypeScript sources, build configs. */
const FORBIDDEN = [
  [/(^|\/)(src|test|tests|__tests__|fixtures?|__fixtures__)\//, 'a source, test or fixture folder'],
  [/\.(test|spec|bench)\.[cm]?[jt]sx?$/, 'a test file'],
  [/(?<!\.d)\.[cm]?tsx?$/, 'a TypeScript source'],
  [
    /(^|\/)(tsconfig[^/]*\.json|tsup\.config\.[cm]?[jt]s|vitest\.config\.[cm]?[jt]s|\.npmrc)$/,
    'a build or test config',
  ],
];

/** A fresh npm project in `dir` that fetches @authbelt/* from `registry`, everything else from npm's default. */
export async function freshProject(dir, registry) {
  await writeFile(join(dir, 'package.json'), `${JSON.stringify({ name: 'scratch', private: true }, null, 2)}\n`);
  await writeFile(join(dir, '.npmrc'), `@authbelt:registry=${registry}\n`);
}

/** `npm install` as a user would; throws with npm's own words on failure. */
export async function npmInstall(dir, specs) {
  const result = await exec('npm', ['install', ...NPM_FLAGS, ...specs], { cwd: dir, timeoutMs: 300_000 });
  if (result.code !== 0)
    throw new Error(`npm install ${specs.join(' ')} failed:\n${tail(result.stdout + result.stderr)}`);
}

async function walk(dir, base = dir, out = []) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') await walk(path, base, out);
    } else out.push(relative(base, path));
  }
  return out;
}

const builtins = new Set(builtinModules);
const packageOf = (specifier) => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
};

/**
 * Every module specifier a built file loads: static imports and re-exports,
 * side-effect imports, `import()` and `require()` with a string literal.
 * tsup's output is plain enough for this scan; a specifier built at run
 * time would escape it, and the import check below still loads the entry.
 */
export function specifiersOf(code) {
  const found = new Set();
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.add(match[1]);
  return [...found];
}

/**
 * Checks one installed package's files (= its tarball, which npm unpacks
 * whole): nothing forbidden in it, every file its `exports` names present,
 * every relative import of its built code present, every bare import
 * declared in its dependencies, peerDependencies or optionalDependencies.
 * Returns `{ problems, files, bytes }`.
 */
export async function checkTarball(installedDir) {
  const manifest = JSON.parse(await readFile(join(installedDir, 'package.json'), 'utf8'));
  const problems = [];
  const files = await walk(installedDir);
  let bytes = 0;
  for (const file of files) bytes += (await stat(join(installedDir, file))).size;
  for (const file of files) {
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(file)) problems.push(`${manifest.name}: the tarball holds ${what}: ${file}`);
    }
  }
  for (const target of exportTargets(manifest.exports)) {
    if (target.startsWith('./') && !existsSync(join(installedDir, target))) {
      problems.push(`${manifest.name}: its exports map names ${target}, which is not in the tarball`);
    }
  }
  const declared = new Set(
    Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies }),
  );
  for (const file of files.filter((f) => /\.[cm]?js$/.test(f))) {
    const code = await readFile(join(installedDir, file), 'utf8');
    for (const specifier of specifiersOf(code)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(join(installedDir, file)), specifier);
        if (!existsSync(target)) {
          problems.push(`${manifest.name}: ${file} imports ${specifier}, which is not in the tarball`);
        }
      } else if (specifier.startsWith('node:') || builtins.has(specifier)) {
        // Node's own modules need no declaration.
      } else if (!declared.has(packageOf(specifier)) && packageOf(specifier) !== manifest.name) {
        problems.push(
          `${manifest.name}: ${file} imports ${specifier}, which its package.json does not declare ` +
            '(dependencies, peerDependencies, optionalDependencies)',
        );
      }
    }
  }
  return { problems, files, bytes, manifest };
}

/**
 * The installed tree (`npm ls --all --json`): every package's children must
 * be among what that package declares, and the project's own top level
 * only what was asked for plus the peers npm installs for it. Returns
 * `{ problems, lines }` with the tree as indented `name@version` lines.
 */
export async function checkTree(dir, requested) {
  const result = await exec('npm', ['ls', '--all', '--json', '--long'], { cwd: dir, timeoutMs: 120_000 });
  const problems = [];
  let tree;
  try {
    tree = JSON.parse(result.stdout);
  } catch {
    return { problems: [`npm ls printed no JSON:\n${tail(result.stdout + result.stderr)}`], lines: [] };
  }
  if (result.code !== 0) {
    problems.push(`npm ls --all found problems: ${JSON.stringify(tree.problems ?? tree.error ?? tail(result.stderr))}`);
  }
  const lines = [];
  const peersOfRequested = new Set();
  const visit = (name, node, depth, parentName, parentDeclared) => {
    if (node.version === undefined) {
      // Declared, not on disk: an optional peer nobody installed (a missing
      // required one makes npm ls fail, reported above).
      lines.push(`${'  '.repeat(depth)}${name} (not installed)`);
      return;
    }
    lines.push(`${'  '.repeat(depth)}${name}@${node.version ?? '?'}${node.extraneous ? ' (extraneous)' : ''}`);
    if (node.extraneous) problems.push(`${name} is installed but nothing declares it`);
    if (parentDeclared !== undefined && !parentDeclared.has(name)) {
      problems.push(`${name} is installed under ${parentName}, which does not declare it`);
    }
    const declared = new Set(
      Object.keys({ ...node.dependencies_declared, ...node.peerDependencies, ...node.optionalDependencies }),
    );
    if (depth === 1 && requested.includes(name))
      for (const peer of Object.keys(node.peerDependencies ?? {})) peersOfRequested.add(peer);
    for (const [child, childNode] of Object.entries(node.dependencies ?? {})) {
      if (childNode.deduped) {
        lines.push(`${'  '.repeat(depth + 1)}${child}@${childNode.version ?? '?'} (deduped)`);
        continue;
      }
      visit(child, childNode, depth + 1, name, declared);
    }
  };
  // With --long, npm ls gives each node's manifest: `_dependencies` holds what it declares.
  const normalize = (node) => {
    node.dependencies_declared = node._dependencies ?? {};
    for (const child of Object.values(node.dependencies ?? {})) normalize(child);
  };
  normalize(tree);
  for (const [name, node] of Object.entries(tree.dependencies ?? {})) visit(name, node, 1);
  for (const name of Object.keys(tree.dependencies ?? {})) {
    if (!requested.includes(name) && !peersOfRequested.has(name)) {
      problems.push(
        `${name} sits at the top level, but neither the install nor a requested package's peers asked for it`,
      );
    }
  }
  return { problems, lines };
}

/**
 * Loads every entry of a package as ESM and as CommonJS in a child Node
 * (the project's own resolution, no workspace around it) and compares the
 * export names the two give. Returns problems; what it skipped goes to `notes`.
 */
export async function checkLoads(dir, manifest, { node = [process.execPath], notes = [] } = {}) {
  const problems = [];
  const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter((s) => s !== './package.json');
  for (const subpath of subpaths) {
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
    const script = [
      'const { createRequire } = await import("node:module");',
      'const require = createRequire(process.cwd() + "/package.json");',
      `const esm = Object.keys(await import(${JSON.stringify(specifier)})).filter((k) => k !== "default" && k !== "module.exports").sort();`,
      `const cjs = Object.keys(require(${JSON.stringify(specifier)})).sort();`,
      'process.stdout.write(JSON.stringify({ esm, cjs }));',
    ].join('\n');
    const [command, ...pre] = node;
    const result = await exec(command, [...pre, '--input-type=module', '-e', script], { cwd: dir, timeoutMs: 120_000 });
    if (result.code !== 0) {
      // An entry that needs an optional peer the user has not installed
      // (adapter-fetch/proxy without undici) is expected not to load.
      const absent = /Cannot find (?:package|module) '([^']+)'/.exec(result.stderr)?.[1];
      const optional = manifest.peerDependenciesMeta?.[absent ?? '']?.optional === true;
      if (optional && !existsSync(join(dir, 'node_modules', absent))) {
        notes.push(`${specifier} not loaded: it needs the optional peer ${absent}, not installed here`);
        continue;
      }
      problems.push(`${specifier} does not load (import and require()): ${firstError(result.stderr)}`);
      continue;
    }
    const { esm, cjs } = JSON.parse(result.stdout.trim().split('\n').at(-1));
    if (esm.length === 0) problems.push(`${specifier} exports nothing`);
    if (esm.join() !== cjs.join()) {
      problems.push(`${specifier}: import gives ${esm.join(', ')} but require() gives ${cjs.join(', ')}`);
    }
  }
  return problems;
}

/** The line of a Node error output that says what went wrong. */
function firstError(stderr) {
  const lines = stderr.split('\n');
  return (lines.find((l) => /Error|Cannot find/.test(l)) ?? tail(stderr, 4)).trim();
}

/** Size of a whole node_modules tree (nested node_modules included). */
export async function installSize(dir) {
  let bytes = 0;
  let count = 0;
  const go = async (d) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) await go(path);
      else if (entry.isFile()) {
        bytes += (await stat(path)).size;
        count++;
      }
    }
  };
  if (existsSync(join(dir, 'node_modules'))) await go(join(dir, 'node_modules'));
  return { bytes, count };
}
