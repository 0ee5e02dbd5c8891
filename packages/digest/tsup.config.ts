import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

// Two builds of the same sources. The default one (browsers, workers) hashes
// with authbelt's own MD5 and SHA-2 (hash-js.ts). The `node` one (also served to Deno and Bun through
// package.json's export conditions) resolves ./hash.js to ./hash-node.ts,
// which uses node:crypto. Both share one set of type declarations.
const hashNode = fileURLToPath(new URL('./src/hash-node.ts', import.meta.url));

// The builds run side by side: clean once here rather than in each.
rmSync(fileURLToPath(new URL('./dist/', import.meta.url)), { recursive: true, force: true });

const common: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  sourcemap: true,
  clean: false,
};

export default defineConfig([
  { ...common, outDir: 'dist', dts: true },
  {
    ...common,
    outDir: 'dist/node',
    dts: false,
    // Deno needs the node: prefix; tsup strips it by default.
    removeNodeProtocol: false,
    esbuildPlugins: [
      {
        name: 'authbelt-node-hash',
        setup(build) {
          build.onResolve({ filter: /^\.\/hash\.js$/ }, () => ({ path: hashNode }));
        },
      },
    ],
  },
]);
