// Nonces remembered per protection space, so a late response carrying an
// older nonce never restarts that nonce's count (RFC 7616 §3.4: the server
// may reject a repeated nc as a replay).
const NONCES_PER_SPACE = 16;
const MAX_NC = 0xffffffff;

/**
 * One protection space (RFC 7616 §3.2: origin + realm) with the challenge
 * that opened it and a nonce count per nonce. Counts are taken and increased
 * in one synchronous step, so concurrent requests never share an nc.
 */
export class ProtectionSpace {
  readonly origin: string;
  readonly realm: string;
  /** The parameters of the challenge last answered in this space (its nonce is the current one). */
  params: Readonly<Record<string, string>>;
  /** RFC 7616 §3.3 `domain`: the absolute URL prefixes of the space; `undefined` for the whole origin. */
  domain: readonly string[] | undefined;
  readonly #counts = new Map<string, number>();

  constructor(
    origin: string,
    realm: string,
    params: Readonly<Record<string, string>>,
    domain: readonly string[] | undefined,
  ) {
    this.origin = origin;
    this.realm = realm;
    this.params = params;
    this.domain = domain;
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
    return this.params.nonce ?? '';
  }

  /** Make `nonce` the current one (a fresh challenge or `nextnonce`), keeping its count if it was seen. */
  useNonce(nonce: string, params: Readonly<Record<string, string>> = this.params): void {
    this.params = { ...params, nonce };
  }

  /** The next nc for `nonce`, or `undefined` when its 2^32 - 1 counts are used up. */
  take(nonce: string): number | undefined {
    const used = this.#counts.get(nonce) ?? 0;
    if (used >= MAX_NC) return undefined;
    this.#counts.delete(nonce);
    this.#counts.set(nonce, used + 1);
    if (this.#counts.size > NONCES_PER_SPACE) {
      for (const old of this.#counts.keys()) {
        if (old !== this.nonce) {
          this.#counts.delete(old);
          break;
        }
      }
    }
    return used + 1;
  }
}

/**
 * Protection spaces by origin and realm, least recently used first out.
 */
export class ProtectionSpaces {
  readonly #max: number;
  // In least recently used order, so a later space is a more recent one.
  readonly #spaces = new Map<string, ProtectionSpace>();

  constructor(max: number) {
    this.#max = max;
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
    const realm = params.realm ?? '';
    let space = this.#spaces.get(spaceKey(origin, realm));
    if (space === undefined) {
      space = new ProtectionSpace(origin, realm, params, domain);
    } else {
      space.useNonce(params.nonce ?? '', params);
      space.domain = domain;
    }
    this.#touch(space);
    return space;
  }

  /** Forget a space (its credentials were refused). */
  forget(space: ProtectionSpace): void {
    const key = spaceKey(space.origin, space.realm);
    if (this.#spaces.get(key) === space) this.#spaces.delete(key);
  }

  #touch(space: ProtectionSpace): void {
    const key = spaceKey(space.origin, space.realm);
    this.#spaces.delete(key);
    this.#spaces.set(key, space);
    while (this.#spaces.size > this.#max) {
      this.forget(this.#spaces.values().next().value as ProtectionSpace);
    }
  }
}

function spaceKey(origin: string, realm: string): string {
  return `${origin} ${JSON.stringify(realm)}`;
}
