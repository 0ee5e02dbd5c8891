import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DigestAlgorithm, DigestOptions } from './options.js';
import { decodeExtValue, decodeRawUtf8, type ParsedAuthorization } from './parse.js';

const HASHES: Record<string, string> = {
  md5: 'md5',
  'sha-256': 'sha256',
  'sha-512-256': 'sha512-256',
  'sha-512': 'sha512',
};

export function digestHash(algorithm: string, data: string | Uint8Array): string {
  const base = algorithm.toLowerCase().replace(/-sess$/, '');
  const name = HASHES[base];
  if (!name) throw new Error(`unknown algorithm ${algorithm}`);
  return createHash(name).update(data).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface NonceState {
  created: number;
  uses: number;
  seen: Set<string>;
}

export type DigestVerdict =
  | { kind: 'ok'; user: string; authInfo?: string }
  | { kind: 'stale' }
  | { kind: 'replay' }
  | { kind: 'fail'; reason: string };

/** The Digest side of one route or of the proxy: issues nonces, checks answers (RFC 7616). */
export class DigestGuard {
  readonly #options: DigestOptions;
  readonly #realm: string;
  readonly #users: Record<string, string>;
  readonly #opaque: string | undefined;
  readonly #nonces = new Map<string, NonceState>();
  /** `nextnonceRing`: the nonces handed out in turn as nextnonce, and where the turn is. */
  #ring: string[] | undefined;
  #ringTurn = 0;

  constructor(realm: string, users: Record<string, string>, options: DigestOptions) {
    this.#realm = realm;
    this.#users = users;
    this.#options = options;
    this.#opaque =
      options.opaque === false
        ? undefined
        : (options.fixedOpaque ?? options.opaque ?? randomBytes(12).toString('base64url'));
  }

  get #algorithms(): DigestAlgorithm[] {
    return this.#options.algorithms ?? ['MD5'];
  }

  /** Issue a nonce this guard will accept (for challenge lines written by hand). */
  issueNonce(): string {
    return this.#newNonce();
  }

  /** The opaque clients must echo. */
  get opaque(): string | undefined {
    return this.#opaque;
  }

  #newNonce(): string {
    const nonce = this.#options.fixedNonce ?? randomBytes(18).toString('base64');
    this.#nonces.set(nonce, { created: Date.now(), uses: 0, seen: new Set() });
    // Bounded: a client that never comes back must not grow the table forever.
    if (this.#nonces.size > 10_000) this.#nonces.delete(this.#nonces.keys().next().value as string);
    return nonce;
  }

  /** The next `nextnonce`: a fresh nonce, or the next one of the ring. */
  #nextNonce(): string {
    const size = this.#options.nextnonceRing;
    if (size === undefined) return this.#newNonce();
    if (this.#ring === undefined) {
      this.#ring = Array.from({ length: size }, (_, i) => `ring-${i}-${randomBytes(9).toString('base64url')}`);
      for (const nonce of this.#ring) this.#nonces.set(nonce, { created: Date.now(), uses: 0, seen: new Set() });
    }
    const nonce = this.#ring[this.#ringTurn % size] as string;
    this.#ringTurn++;
    // A ring nonce stays valid however many others were issued since.
    if (!this.#nonces.has(nonce)) this.#nonces.set(nonce, { created: Date.now(), uses: 0, seen: new Set() });
    return nonce;
  }

  /** One WWW-Authenticate (or Proxy-Authenticate) line per algorithm. */
  challenges(stale = false): string[] {
    const nonce = this.#newNonce();
    const qop = this.#options.qop ?? ['auth'];
    return this.#algorithms.map((algorithm) => {
      const parts = [`Digest realm="${this.#realm}"`];
      if (qop !== 'none') parts.push(`qop="${qop.join(', ')}"`);
      parts.push(`algorithm=${algorithm}`, `nonce="${nonce}"`);
      if (this.#opaque !== undefined) parts.push(`opaque="${this.#opaque}"`);
      if (this.#options.digestCharset) parts.push('charset=UTF-8');
      if (this.#options.userhash) parts.push('userhash=true');
      if (stale) parts.push('stale=true');
      return parts.join(', ');
    });
  }

  #findUser(params: Map<string, string>, algorithm: string): string | undefined {
    const username = params.get('username');
    const star = params.get('username*');
    if (username !== undefined && star !== undefined) return undefined;
    if (star !== undefined) {
      if (!this.#options.digestCharset) return undefined;
      const decoded = decodeExtValue(star);
      return decoded !== undefined && decoded in this.#users ? decoded : undefined;
    }
    if (username === undefined) return undefined;
    if (this.#options.userhash && params.get('userhash') === 'true') {
      return Object.keys(this.#users).find((user) => digestHash(algorithm, `${user}:${this.#realm}`) === username);
    }
    // RFC 9110 §5.6.4 obs-text: a non-ASCII name in the quoted-string comes as
    // its raw UTF-8 octets (what curl sends and Apache and squid read).
    const name = decodeRawUtf8(username);
    return name !== undefined && Object.hasOwn(this.#users, name) ? name : undefined;
  }

  /** Check an Authorization value for `method target` with `body`. */
  verify(auth: ParsedAuthorization | undefined, method: string, target: string, body: Uint8Array): DigestVerdict {
    if (!auth || auth.scheme !== 'digest') return { kind: 'fail', reason: 'not Digest' };
    const p = auth.params;
    const algorithm = p.get('algorithm') ?? 'MD5';
    const offered = this.#algorithms.find((a) => a.toLowerCase() === algorithm.toLowerCase());
    if (!offered) return { kind: 'fail', reason: 'algorithm not offered' };
    if (p.get('realm') !== this.#realm) return { kind: 'fail', reason: 'realm' };
    const nonce = p.get('nonce');
    const state = nonce === undefined ? undefined : this.#nonces.get(nonce);
    if (nonce === undefined || state === undefined) return { kind: 'fail', reason: 'unknown nonce' };
    if (p.get('uri') !== target) return { kind: 'fail', reason: 'uri does not match the request-target' };
    if (this.#opaque !== undefined && p.get('opaque') !== this.#opaque) return { kind: 'fail', reason: 'opaque' };
    if (this.#options.userhash && p.get('userhash') !== 'true' && !p.has('username*')) {
      return { kind: 'fail', reason: 'userhash expected' };
    }
    const user = this.#findUser(p, offered);
    if (user === undefined) return { kind: 'fail', reason: 'unknown user' };
    const password = this.#users[user] as string;
    const qopOffered = this.#options.qop ?? ['auth'];
    const qop = p.get('qop');
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (qopOffered === 'none') {
      if (qop !== undefined) return { kind: 'fail', reason: 'qop not offered' };
    } else {
      if (qop !== 'auth' && qop !== 'auth-int') return { kind: 'fail', reason: 'qop missing' };
      if (!qopOffered.includes(qop)) return { kind: 'fail', reason: 'qop not offered' };
      if (nc === undefined || !/^[0-9a-f]{8}$/i.test(nc)) return { kind: 'fail', reason: 'nc' };
      if (!cnonce) return { kind: 'fail', reason: 'cnonce' };
    }
    const sess = offered.toLowerCase().endsWith('-sess');
    if (sess && !cnonce) return { kind: 'fail', reason: 'cnonce required for -sess' };
    let ha1 = digestHash(offered, `${user}:${this.#realm}:${password}`);
    if (sess) ha1 = digestHash(offered, `${ha1}:${nonce}:${cnonce}`);
    const ha2 =
      qop === 'auth-int'
        ? digestHash(offered, `${method}:${target}:${digestHash(offered, body)}`)
        : digestHash(offered, `${method}:${target}`);
    const expected =
      qop === undefined
        ? digestHash(offered, `${ha1}:${nonce}:${ha2}`)
        : digestHash(offered, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    if (!safeEqual(expected, (p.get('response') ?? '').toLowerCase())) return { kind: 'fail', reason: 'response' };

    // A correct answer with a worn-out nonce is stale, not wrong (RFC 7616 §3.3).
    const lifetime = this.#options.nonceLifetimeMs;
    const uses = this.#options.nonceUses;
    if (
      (lifetime !== undefined && Date.now() - state.created > lifetime) ||
      (uses !== undefined && state.uses >= uses)
    ) {
      return { kind: 'stale' };
    }
    // Replay: the same nc for the same nonce twice. Out of order is fine.
    const ncKey = (nc ?? '').toLowerCase();
    if (qop !== undefined) {
      if (state.seen.has(ncKey)) return { kind: 'replay' };
      state.seen.add(ncKey);
      if (state.seen.size > 100_000) state.seen.clear();
    }
    state.uses++;

    const info: string[] = [];
    if (this.#options.nextnonce) info.push(`nextnonce="${this.#nextNonce()}"`);
    if (this.#options.authInfo && qop !== undefined) {
      const rspHa2 = digestHash(offered, `:${target}`);
      let rspauth = digestHash(offered, `${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${rspHa2}`);
      if (this.#options.badRspauth) rspauth = rspauth.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      info.push(`rspauth="${rspauth}"`, `qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
    }
    return info.length > 0 ? { kind: 'ok', user, authInfo: info.join(', ') } : { kind: 'ok', user };
  }
}
