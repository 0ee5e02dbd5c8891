// The machine and the exact versions measured, read from the installed
// packages' own package.json files (not from what was asked for).

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function versionOf(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

export const AUTHBELT = [
  '@authbelt/core',
  '@authbelt/basic',
  '@authbelt/digest',
  '@authbelt/bearer',
  '@authbelt/adapter-fetch',
  '@authbelt/adapter-axios',
  '@authbelt/adapter-ky',
];
export const PEERS = [
  'auth-header',
  'www-authenticate',
  'http-auth-utils',
  'digest-header',
  'digest-fetch',
  'axios-auth-refresh',
  'axios',
  '@mhoc/axios-digest-auth',
  'ky',
];
const TOOLS = ['mitata', 'esbuild'];

export function environment() {
  const cpus = os.cpus();
  const versions = {};
  for (const id of [...AUTHBELT, ...PEERS, ...TOOLS]) versions[id] = versionOf(join(here, 'node_modules', id));
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // Other work on the machine skews timings; the reader should know.
    loadAverage: os.loadavg()[0],
    versions,
  };
}
