import * as crypto from 'node:crypto';
import { hashHex as jsHashHex } from './hash-js.js';
import type { HashName } from './hash-name.js';

// The `node`, `deno` and `bun` builds use node:crypto, several times faster
// than pure JavaScript on the short inputs Digest hashes. A runtime that
// lacks one of the hashes (MD5 under FIPS, SHA-512/256 in an older Deno)
// falls back to authbelt's own JavaScript one (hash-js.ts) for that hash only.

const usable = new Map<HashName, boolean>();

function nodeHas(name: HashName): boolean {
  let ok = usable.get(name);
  if (ok === undefined) {
    ok = false;
    try {
      // Stryker disable next-line StringLiteral: the probe's input and output are thrown away; only whether it throws counts
      crypto.createHash(name).update('').digest('hex');
      ok = true;
    } catch {
      // A runtime without this hash (MD5 under FIPS): hash-js serves it.
    }
    usable.set(name, ok);
  }
  return ok;
}

/** Lower-case hex digest of `data` (RFC 7616 §3.3: the hex representation of the hash). */
export function hashHex(name: HashName, data: Uint8Array | string): string {
  if (!nodeHas(name)) return jsHashHex(name, data);
  // crypto.hash (Node 20.12+, 21.7+) is a one-shot call, about 3x cheaper than
  // a Hash object on inputs this short; a string is hashed as UTF-8.
  return oneShot !== undefined ? oneShot(name, data, 'hex') : crypto.createHash(name).update(data).digest('hex');
}

const oneShot = (crypto as { hash?: (name: string, data: Uint8Array | string, encoding: 'hex') => string }).hash;

/**
 * Which hash implementation this build of `@authbelt/digest` uses: `'node'`
 * (node:crypto, for Node, Deno and Bun) or `'js'` (authbelt's own MD5 and
 * SHA-2 in plain JavaScript, for browsers and workers). For diagnostics and
 * tests.
 *
 * @example
 * ```ts
 * import { hashImplementation } from '@authbelt/digest';
 * console.log(hashImplementation); // 'node' under Node
 * ```
 */
export const hashImplementation: 'js' | 'node' = 'node';
