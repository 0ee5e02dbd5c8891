// Entry for Node, Deno and Bun: run in the scratch project, where the packed
// tarballs are installed in node_modules. Settings come from the environment;
// the results go to stdout as one line the runner parses.
import { createRequire } from 'node:module';
import process from 'node:process';
import { loaders, unavailable } from './packages.mjs';
import { nodeLoaders, requirers } from './packages-node.mjs';
import { missingExports, runSmoke } from './smoke.mjs';
import { vectors } from './vectors.mjs';

const env = process.env;
const modules = {};
const importErrors = [];
for (const [name, load] of Object.entries({ ...loaders, ...nodeLoaders })) {
  try {
    modules[name] = await load();
  } catch (error) {
    importErrors.push(`${name}: ${error?.message ?? error}`);
  }
}

let ky;
try {
  ky = await import('ky');
} catch (error) {
  ky = error instanceof Error ? error : new Error(String(error));
}

const results = await runSmoke({
  modules,
  unavailable,
  vectors,
  serverUrl: env.SMOKE_SERVER_URL || undefined,
  serverMissing: env.SMOKE_SERVER_MISSING,
  credentials: { username: env.SMOKE_USERNAME, password: env.SMOKE_PASSWORD },
  // Node, Deno and Bun resolve the node:crypto build, unless told to take another (Bun --conditions=browser).
  expectedHash: env.SMOKE_EXPECTED_HASH || 'node',
  ky,
  // Without the hashImplementation export: which build of @authbelt/digest did this runtime resolve?
  hashFallback: async () => (import.meta.resolve('@authbelt/digest').includes('/dist/node/') ? 'node' : 'js'),
});
if (importErrors.length > 0) {
  results.import = { status: 'fail', detail: `import failed: ${importErrors.join('; ')}` };
}

// require() of every package: the CommonJS builds, resolved through the `require` conditions.
try {
  const require = createRequire(import.meta.url);
  const loaded = {};
  const errors = [];
  for (const name of requirers) {
    try {
      loaded[name] = require(name);
    } catch (error) {
      errors.push(`${name}: ${error?.message ?? error}`);
    }
  }
  const missing = missingExports(loaded);
  if (errors.length > 0 || missing.length > 0) {
    results.require = { status: 'fail', detail: [...errors, ...missing.map((m) => `missing ${m}`)].join('; ') };
  } else {
    let hash = 'not packed';
    if (requirers.includes('@authbelt/digest')) {
      const exported = loaded['@authbelt/digest'].hashImplementation;
      const file = require.resolve('@authbelt/digest');
      hash =
        typeof exported === 'string' ? exported : `${file.includes('/dist/node/') ? 'node' : 'js'} (resolved file)`;
    }
    results.require = { status: 'pass', detail: `${requirers.length} packages, digest hash: ${hash}` };
  }
} catch (error) {
  results.require = { status: 'fail', detail: String(error?.message ?? error) };
}

const version =
  typeof globalThis.Deno !== 'undefined'
    ? `Deno ${globalThis.Deno.version.deno}`
    : typeof globalThis.Bun !== 'undefined'
      ? `Bun ${globalThis.Bun.version}`
      : `Node ${process.version}`;
process.stdout.write(`\nSMOKE-RESULTS ${JSON.stringify({ version, results })}\n`);
