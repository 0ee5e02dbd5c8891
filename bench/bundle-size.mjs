// Bytes a browser user ships: esbuild (bundle, minify, browser platform, ESM,
// so @authbelt/digest's own JavaScript hashes are picked over node:crypto), then gzip level 9.
//
// A peer that imports a Node built-in (crypto, Buffer) cannot run in a
// browser as published; its built-ins are left out of the bundle (external)
// and the table says so rather than pretending it is browser-ready. So is
// digest-fetch's `import('node-fetch')` (a fallback for runtimes without
// fetch, not among its dependencies, so a bundler cannot resolve it).

import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { AUTHBELT } from './environment.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

function packageOf(path) {
  const at = path.lastIndexOf('node_modules/');
  if (at !== -1) {
    const parts = path.slice(at + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const workspace = /(?:^|\/)packages\/([^/]+)\//.exec(path);
  return workspace ? `@authbelt/${workspace[1]}` : path;
}

/** Minified and gzipped size of one entry source, and the modules left out of it. */
export async function bundleSize(source, external = []) {
  const result = await build({
    stdin: { contents: source, resolveDir: here, loader: 'js', sourcefile: 'entry.mjs' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser', 'default'],
    external: [...NODE_BUILTINS, ...external],
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const externals = new Set();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imp of input.imports) if (imp.external) externals.add(imp.path);
  }
  // Where the minified bytes come from, by package (before gzip).
  const byPackage = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return {
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    externals: [...externals].sort(),
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
  };
}

// Each published package's whole entry, a package at a time.
const packages = AUTHBELT.map((id) => ({
  id,
  label: `\`${id}\` (everything)`,
  source: `export * from '${id}';`,
  // An adapter's client is the application's (a peer dependency), not the adapter's weight.
  external: ['axios', 'ky'],
}));

// The same job done with each library: what an application imports.
const realistic = [
  {
    id: '@authbelt/adapter-fetch',
    label: 'authbelt: `withAuth` + `DigestAuth` (all algorithms)',
    source:
      "import { withAuth } from '@authbelt/adapter-fetch'; import { DigestAuth } from '@authbelt/digest'; export { withAuth, DigestAuth };",
  },
  {
    id: 'digest-fetch',
    label: 'digest-fetch: default export',
    source: "import DigestClient from 'digest-fetch'; export { DigestClient };",
    external: ['node-fetch'],
  },
];

// The smallest useful import: Basic over fetch.
const basicImport = [
  {
    id: '@authbelt/adapter-fetch',
    label: 'authbelt: `withAuth` + `BasicAuth`',
    source:
      "import { withAuth } from '@authbelt/adapter-fetch'; import { BasicAuth } from '@authbelt/basic'; export { withAuth, BasicAuth };",
  },
];

const parserImports = [
  {
    id: '@authbelt/core',
    label: 'authbelt: `parseChallenges`',
    source: "export { parseChallenges } from '@authbelt/core';",
  },
  {
    id: 'auth-header',
    label: 'auth-header: `parse`',
    source: "import a from 'auth-header'; export const parse = a.parse;",
  },
  {
    id: 'www-authenticate',
    label: 'www-authenticate: `parsers`',
    source: "import w from 'www-authenticate'; export const parsers = w.parsers;",
  },
  {
    id: 'http-auth-utils',
    label: 'http-auth-utils: `parseWWWAuthenticateHeader`',
    source: "export { parseWWWAuthenticateHeader } from 'http-auth-utils';",
  },
];

const digestImports = [
  {
    id: '@authbelt/digest',
    label: 'authbelt: `parseChallenges` + `digestAuthorization`',
    source: "export { parseChallenges } from '@authbelt/core'; export { digestAuthorization } from '@authbelt/digest';",
  },
  { id: 'digest-header', label: 'digest-header', source: "import d from 'digest-header'; export { d };" },
  { id: 'www-authenticate', label: 'www-authenticate', source: "import w from 'www-authenticate'; export { w };" },
];

// A token with renewal on 401: authbelt's scheme and adapter against the
// interceptor most axios users reach for. axios itself is left out of the
// axios rows (the application ships it either way).
const bearerImports = [
  {
    id: '@authbelt/bearer',
    label: 'authbelt: `withAuth` (fetch) + `BearerAuth`',
    source:
      "import { withAuth } from '@authbelt/adapter-fetch'; import { BearerAuth } from '@authbelt/bearer'; export { withAuth, BearerAuth };",
  },
  {
    id: '@authbelt/adapter-axios',
    label: 'authbelt: `withAuth` (axios) + `BearerAuth`',
    source:
      "import { withAuth } from '@authbelt/adapter-axios'; import { BearerAuth } from '@authbelt/bearer'; export { withAuth, BearerAuth };",
    external: ['axios'],
  },
  {
    id: 'axios-auth-refresh',
    label: 'axios-auth-refresh: default export',
    source: "import createAuthRefreshInterceptor from 'axios-auth-refresh'; export { createAuthRefreshInterceptor };",
    external: ['axios'],
  },
  {
    id: 'axios-auth-refresh',
    label: 'axios-auth-refresh + axios (what a fetch user would add)',
    source:
      "import axios from 'axios'; import createAuthRefreshInterceptor from 'axios-auth-refresh'; export { axios, createAuthRefreshInterceptor };",
  },
];

async function sizes(entries) {
  const out = [];
  for (const entry of entries) out.push({ ...entry, ...(await bundleSize(entry.source, entry.external)) });
  return out;
}

export async function benchBundleSizes() {
  return {
    packages: await sizes(packages),
    realistic: await sizes(realistic),
    basic: await sizes(basicImport),
    parsers: await sizes(parserImports),
    digest: await sizes(digestImports),
    bearer: await sizes(bearerImports),
  };
}
