// The seam between the two hash builds. The default build uses authbelt's own
// MD5 and SHA-2 (hash-js.ts); the `node`, `deno` and `bun` builds resolve this
// module to hash-node.ts instead (tsup.config.ts), so no file of the default
// build imports `node:`.
export { hashHex, hashImplementation } from './hash-js.js';
