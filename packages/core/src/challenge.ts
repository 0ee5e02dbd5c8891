import { AuthError, type AuthErrorCode } from './errors.js';

/**
 * One challenge (`WWW-Authenticate`, `Proxy-Authenticate`) or one set of
 * credentials (`Authorization`): an auth-scheme with either a token68 or
 * auth-params (RFC 9110 §11.1, §11.2, §11.4).
 *
 * @example
 * ```ts
 * import type { Challenge } from '@authbelt/core';
 *
 * const challenge: Challenge = { scheme: 'basic', params: { realm: 'WallyWorld' } };
 * ```
 */
export interface Challenge {
  /** The auth-scheme, lower-cased: scheme names are case-insensitive (RFC 9110 §11.1). */
  scheme: string;
  /** The token68, when the challenge carries one instead of parameters (`Negotiate YIIB...==`). */
  token68?: string;
  /** The auth-params: names lower-cased (§11.2), values with quotes and escapes removed. A null-prototype object. */
  params: Record<string, string>;
}

/**
 * Options for {@link parseChallenges}, {@link parseAuthParams} and `parseCredentials`.
 *
 * @example
 * ```ts
 * import { type ParseOptions, parseChallenges } from '@authbelt/core';
 *
 * const options: ParseOptions = { maxLength: 4096 };
 * parseChallenges('Basic realm="x"', options);
 * ```
 */
export interface ParseOptions {
  /** Longest value accepted, in characters. Default 16384: a header larger than that is an attack or a mistake. */
  maxLength?: number;
}

const DEFAULT_MAX_LENGTH = 16_384;
const HTAB = 0x09;
const SP = 0x20;
const DQUOTE = 0x22;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;

// Character classes of RFC 9110 §5.6, as bit flags in one table, so the
// scanner tests a character with one array read.
const TCHAR = 1; // §5.6.2 tchar
const T68 = 2; // §11.2 token68, before its "=" padding
const QDTEXT = 4; // §5.6.4 qdtext, obs-text included
const QPAIR = 8; // §5.6.4 what may follow "\" in a quoted-pair: HTAB / SP / VCHAR / obs-text
const UPPER = 16; // A-Z: a name needs lower-casing only when it has one
// A JavaScript string can hold code units past U+00FF, which no header octet
// is; inside a quoted-string they count as obs-text, elsewhere as nothing.
const BEYOND_LATIN1 = QDTEXT | QPAIR;
// The characters no quoted-string holds unescaped but DQUOTE and "\": every CTL but HTAB (RFC 9110 §5.6.4).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
// A text with none of them anywhere: one native pass over a whole header line,
// against a search per quoted-string (a regex call costs more than its characters).
const NO_CONTROL = /^[\t\x20-\x7e\x80-\uffff]*$/;

// One entry per UTF-16 code unit (64 KiB), so a class is one array read with no
// range test first: the scanner's inner loops run once per character.
const CHAR_CLASS: Uint8Array = /* @__PURE__ */ (() => {
  const table = new Uint8Array(0x10000).fill(BEYOND_LATIN1);
  const tchar = "!#$%&'*+-.^_`|~";
  const t68 = '-._~+/';
  for (let c = 0; c < 256; c++) {
    const ch = String.fromCharCode(c);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    let flags = 0;
    if (alnum || tchar.includes(ch)) flags |= TCHAR;
    if (alnum || t68.includes(ch)) flags |= T68;
    // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text: no DQUOTE, no "\", no DEL.
    if (c === HTAB || c === SP || c === 0x21 || (c >= 0x23 && c <= 0x7e && c !== BACKSLASH) || c >= 0x80) {
      flags |= QDTEXT;
    }
    if (c === HTAB || (c >= 0x20 && c <= 0x7e) || c >= 0x80) flags |= QPAIR;
    if (c >= 0x41 && c <= 0x5a) flags |= UPPER;
    table[c] = flags;
  }
  return table;
})();

/** The RFC 9110 §5.6 class flags of character code `c`. */
function classOf(c: number): number {
  return CHAR_CLASS[c] as number;
}

/**
 * The character code at `i`, or NUL (in no class, and not a delimiter) past
 * the end. Never reading out of bounds keeps `charCodeAt` an integer: one NaN
 * would turn every comparison in the scanner into a floating-point one.
 */
function codeAt(text: string, i: number): number {
  return i < text.length ? text.charCodeAt(i) : 0;
}

/**
 * @internal Whether the string `value` is a token (RFC 9110 §5.6.2: 1*tchar); `isToken` is the public face.
 *
 * @example
 * ```ts
 * import { isTokenString } from './challenge.js';
 * isTokenString('SHA-256'); // true
 * ```
 */
export function isTokenString(value: string): boolean {
  const length = value.length;
  if (length === 0) return false;
  for (let i = 0; i < length; i++) if ((classOf(value.charCodeAt(i)) & TCHAR) === 0) return false;
  return true;
}

/**
 * @internal Whether `value` is a token68 (RFC 9110 §11.2): token68 characters, then only "=" padding.
 *
 * @example
 * ```ts
 * import { isToken68String } from './challenge.js';
 * isToken68String('QWxhZGRpbg=='); // true
 * ```
 */
export function isToken68String(value: string): boolean {
  const length = value.length;
  let i = 0;
  while (i < length && (classOf(value.charCodeAt(i)) & T68) !== 0) i++;
  if (i === 0) return false;
  while (i < length && value.charCodeAt(i) === EQUALS) i++;
  return i === length;
}

/** What the scanner reads: a challenge list, exactly one credentials, or a bare auth-param list. */
type ScanMode = 0 | 1 | 2;
const CHALLENGES: ScanMode = 0;
const CREDENTIALS: ScanMode = 1;
const AUTH_PARAMS: ScanMode = 2;

function fail(mode: ScanMode, message: string, position: number, line: number): never {
  const where = line < 0 ? `at position ${position}` : `at position ${position} of header line ${line}`;
  throw new AuthError(mode === CREDENTIALS ? 'ERR_CREDENTIALS_SYNTAX' : 'ERR_CHALLENGE_SYNTAX', `${message} ${where}`, {
    position,
  });
}

/**
 * The params object of a challenge: a constructor whose prototype is an
 * empty, frozen null-prototype object. Nothing is inherited (`toString`,
 * `constructor` and `__proto__` are plain absent keys, and a `__proto__`
 * parameter is an own data property), as with `Object.create(null)`; but
 * V8 keeps these objects in fast mode, while `Object.create(null)` gives a
 * dictionary whose every store churns the scanner's inline caches (measured:
 * several times slower on a one-parameter challenge).
 */
const AuthParams = function AuthParams() {} as unknown as new () => Record<string, string>;
AuthParams.prototype = Object.freeze(Object.create(null));

// Scheme and parameter names that real servers send (RFC 7616, 7617, 6750,
// 7615, 7486, 8120, 7804, 8292, 9449, and Microsoft's), kept as interned
// constants: a property store with a freshly sliced key must first look the
// key up in the engine's string table, which costs more than the scanning.
// Stryker disable StringLiteral,ArrayDeclaration: a name missing from the table comes back as a fresh slice with the same characters
const KNOWN_NAMES: readonly string[] = [
  'basic',
  'bearer',
  'digest',
  'dpop',
  'hoba',
  'mutual',
  'negotiate',
  'ntlm',
  'scram-sha-1',
  'scram-sha-256',
  'vapid',
  'algorithm',
  'algs',
  'challenge',
  'charset',
  'cnonce',
  'domain',
  'error',
  'error_description',
  'error_uri',
  'max-age',
  'nc',
  'nextnonce',
  'nonce',
  'opaque',
  'qop',
  'realm',
  'response',
  'rspauth',
  'scope',
  'service',
  'stale',
  'uri',
  'userhash',
  'username',
  'username*',
];
// Stryker restore StringLiteral,ArrayDeclaration
const KNOWN_SLOTS = 128;
const KNOWN_MASK = KNOWN_SLOTS - 1;
const KNOWN_TABLE: (string | undefined)[] = /* @__PURE__ */ (() => {
  // Stryker disable next-line ArrayDeclaration: an empty table only makes every name a fresh slice with the same characters
  const table: (string | undefined)[] = new Array(KNOWN_SLOTS).fill(undefined);
  // Stryker disable next-line BlockStatement: an empty table only makes every name a fresh slice with the same characters
  for (const name of KNOWN_NAMES) {
    // Stryker disable next-line ArithmeticOperator: another start slot only moves a name in the table; nameAt compares every character
    let slot = knownSlot(name.length, name.charCodeAt(0), name.charCodeAt(name.length - 1));
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: an overwritten or moved name only comes back as a fresh slice
    while (table[slot] !== undefined) slot = (slot + 1) & KNOWN_MASK;
    table[slot] = name;
  }
  return table;
})();

/** Where a name of this length, first and last (lower-case) character starts its probe in KNOWN_TABLE. */
// Stryker disable next-line BlockStatement: any start slot (even NaN, read as 0) only changes where the probe starts
function knownSlot(length: number, first: number, last: number): number {
  // Stryker disable next-line ArithmeticOperator: another hash only changes where the probe starts; nameAt compares every character
  return (length * 7 + first * 3 + last) & KNOWN_MASK;
}

/** `c` lower-cased if it is A-Z. */
// Stryker disable next-line BlockStatement: fold only feeds nameAt's table probe; without it no name matches and each is sliced
function fold(c: number): number {
  return c | (((CHAR_CLASS[c] as number) & UPPER) << 1);
}

/**
 * The token `text[start, end)` lower-cased (RFC 9110 §11.1, §11.2: names are
 * case-insensitive), as the interned constant when it is a known name.
 * `upper` says whether the token holds an A-Z, known from the scan.
 */
function nameAt(text: string, start: number, end: number, upper: boolean): string {
  // Stryker disable next-line ArithmeticOperator: a wrong length matches no known name (a token ends at a non-tchar), so the name is sliced
  const length = end - start;
  const first = fold(text.charCodeAt(start));
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator: another start or step only probes other slots; a match needs every character
  for (let slot = knownSlot(length, first, fold(text.charCodeAt(end - 1))); ; slot = (slot + 1) & KNOWN_MASK) {
    const known = KNOWN_TABLE[slot];
    if (known === undefined) break;
    if (known.length !== length || known.charCodeAt(0) !== first) continue;
    let k = 1;
    // Stryker disable next-line ArithmeticOperator,UpdateOperator: reading before the token (no tchar there) or counting k down never ends at k === length, so the name is sliced
    while (k < length && fold(text.charCodeAt(start + k)) === known.charCodeAt(k)) k++;
    if (k === length) return known;
  }
  return upper ? text.slice(start, end).toLowerCase() : text.slice(start, end);
}

/** The quoted-string content between `from` and `to`, quoted-pairs replaced by the character they escape. */
function unescapeQuoted(text: string, from: number, to: number): string {
  let out = '';
  let chunk = from;
  for (let i = text.indexOf('\\', from); i !== -1 && i < to; i = text.indexOf('\\', i + 2)) {
    out += text.slice(chunk, i);
    chunk = i + 1; // keep the escaped character, drop the backslash
  }
  return out + text.slice(chunk, to);
}

/**
 * The one scanner behind every parser: a single left-to-right pass over char
 * codes. The only look-ahead is over the whitespace after a token (is an "="
 * next?) and over a candidate token68 (does its element end there?), and each
 * is re-read at most once; `indexOf` searches start where the last one
 * stopped. So the time is linear whatever the input.
 *
 * Challenges go into `out`. `open` is where an auth-param goes when the text
 * starts with one (the bare list of `parseAuthParams`, or the last challenge
 * of the previous header line); the return value is the same for the text's
 * end, so a list spread over several header lines reads as the one list it
 * means (RFC 9110 §5.3). `line` is -1 for a single value.
 */
function scan(
  text: string,
  mode: ScanMode,
  out: Challenge[],
  open: Record<string, string> | null,
  line: number,
): Record<string, string> | null {
  const length = text.length;
  let params = open;
  // Right after "scheme 1*SP" without a token68 the element must be an auth-param:
  // a token there is not a new challenge, as challenges are comma-separated.
  let paramRequired = false;
  // Where the next "\" is at or after the current quoted-string (length: none), found once by indexOf.
  // Stryker disable next-line UnaryOperator: any start below the first quote (index 2 or more) is refreshed on first use
  let backslash = -1;
  // Whether `text` holds a control character, known at its first quoted-string:
  // 0 not yet asked, 1 none (no quoted-string needs its own search), 2 some.
  let controls = 0;
  let i = 0;
  let c = codeAt(text, 0);
  for (;;) {
    // Between list elements: OWS, commas, and the empty elements the #rule lets a recipient accept (RFC 9110 §5.6.1).
    while (c === SP || c === HTAB || c === COMMA) c = codeAt(text, ++i);
    if (i >= length) return params;

    const start = i;
    let seen = 0;
    for (let flags = classOf(c); (flags & TCHAR) !== 0; flags = classOf(c)) {
      seen |= flags;
      c = codeAt(text, ++i);
    }
    if (i === start) {
      const expected = paramRequired || mode === AUTH_PARAMS ? 'a parameter name' : 'an auth-scheme';
      fail(mode, `Unexpected character, expected ${expected},`, i, line);
    }
    const tokenEnd = i;
    // BWS: whitespace is allowed around the "=" of an auth-param (RFC 9110 §11.2).
    while (c === SP || c === HTAB) c = codeAt(text, ++i);

    if (c === EQUALS) {
      // auth-param = token BWS "=" BWS ( token / quoted-string )
      if (params === null) {
        fail(mode, 'Parameter without an auth-scheme before it (or after a token68)', start, line);
      }
      const name = nameAt(text, start, tokenEnd, (seen & UPPER) !== 0);
      c = codeAt(text, ++i);
      while (c === SP || c === HTAB) c = codeAt(text, ++i);
      let value: string;
      if (c === DQUOTE) {
        // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE (RFC 9110 §5.6.4)
        const quote = i;
        // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: a stale or fresh search only picks the fast or the character-by-character path, which agree
        if (backslash < quote) {
          // Stryker disable next-line StringLiteral,ArithmeticOperator: an early hit only sends the value down the character-by-character path, which agrees
          backslash = text.indexOf('\\', quote + 1);
          // Stryker disable next-line UnaryOperator: a position before the quote only sends the value down the character-by-character path, which agrees
          if (backslash === -1) backslash = length;
        }
        const close = text.indexOf('"', quote + 1);
        if (close !== -1 && close < backslash) {
          // No quoted-pair: the value is the text up to the next DQUOTE, if
          // that holds no control character (qdtext allows HTAB, no other CTL).
          value = text.slice(quote + 1, close);
          if (controls === 0) controls = NO_CONTROL.test(text) ? 1 : 2;
          if (controls === 2) {
            const bad = value.search(CONTROL);
            if (bad !== -1) fail(mode, 'Invalid character in a quoted-string', quote + 1 + bad, line);
          }
          i = close;
        } else {
          // A quoted-pair (or no closing quote): read character by character.
          i = quote + 1;
          c = codeAt(text, i);
          for (;;) {
            while ((classOf(c) & QDTEXT) !== 0) c = codeAt(text, ++i);
            if (c === DQUOTE) break;
            if (c !== BACKSLASH) {
              if (i >= length) fail(mode, 'Unterminated quoted-string starting', quote, line);
              fail(mode, 'Invalid character in a quoted-string', i, line);
            }
            // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
            c = codeAt(text, ++i);
            if ((classOf(c) & QPAIR) === 0) {
              if (i >= length) fail(mode, 'Unterminated quoted-string starting', quote, line);
              fail(mode, 'Invalid character after a backslash', i, line);
            }
            c = codeAt(text, ++i);
          }
          value = unescapeQuoted(text, quote + 1, i);
        }
        c = codeAt(text, ++i);
      } else {
        const valueStart = i;
        while ((classOf(c) & TCHAR) !== 0) c = codeAt(text, ++i);
        if (i === valueStart) fail(mode, 'Expected a token or quoted-string as the parameter value', i, line);
        value = text.slice(valueStart, i);
      }
      // RFC 9110 §11.2: each parameter name MUST only occur once per challenge. Taking
      // the first or the last would be a guess an attacker could steer.
      if (params[name] !== undefined) fail(mode, `Duplicate parameter "${name}"`, start, line);
      params[name] = value;
      paramRequired = false;
      while (c === SP || c === HTAB) c = codeAt(text, ++i);
      if (i < length && c !== COMMA) fail(mode, 'Expected "," after the parameter', i, line);
      continue;
    }

    // A token not followed by "=": the auth-scheme of a new challenge (RFC 9110 §11.1).
    if (paramRequired || mode === AUTH_PARAMS) fail(mode, 'Expected "=" after the parameter name', i, line);
    if (mode === CREDENTIALS && out.length > 0) {
      fail(mode, 'A second auth-scheme where one set of credentials was expected', start, line);
    }
    const challenge: Challenge = {
      scheme: nameAt(text, start, tokenEnd, (seen & UPPER) !== 0),
      params: new AuthParams(),
    };
    out.push(challenge);
    params = null;
    // "scheme 1*SP" at the end of a line may go on as an auth-param list on the
    // next (the lines read as their comma-joined value, RFC 9110 §5.3).
    if (i >= length) return i === tokenEnd ? null : challenge.params;
    if (i === tokenEnd) {
      // challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]: no space, no parameters.
      if (c === COMMA) continue;
      fail(mode, 'Expected a space or "," after the auth-scheme', i, line);
    }
    // After 1*SP comes a #auth-param list (which may open with empty elements) or a token68.
    params = challenge.params;
    if (c === COMMA) continue;
    const t68Start = i;
    while ((classOf(c) & T68) !== 0) c = codeAt(text, ++i);
    if (i > t68Start) {
      while (c === EQUALS) c = codeAt(text, ++i);
      const t68End = i;
      while (c === SP || c === HTAB) c = codeAt(text, ++i);
      // token68 is the whole element: what follows must end it. `realm=x` starts
      // like a token68 ("realm=") but goes on, so it is an auth-param.
      if (i >= length || c === COMMA) {
        challenge.token68 = text.slice(t68Start, t68End);
        params = null;
        continue;
      }
      i = t68Start;
      c = codeAt(text, i);
    }
    paramRequired = true;
  }
}

function maxLengthOf(options: ParseOptions | undefined): number {
  const max = options?.maxLength;
  if (max === undefined) return DEFAULT_MAX_LENGTH;
  if (typeof max !== 'number' || !(max >= 0)) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'maxLength must be a number of characters, 0 or more');
  }
  return max;
}

function checkString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new AuthError('ERR_INVALID_ARGUMENT', `${what} must be a string`);
}

function checkLength(length: number, max: number, code: AuthErrorCode): void {
  if (length > max) {
    throw new AuthError(code, `Header value of ${length} characters exceeds the limit of ${max}`, { position: max });
  }
}

/**
 * @internal Exactly one credentials value (RFC 9110 §11.4); `parseCredentials` is the public face.
 *
 * @example
 * ```ts
 * import { scanCredentials } from './challenge.js';
 * scanCredentials('Basic QWxhZGRpbg==', undefined).token68; // 'QWxhZGRpbg=='
 * ```
 */
export function scanCredentials(value: string, options: ParseOptions | undefined): Challenge {
  checkString(value, 'The header value');
  checkLength(value.length, maxLengthOf(options), 'ERR_CREDENTIALS_SYNTAX');
  const out: Challenge[] = [];
  scan(value, CREDENTIALS, out, null, -1);
  const [credentials] = out;
  if (credentials === undefined) fail(CREDENTIALS, 'Expected an auth-scheme', value.length, -1);
  return credentials;
}

/**
 * Parse `WWW-Authenticate` or `Proxy-Authenticate` (RFC 9110 §11.6.1): every
 * challenge in the value, or in several header lines given as an array (read
 * as the one comma-joined list they stand for, RFC 9110 §5.3). Empty input
 * gives `[]`. Malformed input throws `AuthError` `ERR_CHALLENGE_SYNTAX` with
 * the character `position` (within its line for an array), and so does a
 * repeated parameter in one challenge or input longer than `maxLength` in all.
 *
 * @example
 * ```ts
 * import { parseChallenges } from '@authbelt/core';
 *
 * const [digest, basic] = parseChallenges('Digest realm="a, b", nonce="n", qop="auth", Basic realm="x"');
 * digest?.params.realm; // 'a, b'
 * basic?.scheme; // 'basic'
 * parseChallenges(['Negotiate', 'NTLM']).length; // 2
 * ```
 */
export function parseChallenges(value: string | readonly string[], options?: ParseOptions): Challenge[] {
  const max = maxLengthOf(options);
  const out: Challenge[] = [];
  if (typeof value === 'string') {
    checkLength(value.length, max, 'ERR_CHALLENGE_SYNTAX');
    scan(value, CHALLENGES, out, null, -1);
    return out;
  }
  if (!Array.isArray(value)) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'parseChallenges takes a header value or an array of header lines');
  }
  const lines = value as readonly unknown[];
  // The cap is on all lines together, checked before any is read.
  let total = 0;
  for (const line of lines) {
    checkString(line, 'Each header line');
    total += line.length;
  }
  checkLength(total, max, 'ERR_CHALLENGE_SYNTAX');
  let open: Record<string, string> | null = null;
  for (let index = 0; index < lines.length; index++) {
    open = scan(lines[index] as string, CHALLENGES, out, open, index);
  }
  return out;
}

/**
 * Parse a bare auth-param list: `Authentication-Info` and
 * `Proxy-Authentication-Info` (RFC 7615 §3). Names lower-cased, values
 * unquoted, in a null-prototype object; malformed input or a repeated name
 * throws `ERR_CHALLENGE_SYNTAX` with the position.
 *
 * @example
 * ```ts
 * import { parseAuthParams } from '@authbelt/core';
 *
 * const info = parseAuthParams('nextnonce="abc", qop=auth, nc=00000001');
 * info.nextnonce; // 'abc'
 * ```
 */
export function parseAuthParams(value: string, options?: ParseOptions): Record<string, string> {
  checkString(value, 'The header value');
  checkLength(value.length, maxLengthOf(options), 'ERR_CHALLENGE_SYNTAX');
  const params = new AuthParams();
  // Stryker disable next-line ArrayDeclaration: a bare auth-param list never adds a challenge to `out`, nor reads it
  scan(value, AUTH_PARAMS, [], params, -1);
  return params;
}
