import { defineConfig } from 'tsup';

const entry = { index: 'src/index.ts', 'node/index': 'src/node/index.ts' };

// oauth4webapi ships ESM only: the ESM build imports it, the CJS build carries
// it inside, so require() works on every Node from 20 with no require(esm).
export default defineConfig([
  { entry, format: ['esm'], dts: true, sourcemap: true, clean: true },
  { entry, format: ['cjs'], dts: true, sourcemap: true, noExternal: ['oauth4webapi'] },
]);
