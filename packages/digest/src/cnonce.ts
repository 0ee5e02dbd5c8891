const DIGITS = '0123456789abcdef';

// One getRandomValues call costs several microseconds whatever its size (more
// than the hashing of a Digest answer), so random octets are drawn 4 KiB at a
// time and handed out 16 at a time. Each octet is used once.
const POOL_SIZE = 4096;
const CNONCE_OCTETS = 16;
const pool = new Uint8Array(POOL_SIZE);
let offset = POOL_SIZE;
// Stryker disable next-line ArrayDeclaration,ArithmeticOperator: every call sets all 32 digits before reading them; the starting length only spares growing the array
const digits: number[] = new Array(CNONCE_OCTETS * 2).fill(0);

/**
 * A fresh client nonce: 128 random bits from `crypto.getRandomValues`, as 32
 * hex digits (RFC 7616 §3.4: unpredictable). What `DigestAuth` uses; give it
 * to `digestAuthorization` to answer the same way.
 *
 * @example
 * ```ts
 * import { randomCnonce } from '@authbelt/digest';
 * randomCnonce(); // e.g. '3f2a...' (32 hex digits)
 * ```
 */
export function randomCnonce(): string {
  // POOL_SIZE is a multiple of CNONCE_OCTETS: the pool is spent exactly when offset reaches its end.
  if (offset >= POOL_SIZE) {
    globalThis.crypto.getRandomValues(pool);
    offset = 0;
  }
  for (let i = 0; i < CNONCE_OCTETS; i++) {
    const octet = pool[offset + i] as number;
    digits[2 * i] = DIGITS.charCodeAt(octet >> 4);
    digits[2 * i + 1] = DIGITS.charCodeAt(octet & 15);
  }
  // Spent octets are zeroed, so nothing in the pool can be handed out twice.
  pool.fill(0, offset, offset + CNONCE_OCTETS);
  offset += CNONCE_OCTETS;
  // One flat string: concatenating 16 pairs would give a rope that the
  // hashing and the header would each have to flatten (about 0.2 µs more an answer).
  return String.fromCharCode(...digits);
}
