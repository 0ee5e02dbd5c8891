#!/usr/bin/env node
// The metadata users see on the registry, for every published package:
// engines, homepage, bugs, repository, keywords (what a search such as
// "digest auth fetch" should find) and a provenance-ready publishConfig.
//
//   node release/metadata.mjs          report what is missing (exit 1 if anything)
//   node release/metadata.mjs --write  add what is missing, field by field
//
// --write edits only these fields, re-reading each package.json right before
// it writes it, and keeps every other key where it is.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const REPOSITORY = 'https://github.com/authbelt/authbelt';
const ENGINES = { node: '>=20' };

const COMMON = ['http', 'authentication', 'auth'];
const CLIENTS = ['fetch', 'axios', 'ky'];
/** Keywords per package folder, after the common ones. */
const KEYWORDS = {
  core: ['www-authenticate', 'authorization', 'challenge', 'rfc9110', 'auth-flow', ...CLIENTS],
  basic: ['basic', 'basic-auth', 'rfc7617', 'proxy-authorization', ...CLIENTS],
  digest: ['digest', 'digest-auth', 'rfc7616', 'rfc2617', 'sha-256', 'md5', 'auth-int', ...CLIENTS],
  'proxy-digest': ['proxy', 'proxy-auth', 'proxy-authenticate', 'digest', 'digest-auth', '407', ...CLIENTS],
  guess: ['basic', 'digest', 'digest-auth', 'basic-auth', 'guess', 'proxy', ...CLIENTS],
  handler: ['credentials', 'per-origin', 'multi-host', 'basic-auth', ...CLIENTS],
  bearer: ['bearer', 'token', 'api-key', 'rfc6750', 'jwt', 'refresh', ...CLIENTS],
  oauth2: [
    'oauth2',
    'oauth',
    'token',
    'refresh-token',
    'client-credentials',
    'pkce',
    'device-flow',
    'dpop',
    ...CLIENTS,
  ],
  'adapter-fetch': ['fetch', 'undici', 'proxy', 'digest-auth', 'basic-auth'],
  'adapter-axios': ['axios', 'interceptor', 'digest-auth', 'basic-auth'],
  'adapter-ky': ['ky', 'hooks', 'digest-auth', 'basic-auth'],
};

/** What the house metadata of one package is, given its folder. */
export function wanted(dir) {
  return {
    homepage: `${REPOSITORY}/tree/main/packages/${dir}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${dir}` },
    engines: ENGINES,
    keywords: [...COMMON, ...(KEYWORDS[dir] ?? [])],
    publishConfig: { access: 'public', provenance: true },
  };
}

/** What a published manifest lacks of the house metadata (strings; none: all there). */
export function metadataProblems(dir, manifest) {
  const want = wanted(dir);
  const problems = [];
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  for (const key of ['homepage', 'bugs', 'repository', 'engines']) {
    if (!same(manifest[key], want[key])) problems.push(`${key} is ${JSON.stringify(manifest[key])}`);
  }
  // The words a search needs: `http`, `authentication` and at least three of the package's own.
  const keywords = manifest.keywords ?? [];
  for (const word of ['http', 'authentication']) if (!keywords.includes(word)) problems.push(`keywords lack ${word}`);
  if (keywords.length < 5) problems.push(`only ${keywords.length} keywords`);
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access is not "public"');
  if (manifest.publishConfig?.provenance !== true) problems.push('publishConfig.provenance is not true');
  return problems;
}

/** The manifest with the house metadata added, every other key where it was. */
function withMetadata(dir, manifest) {
  const want = wanted(dir);
  const keywords = [...new Set([...(manifest.keywords ?? []), ...want.keywords])];
  const publishConfig = { ...manifest.publishConfig, ...want.publishConfig };
  const out = {};
  const put = (key, value) => {
    if (!(key in out)) out[key] = value;
  };
  for (const [key, value] of Object.entries(manifest)) {
    if (key === 'keywords') {
      put('keywords', keywords);
      put('homepage', want.homepage);
      put('bugs', want.bugs);
    } else if (key === 'repository') {
      put('repository', want.repository);
      put('engines', want.engines);
    } else if (key === 'publishConfig') put('publishConfig', publishConfig);
    else if (!['homepage', 'bugs', 'engines'].includes(key)) put(key, value);
  }
  put('keywords', keywords);
  put('homepage', want.homepage);
  put('bugs', want.bugs);
  put('repository', want.repository);
  put('engines', want.engines);
  put('publishConfig', publishConfig);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const write = process.argv.includes('--write');
  let missing = 0;
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const manifest = JSON.parse(text);
    if (manifest.private) continue;
    const problems = metadataProblems(dir, manifest);
    if (problems.length === 0) continue;
    missing++;
    if (write) {
      writeFileSync(file, `${JSON.stringify(withMetadata(dir, manifest), null, 2)}\n`);
      process.stdout.write(`${manifest.name}: added ${problems.join('; ')}\n`);
    } else process.stdout.write(`${manifest.name}: ${problems.join('; ')}\n`);
  }
  if (!write && missing > 0) process.exitCode = 1;
}
