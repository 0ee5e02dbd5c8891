import type { HashName } from './hash-name.js';

/**
 * The Digest algorithms this package speaks (RFC 7616 §3.3, and SHA-512 as
 * requests and httpx do). Names in a challenge are matched case-insensitively;
 * a challenge without `algorithm` is MD5.
 *
 * @example
 * ```ts
 * import type { DigestAlgorithm } from '@authbelt/digest';
 * const strongest: DigestAlgorithm = 'SHA-512-256';
 * ```
 */
export type DigestAlgorithm =
  | 'MD5'
  | 'MD5-sess'
  | 'SHA-256'
  | 'SHA-256-sess'
  | 'SHA-512-256'
  | 'SHA-512-256-sess'
  | 'SHA-512'
  | 'SHA-512-sess';

/** An algorithm as the engine uses it. */
export interface AlgorithmInfo {
  /** Canonical name. */
  readonly name: DigestAlgorithm;
  readonly hash: HashName;
  /** `-sess`: A1 includes the nonce and cnonce (RFC 7616 §3.4.2). */
  readonly session: boolean;
  /** Higher is preferred when a server offers several challenges. */
  readonly strength: number;
}

// Preference: SHA-512-256 > SHA-256 > SHA-512 > MD5. SHA-512 ranks below
// SHA-256 because it is outside RFC 7616 (only some servers speak it), so a
// server offering both most likely implements SHA-256 as the RFC says. Within
// a hash, the plain variant ranks just above -sess: both are equally strong,
// and the plain one needs no cnonce in A1, which more servers get right.
const HASHES: ReadonlyArray<readonly [string, HashName, number]> = [
  [
    'SHA-512-256',
    // Stryker disable next-line StringLiteral: hash-js's default case is SHA-512/256, and hash-node falls back to hash-js for a name node:crypto lacks
    'sha512-256',
    40,
  ],
  ['SHA-256', 'sha256', 30],
  ['SHA-512', 'sha512', 20],
  ['MD5', 'md5', 10],
];

// Keyed by the canonical name and by its lower-case form. Built on the first
// look-up rather than when the module loads, so that a fault in it fails the
// test that looks a name up instead of the loading of every module importing it.
let algorithms: ReadonlyMap<string, AlgorithmInfo> | undefined;

function table(): ReadonlyMap<string, AlgorithmInfo> {
  algorithms ??= new Map(
    HASHES.flatMap(([name, hash, strength]) =>
      [false, true].flatMap((session): Array<[string, AlgorithmInfo]> => {
        const info: AlgorithmInfo = {
          name: (session ? `${name}-sess` : name) as DigestAlgorithm,
          hash,
          session,
          strength: session ? strength : strength + 1,
        };
        return [
          // Stryker disable next-line ArrayDeclaration: without the canonical key, lookupAlgorithm finds the name by its lower-case key
          [info.name, info],
          [info.name.toLowerCase(), info],
        ];
      }),
    ),
  );
  return algorithms;
}

/**
 * The algorithm named in a challenge, compared case-insensitively; an absent
 * algorithm is MD5 (RFC 7616 §3.3). `undefined` when the name is unknown.
 */
export function lookupAlgorithm(name = 'MD5'): AlgorithmInfo | undefined {
  const known = table();
  // Servers nearly always spell the name as RFC 7616 does: that is one look-up.
  return known.get(name) ?? known.get(name.trim().toLowerCase());
}
