import { AuthError, type Challenge, quoteString } from '@authbelt/core';
import { type AlgorithmInfo, type DigestAlgorithm, lookupAlgorithm } from './algorithm.js';
import { extValue, isPlainAscii } from './encoding.js';
import type { HashName } from './hash-name.js';

/**
 * A hash function as the engine takes it, so tests can run both builds'
 * hashes side by side. A string is hashed as its UTF-8 octets.
 */
export type HashHex = (name: HashName, data: Uint8Array | string) => string;

/**
 * The quality of protection answered (RFC 7616 §3.3): `auth` covers the
 * method and URI, `auth-int` the body as well.
 *
 * @example
 * ```ts
 * import { DigestAuth, type DigestQop } from '@authbelt/digest';
 * const qop: DigestQop = 'auth-int';
 * const auth = new DigestAuth('user', 'pass', { qop });
 * ```
 */
export type DigestQop = 'auth' | 'auth-int';

/**
 * Input of `digestAuthorization`: the challenge, the request, the
 * credentials, and the values a client picks (cnonce, nc, qop).
 *
 * @example
 * ```ts
 * import { type DigestAuthorizationInput, digestAuthorization } from '@authbelt/digest';
 * const input: DigestAuthorizationInput = {
 *   challenge: { realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', qop: 'auth' },
 *   method: 'GET',
 *   uri: '/dir/index.html',
 *   username: 'Mufasa',
 *   password: 'Circle Of Life',
 *   cnonce: '0a4f113b',
 *   nc: 1,
 * };
 * digestAuthorization(input); // ... response="6629fae49393a05397450978507c4ef1" ...
 * ```
 */
export interface DigestAuthorizationInput {
  /** The Digest challenge as `parseChallenges` gives it, or only its parameters (names in any case). */
  challenge: Challenge | Readonly<Record<string, string>>;
  /** Request method, e.g. `GET`. */
  method: string;
  /**
   * The request-target exactly as it goes on the wire (RFC 7616 §3.4 `uri`):
   * path and query for an origin server, the absolute URL through a proxy,
   * `host:port` for CONNECT.
   */
  uri: string;
  /**
   * The user-id. A non-ASCII one goes as its raw UTF-8 octets (one character
   * each, as Fetch's Headers carries octets) in `username="…"`, or as
   * `username*` (RFC 8187) when the challenge says `charset=UTF-8` or the name
   * holds a control character; it is hashed as UTF-8.
   */
  username: string;
  /** The password, hashed into HA1 (as UTF-8); it never appears in the header or an error. */
  password: string;
  /** Client nonce. Required when the challenge offers a qop or names a `-sess` algorithm. */
  cnonce?: string | undefined;
  /** Nonce count, from 1 (the default); sent as 8 hex digits. */
  nc?: number | undefined;
  /** The exact request body octets, for qop `auth-int` (a string is UTF-8). Absent means an empty body. */
  body?: Uint8Array | string | undefined;
  /**
   * Which qop to answer when the challenge offers both (default `'auth'`). A
   * challenge offering only one is answered with that one.
   */
  qop?: DigestQop | undefined;
  /**
   * Send H(username ":" realm) instead of the username (RFC 7616 §3.4.4).
   * Default: what the challenge's `userhash` parameter says.
   */
  userhash?: boolean | undefined;
}

/** What the engine computed, for the flow to keep (nc, rspauth check). */
export interface DigestResult {
  readonly header: string;
  readonly qop: DigestQop | undefined;
  /**
   * The server's `rspauth` for this answer (RFC 7616 §3.5), computed on
   * demand; `undefined` for qop auth-int (it covers the response body) and RFC 2069 (no qop).
   */
  readonly rspauth: () => string | undefined;
}

/**
 * HA1 = H(username ":" realm ":" password) kept by one `DigestAuth` instance
 * for one protection space, with what it was computed from. It depends on
 * nothing a request changes, so an answer up front need not hash it again.
 * It stands for the password the instance already holds: it lives only where
 * that does (the instance's private protection spaces), never in a shared
 * place, an error, `inspect()` or JSON.
 */
export interface Ha1Cache {
  /** The hash it was computed with (the algorithm, less `-sess`). */
  hash?: HashName | undefined;
  /** The username's octets, one character each, as hashed. */
  user?: string | undefined;
  /** The realm's octets, one character each, as hashed. */
  realm?: string | undefined;
  /** Whether the octets were hashed as text (all ASCII) or one octet a character. */
  ascii?: boolean | undefined;
  /** H(A1) of RFC 7616 §3.4.2 for the above, before any `-sess` step. */
  ha1?: string | undefined;
}

/**
 * Which challenges a client is willing to answer: its minimum. `undefined`
 * algorithms means every one this package speaks.
 */
export interface DigestPolicy {
  /** Canonical names of the algorithms to answer. */
  readonly algorithms: ReadonlySet<DigestAlgorithm> | undefined;
  /** Refuse RFC 2069 challenges (no qop: no cnonce, no nc). */
  readonly requireQop: boolean;
}

/** What a Digest challenge says, once it is known to be answerable. */
export interface Answerable {
  readonly algorithm: AlgorithmInfo;
  readonly qop: DigestQop | undefined;
}

const UPPER = /[A-Z]/;
const NOT_ASCII = /[\u0080-\uffff]/;
// Anything but printable ASCII, space and HTAB, or a quote or backslash (RFC 9110 §5.6.4 qdtext, less obs-text).
const NOT_PLAIN = /[^\t !#-[\]-~]/;
const BEYOND_OCTET = /[\u0100-\uffff]/;
const utf8 = new TextEncoder();

function challengeParams(challenge: DigestAuthorizationInput['challenge']): Readonly<Record<string, string>> {
  if (typeof challenge !== 'object' || challenge === null) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'digestAuthorization needs a challenge');
  }
  const maybe = challenge as Partial<Challenge>;
  if (typeof maybe.scheme === 'string' && typeof maybe.params === 'object' && maybe.params !== null) {
    if (maybe.scheme.toLowerCase() !== 'digest') {
      throw new AuthError('ERR_INVALID_CHALLENGE', `A ${maybe.scheme} challenge is not a Digest challenge`);
    }
    // A Challenge's names are lower-case (parseChallenges makes them so).
    return maybe.params;
  }
  const raw = challenge as Readonly<Record<string, string>>;
  const params: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (typeof value === 'string') params[UPPER.test(name) ? name.toLowerCase() : name] = value;
  }
  return params;
}

/**
 * The algorithm and qop to answer a Digest challenge's `params` with, or the
 * `AuthError` saying why it cannot be answered: `ERR_INVALID_CHALLENGE` (no
 * nonce or realm), `ERR_UNSUPPORTED_ALGORITHM` (unknown, or left out by the
 * policy), `ERR_UNSUPPORTED_QOP` (none usable, or none at all when the policy
 * requires one).
 */
export function answerable(
  params: Readonly<Record<string, string>>,
  preferred: DigestQop,
  authIntPossible: boolean,
  policy?: DigestPolicy,
): Answerable {
  const missing = params.nonce === undefined ? 'nonce' : params.realm === undefined ? 'realm' : undefined;
  if (missing !== undefined) throw new AuthError('ERR_INVALID_CHALLENGE', `The Digest challenge has no ${missing}`);
  const algorithm = lookupAlgorithm(params.algorithm);
  if (algorithm === undefined) {
    throw new AuthError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `Unsupported Digest algorithm ${JSON.stringify(params.algorithm)}`,
    );
  }
  if (policy?.algorithms !== undefined && !policy.algorithms.has(algorithm.name)) {
    throw new AuthError(
      'ERR_UNSUPPORTED_ALGORITHM',
      `The Digest algorithm ${algorithm.name} is not among the allowed algorithms (${[...policy.algorithms].join(', ')})`,
    );
  }
  const qop = chooseQop(params.qop, preferred, authIntPossible);
  // RFC 7616 §3.3 makes qop mandatory; without it (RFC 2069) the answer has
  // no cnonce, so whoever picks the nonce picks all the hashed input, and no
  // nc, so a replay cannot be told apart.
  if (qop === undefined && policy?.requireQop === true) {
    throw new AuthError(
      'ERR_UNSUPPORTED_QOP',
      'The Digest challenge offers no qop (RFC 2069); refused because requireQop is true',
    );
  }
  return { algorithm, qop };
}

/**
 * The qop to answer (RFC 7616 §3.3: `qop` is a quoted, comma-separated list):
 * `undefined` for an RFC 2069 challenge (no qop), the preferred one when
 * offered, else the other known one; `ERR_UNSUPPORTED_QOP` when the challenge
 * offers only qops we do not know or cannot use.
 */
function chooseQop(value: string | undefined, preferred: DigestQop, authIntPossible: boolean): DigestQop | undefined {
  // The common case, without splitting.
  if (value === undefined || value === 'auth') return value;
  const offered = value
    .split(',')
    .map((qop) => qop.trim().toLowerCase())
    .filter((qop) => qop !== '');
  const usable = (qop: DigestQop): boolean => offered.includes(qop) && (qop === 'auth' || authIntPossible);
  const other: DigestQop = preferred === 'auth' ? 'auth-int' : 'auth';
  if (usable(preferred)) return preferred;
  if (usable(other)) return other;
  const why =
    offered.includes('auth-int') && !authIntPossible
      ? 'only auth-int, which needs a body that can be read before it is sent'
      : offered.length === 0
        ? 'an empty qop list'
        : `only qop ${offered.join(', ')}`;
  throw new AuthError('ERR_UNSUPPORTED_QOP', `The Digest challenge offers ${why}`);
}

function nonceCount(nc: number | undefined): string {
  const value = nc ?? 1;
  if (!Number.isInteger(value) || value < 1 || value > 0xffffffff) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'nc must be an integer from 1 to 0xffffffff');
  }
  return value.toString(16).padStart(8, '0');
}

/** A string's UTF-8 octets, one character each. */
function utf8Octets(value: string): string {
  let out = '';
  for (const byte of utf8.encode(value)) out += String.fromCharCode(byte);
  return out;
}

/** True when `value` holds a control character a quoted-string cannot carry (RFC 9110 §5.6.4: only HTAB). */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/**
 * Digest credentials must not hold a CR, LF or NUL (they would end up in a
 * header). Messages name the part and position, never the value, and read as
 * Basic's do.
 */
export function checkCredentials(username: string, password: string): void {
  for (const [part, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (typeof value !== 'string') throw new AuthError('ERR_INVALID_CREDENTIALS', `Digest ${part} must be a string`);
    const position = value.search(/[\r\n\0]/);
    if (position !== -1) {
      throw new AuthError('ERR_INVALID_CREDENTIALS', `Digest ${part} has a control character at position ${position}`, {
        position,
      });
    }
  }
}

function checkString(value: unknown, what: string): void {
  if (typeof value !== 'string') throw new AuthError('ERR_INVALID_ARGUMENT', `digestAuthorization needs a ${what}`);
}

/**
 * Compute a Digest answer (RFC 7616 §3.4, RFC 2617 §3.2.2, RFC 2069) with
 * the given hash implementation.
 */
export function buildDigest(input: DigestAuthorizationInput, hashHex: HashHex, ha1Cache?: Ha1Cache): DigestResult {
  const { method, uri, username, password } = input;
  checkString(method, 'method');
  checkString(uri, 'uri');
  checkString(username, 'username');
  checkString(password, 'password');
  const params = challengeParams(input.challenge);
  const { algorithm, qop } = answerable(params, input.qop ?? 'auth', true);
  const realm = params.realm as string;
  const nonce = params.nonce as string;
  const cnonce = input.cnonce;
  if ((qop !== undefined || algorithm.session) && (cnonce === undefined || cnonce === '')) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'This challenge needs a cnonce');
  }
  const nc = nonceCount(input.nc);
  const { opaque } = params;

  // Nearly every value is printable ASCII without a quote or backslash: then
  // one test per value stands for every check below (no CR, LF or NUL, no
  // UTF-8 to encode, nothing to escape).
  // Stryker disable next-line BooleanLiteral: plain is a fast path; false takes the general path (checkCredentials, quoteString), same header
  let plain = true;
  // Stryker disable next-line StringLiteral: the '' stands for an absent cnonce or opaque; any other plain text tests the same
  for (const value of [username, password, realm, nonce, method, uri, cnonce ?? '', opaque ?? '']) {
    if (NOT_PLAIN.test(value)) {
      plain = false;
      break;
    }
  }
  if (!plain) checkCredentials(username, password);
  const quote = plain ? (value: string): string => `"${value}"` : quoteString;

  // Every hash input is built as octets, one character each. Header-borne
  // values (realm, nonce, uri) already are: Fetch's Headers reads each octet
  // of a header as one character, so a server's non-ASCII realm is hashed as
  // the very octets it sent; one with a character above U+00FF cannot have
  // come from a header and is taken as UTF-8, as are the user's username and
  // password. All ASCII (nearly always), the text is hashed as it is.
  // Stryker disable next-line StringLiteral: the '' stands for an absent cnonce; any other ASCII text tests the same
  const ascii = plain || !NOT_ASCII.test(username + password + realm + nonce + method + uri + (cnonce ?? ''));
  const octets = (value: string, fromUser: boolean): string =>
    ascii || !NOT_ASCII.test(value) || !(fromUser || BEYOND_OCTET.test(value)) ? value : utf8Octets(value);
  const user = octets(username, true);
  const pass = octets(password, true);
  const realmOctets = octets(realm, false);
  const nonceOctets = octets(nonce, false);
  const methodOctets = octets(method, false);
  const uriOctets = octets(uri, false);
  // Stryker disable next-line StringLiteral: without a cnonce (RFC 2069, no -sess) cnonceOctets is never hashed
  const cnonceOctets = cnonce === undefined ? '' : octets(cnonce, false);
  const H = (text: string): string =>
    hashHex(algorithm.hash, ascii ? text : Uint8Array.from(text, (char) => char.charCodeAt(0)));

  // RFC 7616 §3.4.2: A1 = unq(username) ":" unq(realm) ":" passwd, and for
  // -sess H(that) ":" unq(nonce) ":" unq(cnonce).
  // The password is fixed for the cache's owner (one instance), so the hash,
  // username and realm octets say whether the kept HA1 still holds.
  let ha1: string;
  if (
    ha1Cache?.ha1 !== undefined &&
    ha1Cache.hash === algorithm.hash &&
    ha1Cache.realm === realmOctets &&
    ha1Cache.user === user &&
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the same user, realm and password octets hash the same whether taken as text (all ASCII) or octet by octet
    ha1Cache.ascii === ascii
  ) {
    ha1 = ha1Cache.ha1;
  } else {
    ha1 = H(`${user}:${realmOctets}:${pass}`);
    if (ha1Cache !== undefined) {
      ha1Cache.hash = algorithm.hash;
      ha1Cache.realm = realmOctets;
      ha1Cache.user = user;
      ha1Cache.ascii = ascii;
      ha1Cache.ha1 = ha1;
    }
  }
  // The -sess session key takes this request's fresh cnonce, so it is hashed for each answer.
  if (algorithm.session) ha1 = H(`${ha1}:${nonceOctets}:${cnonceOctets}`);
  // RFC 7616 §3.4.3: A2 = Method ":" request-uri, and for auth-int ":" H(entity-body).
  const a2 = `${methodOctets}:${uriOctets}`;
  const ha2 = H(qop === 'auth-int' ? `${a2}:${hashHex(algorithm.hash, input.body ?? '')}` : a2);
  const response = H(
    qop === undefined ? `${ha1}:${nonceOctets}:${ha2}` : `${ha1}:${nonceOctets}:${nc}:${cnonceOctets}:${qop}:${ha2}`,
  );
  const userhash = input.userhash ?? params.userhash?.trim().toLowerCase() === 'true';

  // Built here rather than by formatCredentials: the names are ours and
  // known. Every quoted value is plain (see above) or goes through
  // quoteString (a CR, LF or NUL is ERR_HEADER_INJECTION); algorithm, qop and nc are tokens (RFC 7616
  // §3.4), userhash is "true", username* an RFC 8187 ext-value of tchar only.
  let header = 'Digest username';
  if (userhash) {
    // RFC 7616 §3.4.4: userhash.
    header += `="${H(`${user}:${realmOctets}`)}"`;
  } else if (plain || isPlainAscii(username)) {
    header += `=${quote(username)}`;
  } else if (!hasControl(username) && params.charset?.trim().toLowerCase() !== 'utf-8') {
    // A server that does not announce charset=UTF-8 reads username as the
    // octets in the quoted-string (RFC 9110 §5.6.4 obs-text): the raw UTF-8
    // octets, one character each, as curl sends them and Apache and squid
    // read them. They are also the octets hashed in A1.
    header += `=${quoteString(user)}`;
  } else {
    // RFC 7616 §3.4 and §4: username* for a server that announces
    // charset=UTF-8, and for a name a quoted-string cannot carry at all.
    header += `*=${extValue(username)}`;
  }
  header += `, realm=${quote(realm)}, nonce=${quote(nonce)}, uri=${quote(uri)}`;
  if (params.algorithm !== undefined) header += `, algorithm=${params.algorithm.trim()}`;
  header += `, response="${response}"`;
  if (opaque !== undefined) header += `, opaque=${quote(opaque)}`;
  if (qop !== undefined) header += `, qop=${qop}, nc=${nc}`;
  // RFC 2617 sends cnonce only with a qop, but a -sess A1 cannot be checked without it.
  if (qop !== undefined || algorithm.session) header += `, cnonce=${quote(cnonce as string)}`;
  if (userhash) header += ', userhash=true';

  // RFC 7616 §3.5: rspauth is the response with an empty method. For qop
  // auth-int it covers the response body, which a scheme never sees, so it is
  // not computed; nor for RFC 2069 (no qop).
  const rspauth = (): string | undefined =>
    qop === 'auth' ? H(`${ha1}:${nonceOctets}:${nc}:${cnonceOctets}:auth:${H(`:${uriOctets}`)}`) : undefined;
  return { header, qop, rspauth };
}
