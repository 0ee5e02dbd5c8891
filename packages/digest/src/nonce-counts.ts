// RFC 7616 §3.4: nc counts the requests sent with one nonce, and a server that
// remembers the counts it saw takes a repeated (nonce, nc) for a replay. A
// nonce can come back after others replaced it: a late response's
// `nextnonce`, a challenge answered while newer nonces were in use, a server
// that cycles a set of nonces through `nextnonce`. So a nonce's count must
// outlive its turn as a space's current nonce: counts live here, apart from
// the spaces, and the count of a space's current nonce is never dropped.

const MAX_NC = 0xffffffff;

/** Counts kept for nonces no space holds as its current one, least recently used out first. */
export const RETIRED_NONCE_COUNTS = 1024;

interface Entry {
  /** The last nc taken. */
  count: number;
  /** How many remembered spaces hold this nonce as their current one. */
  pins: number;
}

/**
 * A fixed-size key for a nonce on one origin, so a server's long nonces cost
 * no more memory than short ones. Two 32-bit FNV-1a lanes with different
 * offset bases, 53 bits in all. Should two nonces ever share a key, they share
 * one count: each gets counts that skip some values, never a repeated one.
 */
function nonceKey(origin: string, nonce: string): number {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ origin.length;
  const text = `${origin}\n${nonce}`;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
    b ^= b >>> 15;
  }
  // Stryker disable next-line ArithmeticOperator: any other mix of the two lanes is as good a key; counts need only that one nonce keeps one key
  return (a >>> 0) + (b & 0x1fffff) * 0x100000000;
}

/**
 * The nonce counts of one `DigestAuth` instance. A nonce that is some space's
 * current one keeps its count for as long as that space is remembered; the
 * counts of the others (replaced by a newer nonce, or of a forgotten space)
 * are kept for the {@link RETIRED_NONCE_COUNTS} most recently used nonces, so
 * a nonce that comes back within that many continues its count.
 */
export class NonceCounts {
  // In least recently used order: a later entry is a more recent one.
  readonly #entries = new Map<number, Entry>();
  // The last nc a nonce may take (RFC 7616 §3.4: 8 hex digits).
  readonly #maxCount: number;
  #pinned = 0;
  // The most recently used key: taking from it again changes no order.
  #newest: number | undefined;
  // The last key computed: answers up front take one nonce after another.
  // Stryker disable StringLiteral: the cache's starting point; no request has an empty origin, so it is never used as it starts
  #lastOrigin = '';
  #lastNonce = '';
  #lastKey = nonceKey('', '');
  // Stryker restore StringLiteral

  /** @param maxCount the last nc a nonce may take: 2^32 - 1; a test lowers it to reach the end. */
  constructor(maxCount: number = MAX_NC) {
    this.#maxCount = maxCount;
  }

  #key(origin: string, nonce: string): number {
    if (origin !== this.#lastOrigin || nonce !== this.#lastNonce) {
      this.#lastOrigin = origin;
      this.#lastNonce = nonce;
      this.#lastKey = nonceKey(origin, nonce);
    }
    return this.#lastKey;
  }

  /** How many nonces have a count. */
  get size(): number {
    return this.#entries.size;
  }

  /** The next nc for `nonce` on `origin`, or `undefined` when its 2^32 - 1 counts are used up. */
  take(origin: string, nonce: string): number | undefined {
    const key = this.#key(origin, nonce);
    const known = this.#entries.get(key);
    const entry = known ?? { count: 0, pins: 0 };
    if (entry.count >= this.#maxCount) return undefined;
    entry.count++;
    if (known === undefined || key !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = key;
      this.#trim();
    }
    return entry.count;
  }

  /** A space holds `nonce` as its current one: its count stays while it does. */
  pin(origin: string, nonce: string): void {
    const key = this.#key(origin, nonce);
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { count: 0, pins: 0 };
      this.#entries.set(key, entry);
      this.#newest = key;
    }
    if (entry.pins++ === 0) this.#pinned++;
    this.#trim();
  }

  /** A space no longer holds `nonce` as its current one. */
  unpin(origin: string, nonce: string): void {
    const entry = this.#entries.get(this.#key(origin, nonce));
    // Every unpin follows a pin of the same nonce (a space pins its current
    // nonce once and unpins it once), and a pinned entry is never dropped.
    if (entry === undefined) return;
    if (--entry.pins === 0) {
      this.#pinned--;
      this.#trim();
    }
  }

  #trim(): void {
    while (this.#entries.size - this.#pinned > RETIRED_NONCE_COUNTS) {
      for (const [key, entry] of this.#entries) {
        if (entry.pins === 0) {
          this.#entries.delete(key);
          // Stryker disable next-line ConditionalExpression,EqualityOperator: #newest only spares a reorder; a dropped key comes back as a new entry, which is always reordered
          if (key === this.#newest) this.#newest = undefined;
          break;
        }
        // A current nonce is never dropped: move it behind the others, so
        // the next trim does not walk past it again.
        this.#entries.delete(key);
        this.#entries.set(key, entry);
        this.#newest = key;
      }
    }
  }
}
