import type { Ha1Cache } from './digest-core.js';
import { NonceCounts } from './nonce-counts.js';

/**
 * One protection space (RFC 7616 §3.2: origin + realm) with the challenge
 * that opened it, its current nonce, and the instance's nonce counts. Counts
 * are taken and increased in one synchronous step, so concurrent requests
 * never share an nc.
 */
export class ProtectionSpace {
  readonly origin: string;
  readonly realm: string;
  /** The parameters of the challenge last answered in this space (its nonce is the current one). */
  params: Readonly<Record<string, string>>;
  /** RFC 7616 §3.3 `domain`: the absolute URL prefixes of the space; `undefined` for the whole origin. */
  domain: readonly string[] | undefined;
  /** Its key among the instance's spaces (origin and realm). */
  readonly key: string;
  /**
   * This instance's HA1 in this space (RFC 7616 §3.4.2: it depends on the
   * username, realm, password and hash only), so answers up front hash only
   * what changes. Never shared: each instance has its own spaces.
   */
  readonly ha1: Ha1Cache = {};
  readonly #counts: NonceCounts;
  /** Forgotten: a late response may still name a nonce, but nothing holds a count for it any more. */
  #released = false;

  constructor(
    origin: string,
    realm: string,
    params: Readonly<Record<string, string>>,
    domain: readonly string[] | undefined,
    counts: NonceCounts,
  ) {
    this.origin = origin;
    this.realm = realm;
    this.params = params;
    this.domain = domain;
    this.key = spaceKey(origin, realm);
    this.#counts = counts;
    counts.pin(origin, this.nonce);
  }

  /**
   * How closely the space covers the absolute URL `url`: the length of its
   * longest domain prefix of `url`, 0 for a space that is the whole origin,
   * -1 when `url` is outside it.
   */
  covers(url: string): number {
    if (this.domain === undefined) return 0;
    let longest = -1;
    for (const prefix of this.domain) if (prefix.length > longest && url.startsWith(prefix)) longest = prefix.length;
    return longest;
  }

  /** The nonce preemptive answers use. */
  get nonce(): string {
    // Stryker disable next-line StringLiteral: unreachable stand-in: a space is opened only from an answerable challenge, which has a nonce
    return this.params.nonce ?? '';
  }

  /**
   * Make `nonce` the current one (a fresh challenge or `nextnonce`). A nonce
   * seen before continues its count, however many others came in between
   * (within what {@link NonceCounts} keeps).
   */
  useNonce(nonce: string, params: Readonly<Record<string, string>> = this.params): void {
    const previous = this.nonce;
    this.params = { ...params, nonce };
    if (nonce === previous || this.#released) return;
    this.#counts.pin(this.origin, nonce);
    this.#counts.unpin(this.origin, previous);
  }

  /** The next nc for `nonce`, or `undefined` when its 2^32 - 1 counts are used up. */
  take(nonce: string): number | undefined {
    return this.#counts.take(this.origin, nonce);
  }

  /** The space is forgotten: its current nonce's count becomes one of the retired ones. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#counts.unpin(this.origin, this.nonce);
  }
}

/**
 * Protection spaces by origin and realm, least recently used first out.
 */
export class ProtectionSpaces {
  readonly #max: number;
  // In least recently used order, so a later space is a more recent one.
  readonly #spaces = new Map<string, ProtectionSpace>();
  // The most recently used space: using it again changes no order.
  #newest: ProtectionSpace | undefined;
  // One store for every space, so a count outlives a forgotten space: a space
  // opened again with a nonce seen before continues that nonce's count.
  readonly #counts = new NonceCounts();

  constructor(max: number) {
    this.#max = max;
  }

  /** The nonce counts of every space. */
  get counts(): NonceCounts {
    return this.#counts;
  }

  /** How many spaces are remembered. */
  get size(): number {
    return this.#spaces.size;
  }

  /**
   * The space to answer a request to `url` on `origin` in up front: the one
   * whose `domain` covers `url` most closely, else the most recently used one
   * that is the whole origin. A space whose domain leaves `url` out is not
   * guessed at (RFC 7616 §3.3).
   */
  current(origin: string, url: string): ProtectionSpace | undefined {
    let best: ProtectionSpace | undefined;
    let closest = -1;
    for (const space of this.#spaces.values()) {
      if (space.origin !== origin) continue;
      const coverage = space.covers(url);
      // Ties go to the later, more recently used space.
      if (coverage >= 0 && coverage >= closest) {
        best = space;
        closest = coverage;
      }
    }
    if (best !== undefined) this.#touch(best);
    return best;
  }

  /**
   * The space a challenge opens or renews: created or updated with the
   * challenge's parameters, nonce and domain, and made the most recent one.
   */
  adopt(
    origin: string,
    params: Readonly<Record<string, string>>,
    domain: readonly string[] | undefined,
  ): ProtectionSpace {
    // Stryker disable next-line StringLiteral: unreachable stand-in: only an answerable challenge (it has a realm) is adopted
    const realm = params.realm ?? '';
    let space = this.#spaces.get(spaceKey(origin, realm));
    if (space === undefined) {
      space = new ProtectionSpace(origin, realm, params, domain, this.#counts);
    } else {
      // Stryker disable next-line StringLiteral: unreachable stand-in: only an answerable challenge (it has a nonce) is adopted
      space.useNonce(params.nonce ?? '', params);
      space.domain = domain;
    }
    this.#touch(space);
    return space;
  }

  /** Forget a space (its credentials were refused). */
  forget(space: ProtectionSpace): void {
    if (this.#spaces.get(space.key) !== space) return;
    this.#spaces.delete(space.key);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: #newest only spares a reorder, and a forgotten space is never touched again
    if (this.#newest === space) this.#newest = undefined;
    space.release();
  }

  #touch(space: ProtectionSpace): void {
    // Requests in one space one after another: it is already the most recent.
    if (space === this.#newest) return;
    this.#spaces.delete(space.key);
    this.#spaces.set(space.key, space);
    this.#newest = space;
    while (this.#spaces.size > this.#max) {
      this.forget(this.#spaces.values().next().value as ProtectionSpace);
    }
  }
}

function spaceKey(origin: string, realm: string): string {
  return `${origin} ${JSON.stringify(realm)}`;
}
