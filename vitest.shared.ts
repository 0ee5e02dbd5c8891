import { fileURLToPath } from 'node:url';

// Tests run against the sources of every workspace package, so a change is
// tested without a build; the packed tarballs are tested by `pnpm test:runtimes`.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export const workspaceAlias: Array<{ find: RegExp; replacement: string }> = [
  // A subpath export (`@authbelt/adapter-fetch/proxy`) is the folder of that name under src.
  { find: /^@authbelt\/([a-z0-9-]+)\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/$2/index.ts` },
  { find: /^@authbelt\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` },
];
