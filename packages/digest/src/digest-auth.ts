import {
  AuthBase,
  AuthError,
  type AuthFlow,
  type AuthRequest,
  type AuthResponse,
  checkOptions,
  isAuthError,
  type OptionRule,
  parseAuthParams,
  parseChallenges,
} from '@authbelt/core';
import { type DigestAlgorithm, lookupAlgorithm } from './algorithm.js';
import { randomCnonce } from './cnonce.js';
import {
  answerable,
  buildDigest,
  checkCredentials,
  type DigestPolicy,
  type DigestQop,
  type DigestResult,
} from './digest-core.js';
import { hashHex } from './hash.js';
import { type ProtectionSpace, ProtectionSpaces } from './protection-space.js';
import { selectChallenge } from './select-challenge.js';

/**
 * Options for {@link DigestAuth}.
 *
 * @example
 * ```ts
 * import { DigestAuth, type DigestAuthOptions } from '@authbelt/digest';
 * // Refuse MD5: answer only SHA-256 and SHA-512-256 challenges.
 * const options: DigestAuthOptions = { algorithms: ['SHA-256', 'SHA-512-256'], maxProtectionSpaces: 16 };
 * const auth = new DigestAuth('user', 'pass', options);
 * ```
 */
export interface DigestAuthOptions {
  /**
   * The algorithms to answer, by name (case-insensitive, e.g.
   * `['SHA-256', 'SHA-512-256']` to refuse MD5). A challenge naming another
   * is not answered: its 401 goes to the caller with
   * `ERR_UNSUPPORTED_ALGORITHM` in `authErrorOf(response)`. Default: all
   * eight this package speaks, MD5 included, because MD5 is what most
   * servers offer (Apache's mod_auth_digest and squid offer nothing else).
   */
  algorithms?: readonly DigestAlgorithm[] | undefined;
  /**
   * Refuse challenges without `qop` (RFC 2069): their answer carries no
   * client nonce, so whoever sends the challenge chooses every input of the
   * hash (a precomputed dictionary attack on the password), and no nc, so a
   * replay cannot be detected. RFC 7616 §3.3 requires servers to send qop,
   * and every server in the interop suite does. The 401 goes to the caller
   * with `ERR_UNSUPPORTED_QOP`. Default `true`; `false` answers them as RFC
   * 2617 says.
   */
  requireQop?: boolean | undefined;
  /**
   * The qop to answer when a challenge offers both `auth` and `auth-int`.
   * Default `'auth'`: `auth-int` hashes the whole request body, which then has
   * to be held in memory, protects only the body (not the headers), and adds
   * nothing over TLS. With `'auth-int'`, it is used when offered and the body
   * can be read before it is sent (not a stream); otherwise `auth`.
   * A challenge offering only `auth-int` is answered with it whenever the body
   * allows, whatever this option says.
   */
  qop?: DigestQop | undefined;
  /**
   * Check the server's `rspauth` in `Authentication-Info` when it sends one
   * (RFC 7616 §3.5) and throw `ERR_SERVER_NOT_AUTHENTICATED` on a mismatch.
   * Default `true`.
   */
  verifyServer?: boolean | undefined;
  /**
   * Answer later requests to a known origin up front, with the remembered
   * nonce and the next nc, so N requests cost N + 1 round trips. Default `true`.
   */
  preemptive?: boolean | undefined;
  /** How many protection spaces (origin + realm) to remember, least recently used out first. Default 64. */
  maxProtectionSpaces?: number | undefined;
  /** Client nonce generator, for tests. Default: 128 random bits from `crypto.getRandomValues`, as hex. */
  cnonce?: (() => string) | undefined;
}

// What each option may be, and what it must be when given.
const OPTION_RULES: Readonly<Record<keyof DigestAuthOptions, OptionRule>> = {
  algorithms: [
    (value) =>
      Array.isArray(value) &&
      value.length > 0 &&
      value.every((name) => typeof name === 'string' && lookupAlgorithm(name) !== undefined),
    'a non-empty array of Digest algorithm names (MD5, SHA-256, SHA-512-256, SHA-512, each with or without -sess)',
  ],
  requireQop: [(value) => typeof value === 'boolean', 'a boolean'],
  qop: [(value) => value === 'auth' || value === 'auth-int', "'auth' or 'auth-int'"],
  verifyServer: [(value) => typeof value === 'boolean', 'a boolean'],
  preemptive: [(value) => typeof value === 'boolean', 'a boolean'],
  maxProtectionSpaces: [(value) => Number.isInteger(value) && (value as number) >= 1, 'a positive integer'],
  cnonce: [(value) => typeof value === 'function', 'a function returning a string'],
};

/** The parts of a request URL a flow reads. */
interface UrlParts {
  readonly origin: string;
  readonly href: string;
  /** RFC 9112 §3.2.1 origin-form: path and query. */
  readonly originForm: string;
}

// A flow reads its request URL's origin, href and origin-form: one parse for
// all three, and none again while requests go to the same URL (a URL parse is
// a tenth of an answer up front). A URL that does not parse throws, as before.
let lastUrlText: string | undefined;
let lastUrlParts: UrlParts | undefined;
function urlParts(text: string): UrlParts {
  // lastUrlParts is set with lastUrlText: a text seen last has its parts.
  if (text !== lastUrlText) {
    const url = new URL(text);
    lastUrlParts = { origin: url.origin, href: url.href, originForm: `${url.pathname || '/'}${url.search}` };
    lastUrlText = text;
  }
  return lastUrlParts as UrlParts;
}

/** What one leg sent, kept to check the server's answer. */
interface Sent {
  readonly space: ProtectionSpace;
  readonly result: DigestResult;
}

/**
 * HTTP Digest authentication (RFC 7616; RFC 2617 and RFC 2069 for older
 * servers): MD5, SHA-256, SHA-512-256, SHA-512 and each `-sess`; qop `auth`,
 * `auth-int` and none; `userhash`; `username*`; `stale=true`; `nextnonce`
 * and `rspauth` from `Authentication-Info`.
 *
 * The first request to an origin goes without credentials; its 401 is
 * answered with the strongest Digest challenge offered. The protection space
 * is remembered, so later requests to that origin are answered up front with
 * the next nonce count: N requests cost N + 1 round trips. One instance may
 * serve any number of concurrent requests; no two share an nc.
 *
 * A challenge it cannot or may not answer (no nonce, only unknown
 * algorithms or qops, an algorithm outside `algorithms`, no qop while
 * `requireQop` holds) leaves the 401 to the caller, with the reason in
 * `authErrorOf(response)`.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { DigestAuth } from '@authbelt/digest';
 *
 * const authFetch = withAuth(fetch, new DigestAuth('Mufasa', 'Circle of Life'));
 * // const response = await authFetch('https://example.org/dir/index.html');
 * ```
 */
export class DigestAuth extends AuthBase {
  /**
   * The options this class takes and what each must be, for core's
   * `checkOptions`: any other name, or a value of the wrong kind, fails at
   * construction with `ERR_INVALID_ARGUMENT` naming the option (in plain
   * JavaScript, `{ algorithm: 'SHA-256' }` would otherwise be ignored without
   * a word). A subclass with options of its own declares its rules with
   * these: `static override readonly optionRules = { ...DigestAuth.optionRules,
   * mine: [(value) => typeof value === 'boolean', 'a boolean'] }`. A subclass
   * that declares none has only these options' values checked, as it may take
   * others. A scheme that builds a `DigestAuth` from its own options (GuessAuth)
   * can check them with these rules too.
   */
  static readonly optionRules: Readonly<Record<string, OptionRule>> = OPTION_RULES;

  /** The status that carries a challenge: 401 here, 407 for a proxy. */
  protected readonly challengeStatus: number = 401;
  /** The header that carries the challenge. */
  protected readonly challengeHeader: string = 'www-authenticate';
  /** The header our answer goes in. */
  protected readonly authorizationHeader: string = 'authorization';
  /** The header with the server's `nextnonce` and `rspauth` (RFC 7615). */
  protected readonly infoHeader: string = 'authentication-info';
  /** How many `stale=true` challenges in a row are answered after the first answer. */
  protected readonly maxStaleAnswers: number = 1;

  readonly #username: string;
  readonly #password: string;
  readonly #qop: DigestQop;
  readonly #verifyServer: boolean;
  readonly #preemptive: boolean;
  readonly #cnonce: () => string;
  readonly #spaces: ProtectionSpaces;
  readonly #policy: DigestPolicy;

  constructor(username: string, password: string, options: DigestAuthOptions = {}) {
    super();
    // Messages name the part and position, never the value.
    checkCredentials(username, password);
    if (Object.hasOwn(new.target, 'optionRules') || typeof options !== 'object' || options === null) {
      checkOptions(new.target.name, options, new.target.optionRules);
    } else {
      // A subclass that declares no options of its own: check the values of ours only.
      const ours = Object.entries(options).filter(([name]) => Object.hasOwn(OPTION_RULES, name));
      checkOptions(new.target.name, Object.fromEntries(ours), OPTION_RULES);
    }
    this.#policy = {
      algorithms:
        options.algorithms === undefined
          ? undefined
          : new Set(options.algorithms.map((name) => (lookupAlgorithm(name) as { name: DigestAlgorithm }).name)),
      requireQop: options.requireQop ?? true,
    };
    this.#username = username;
    this.#password = password;
    this.#qop = options.qop ?? 'auth';
    this.#verifyServer = options.verifyServer ?? true;
    this.#preemptive = options.preemptive ?? true;
    this.#cnonce = options.cnonce ?? randomCnonce;
    this.#spaces = new ProtectionSpaces(options.maxProtectionSpaces ?? 64);
  }

  /** Whether this request should carry our credentials at all. */
  protected sendsTo(_request: AuthRequest): boolean {
    return true;
  }

  /** Where the protection spaces of this request are remembered: its origin. */
  protected protectionSpaceOrigin(request: AuthRequest): string {
    return urlParts(request.url).origin;
  }

  /**
   * The URL prefixes a challenge's `domain` puts in its protection space
   * (RFC 7616 §3.3), on the request's own origin only: a server's word never
   * sends our credentials to another origin. `undefined`, the whole origin,
   * when the challenge names none there.
   */
  protected protectionSpaceDomain(
    request: AuthRequest,
    params: Readonly<Record<string, string>>,
  ): readonly string[] | undefined {
    const { origin } = new URL(request.url);
    const prefixes: string[] = [];
    for (const uri of params.domain?.split(/[ \t]+/) ?? []) {
      if (uri === '') continue;
      try {
        // An abs_path is relative to the server's root URL.
        const url = new URL(uri, `${origin}/`);
        if (url.origin === origin) prefixes.push(url.href);
      } catch {
        // Not a URI: it names no part of the space.
      }
    }
    return prefixes.length > 0 ? prefixes : undefined;
  }

  /**
   * The digest `uri` (RFC 7616 §3.4): the request-target the origin sees,
   * which is origin-form (path and query). Also through a proxy: the request
   * goes to the proxy in absolute-form, and the proxy sends it on to the
   * origin in origin-form (RFC 9112 §3.2.1, §3.2.2), and the origin compares
   * `uri` with that (lighttpd answers 400 on a mismatch, Apache and httpbin
   * 401). `request.target` is what the proxy reads, not the origin, except
   * the asterisk-form of a server-wide OPTIONS, which reaches the origin as
   * it is (RFC 9112 §3.2.4).
   */
  protected digestUri(request: AuthRequest): string {
    if (request.target === '*') return '*';
    return urlParts(request.url).originForm;
  }

  override async *flow(request: AuthRequest): AuthFlow {
    if (!this.sendsTo(request)) return;
    const origin = this.protectionSpaceOrigin(request);
    let sent: Sent | undefined;

    const remembered = this.#preemptive ? this.#spaces.current(origin, urlParts(request.url).href) : undefined;
    if (remembered !== undefined) {
      try {
        const answering = this.#answer(request, remembered, remembered.params, true);
        sent = answering instanceof Promise ? await answering : answering;
      } catch (error) {
        // A space this request cannot be answered in up front (auth-int with a
        // stream body): send it bare and answer the server's challenge instead.
        if (!isAuthError(error)) throw error;
      }
    }

    let answeredChallenge = false;
    let staleAnswers = 0;
    for (;;) {
      const response: AuthResponse = yield request;
      if (response.status !== this.challengeStatus) {
        if (sent !== undefined) this.#readInfo(response, sent);
        return;
      }
      const header = response.headers.get(this.challengeHeader);
      if (header === null) return;
      const selected = selectChallenge(
        parseChallenges(header),
        this.#qop,
        request.body?.replayable ?? true,
        this.#policy,
      );
      if (selected === undefined) return;

      const stale = selected.params.stale?.trim().toLowerCase() === 'true';
      if (answeredChallenge) {
        // RFC 7616 §3.2.1: stale=true means our credentials were right and
        // only the nonce expired; anything else means they were refused.
        if (!stale || staleAnswers >= this.maxStaleAnswers) {
          if (!stale && sent !== undefined) this.#spaces.forget(sent.space);
          return;
        }
        staleAnswers++;
      }
      // A refused preemptive answer (the server forgot our nonce) does not
      // count: that challenge gets its one answer.
      answeredChallenge = true;
      const space = this.#spaces.adopt(origin, selected.params, this.protectionSpaceDomain(request, selected.params));
      const answering = this.#answer(request, space, selected.params, false);
      sent = answering instanceof Promise ? await answering : answering;
      if (sent === undefined) return;
    }
  }

  /**
   * Set our answer on `request`; `undefined` (nothing set) when the nonce's
   * counts are used up. A promise only for `auth-int`, whose body must be read
   * first: an answer up front, on every request, waits for nothing.
   */
  #answer(
    request: AuthRequest,
    space: ProtectionSpace,
    params: Readonly<Record<string, string>>,
    preemptive: boolean,
  ): Sent | undefined | Promise<Sent | undefined> {
    const { qop } = answerable(params, this.#qop, request.body?.replayable ?? true, this.#policy);
    // Read the body before taking an nc: from there to the header, nothing
    // awaits, so concurrent requests take their counts one after another.
    if (qop === 'auth-int' && request.body !== undefined) {
      return request.body.bytes().then((body) => this.#sign(request, space, params, preemptive, qop, body));
    }
    return this.#sign(request, space, params, preemptive, qop, undefined);
  }

  #sign(
    request: AuthRequest,
    space: ProtectionSpace,
    params: Readonly<Record<string, string>>,
    preemptive: boolean,
    qop: DigestQop | undefined,
    body: Uint8Array | undefined,
  ): Sent | undefined {
    // Stryker disable next-line StringLiteral: unreachable stand-in: only an answerable challenge (it has a nonce) is answered
    const nc = space.take(params.nonce ?? '');
    if (nc === undefined) {
      this.#spaces.forget(space);
      if (preemptive) request.headers.delete(this.authorizationHeader);
      return undefined;
    }
    const result = buildDigest(
      {
        // Named as a Challenge: its parameter names are already lower-case
        // (parseChallenges made them so), so they are not copied again.
        challenge: { scheme: 'Digest', params },
        method: request.method,
        uri: this.digestUri(request),
        username: this.#username,
        password: this.#password,
        cnonce: this.#cnonce(),
        nc,
        body,
        qop,
      },
      hashHex,
      space.ha1,
    );
    request.headers.set(this.authorizationHeader, result.header);
    return { space, result };
  }

  /** RFC 7615 / RFC 7616 §3.5: check `rspauth`, then take `nextnonce`. */
  #readInfo(response: AuthResponse, sent: Sent): void {
    const header = response.headers.get(this.infoHeader);
    if (header === null) return;
    let info: Record<string, string>;
    try {
      info = parseAuthParams(header);
    } catch (cause) {
      if (!this.#verifyServer) return;
      throw new AuthError('ERR_SERVER_NOT_AUTHENTICATED', `The ${this.infoHeader} header cannot be parsed`, {
        cause,
      });
    }
    if (this.#verifyServer && info.rspauth !== undefined) {
      const expected = sent.result.rspauth();
      // auth-int's rspauth covers the response body, which a scheme never sees: not checked.
      if (expected !== undefined && info.rspauth.trim().toLowerCase() !== expected) {
        this.#spaces.forget(sent.space);
        throw new AuthError(
          'ERR_SERVER_NOT_AUTHENTICATED',
          `The server's rspauth does not match: it did not prove it knows the credentials`,
        );
      }
    }
    if (info.nextnonce !== undefined && info.nextnonce !== '') sent.space.useNonce(info.nextnonce);
  }
}
