import { type Challenge, isToken68String, isTokenString, type ParseOptions, scanCredentials } from './challenge.js';
import { AuthError } from './errors.js';

const invalid = (message: string): AuthError => new AuthError('ERR_INVALID_ARGUMENT', message);
const LINE_BREAK_OR_NUL = /[\r\n\0]/;
// qdtext and quoted-pair allow HTAB, SP, VCHAR and obs-text: no other CTL (RFC 9110 §5.6.4).
const NOT_QUOTABLE = /[^\t -~\x80-\uffff]/;
// What goes into a quoted-string as it is: the above but DQUOTE and "\", which need a quoted-pair.
const NOT_PLAIN = /[^\t !#-[\]-~\x80-\uffff]/;

/**
 * Credentials (`Authorization`, `Proxy-Authorization`) have the shape of a challenge (RFC 9110 §11.4).
 *
 * @example
 * ```ts
 * import type { Credentials } from '@authbelt/core';
 *
 * const credentials: Credentials = { scheme: 'basic', token68: 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==', params: {} };
 * ```
 */
export type Credentials = Challenge;

/**
 * Options for {@link formatChallenge} and {@link formatCredentials}.
 *
 * @example
 * ```ts
 * import { type FormatOptions, formatCredentials } from '@authbelt/core';
 *
 * const options: FormatOptions = { tokenParams: ['algorithm', 'qop', 'nc'] };
 * formatCredentials({ scheme: 'Digest', params: { qop: 'auth', nc: '00000001' } }, options);
 * ```
 */
export interface FormatOptions {
  /**
   * Lower-case parameter names sent as bare tokens rather than quoted strings
   * (RFC 7616 §3.4: Digest's `algorithm`, `qop`, `nc`). A value that is not a
   * token for such a name is `ERR_INVALID_ARGUMENT`.
   */
  tokenParams?: readonly string[];
}

/**
 * Whether `value` is a token (RFC 9110 §5.6.2: one or more tchar).
 *
 * @example
 * ```ts
 * import { isToken } from '@authbelt/core';
 *
 * isToken('SHA-256'); // true
 * isToken('a b'); // false
 * ```
 */
export function isToken(value: string): boolean {
  return typeof value === 'string' && isTokenString(value);
}

/**
 * Throw `ERR_HEADER_INJECTION` if `value` holds CR, LF or NUL: in a header
 * they would end it and start another (RFC 9110 §5.5). The message names
 * `what` and the position, never the value: it may be a password.
 *
 * @example
 * ```ts
 * import { assertHeaderSafe } from '@authbelt/core';
 *
 * assertHeaderSafe('plain value', 'realm'); // fine
 * // assertHeaderSafe('a\r\nSet-Cookie: x', 'realm') throws 'realm contains a CR, LF or NUL at position 1'
 * ```
 */
export function assertHeaderSafe(value: string, what: string): void {
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  const position = value.search(LINE_BREAK_OR_NUL);
  if (position >= 0) {
    throw new AuthError('ERR_HEADER_INJECTION', `${what} contains a CR, LF or NUL at position ${position}`, {
      position,
    });
  }
}

/**
 * `value` as a quoted-string (RFC 9110 §5.6.4), with `"` and `\` escaped as
 * quoted-pairs. Control characters other than HTAB (CR, LF and NUL among
 * them) fit in no quoted-string: `ERR_HEADER_INJECTION`, naming the position.
 *
 * @example
 * ```ts
 * import { quoteString } from '@authbelt/core';
 *
 * quoteString('say "hi"'); // '"say \\"hi\\""'
 * ```
 */
export function quoteString(value: string): string {
  if (typeof value !== 'string') throw invalid('A quoted value must be a string');
  // Most values hold neither a control character nor anything to escape: one test says so.
  if (!NOT_PLAIN.test(value)) return `"${value}"`;
  const position = value.search(NOT_QUOTABLE);
  if (position >= 0) {
    throw new AuthError('ERR_HEADER_INJECTION', `A quoted value contains a control character at position ${position}`, {
      position,
    });
  }
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

function format(challenge: Challenge, options: FormatOptions | undefined, what: string): string {
  if (challenge === null || typeof challenge !== 'object') throw invalid(`${what} must be an object`);
  const { scheme, token68, params } = challenge;
  // RFC 9110 §11.1: auth-scheme = token.
  if (!isToken(scheme)) throw invalid(`${what} scheme must be a token`);
  if (params !== undefined && (params === null || typeof params !== 'object')) {
    throw invalid(`${what} params must be an object`);
  }
  const names = params === undefined ? [] : Object.keys(params);
  if (token68 !== undefined) {
    // RFC 9110 §11.2: a token68 stands alone, with no parameters beside it.
    if (names.length > 0) throw invalid(`${what} has both a token68 and parameters`);
    assertHeaderSafe(token68, `${what} token68`);
    if (!isToken68String(token68)) throw invalid(`${what} token68 is not a token68`);
    return `${scheme} ${token68}`;
  }
  const lowerNames = names.map((name) => name.toLowerCase());
  const parts = names.map((name, index) => {
    if (!isTokenString(name)) throw invalid(`${what} parameter name at index ${index} is not a token`);
    const value = (params as Record<string, string>)[name];
    const where = `${what} parameter "${name}"`;
    if (typeof value !== 'string') throw invalid(`${where} must be a string`);
    if (!options?.tokenParams?.includes(lowerNames[index] as string)) return `${name}=${quoteString(value)}`;
    assertHeaderSafe(value, where);
    if (!isTokenString(value)) throw invalid(`${where} must be a token`);
    return `${name}=${value}`;
  });
  // Names are case-insensitive (RFC 9110 §11.2) and may occur once: `Realm` and
  // `realm` together would make a header every strict parser, ours too, rejects.
  if (new Set(lowerNames).size !== names.length) {
    throw invalid(`${what} has two parameters whose names differ only in case`);
  }
  return parts.length > 0 ? `${scheme} ${parts.join(', ')}` : scheme;
}

/**
 * Format a challenge for `WWW-Authenticate` / `Proxy-Authenticate`:
 * `scheme token68`, or `scheme name="value", ...` with every value quoted
 * unless its name is in `tokenParams`. What this formats, {@link parseChallenges}
 * parses back to the same challenge (scheme and names lower-cased). A scheme,
 * name or token68 outside its grammar is `ERR_INVALID_ARGUMENT`; a control
 * character in a value is `ERR_HEADER_INJECTION`.
 *
 * @example
 * ```ts
 * import { formatChallenge } from '@authbelt/core';
 *
 * formatChallenge({ scheme: 'Basic', params: { realm: 'a "b"', charset: 'UTF-8' } });
 * // 'Basic realm="a \\"b\\"", charset="UTF-8"'
 * ```
 */
export function formatChallenge(challenge: Challenge, options?: FormatOptions): string {
  return format(challenge, options, 'Challenge');
}

/**
 * Format credentials for `Authorization` / `Proxy-Authorization` (RFC 9110
 * §11.4): the same grammar and checks as {@link formatChallenge}.
 *
 * @example
 * ```ts
 * import { formatCredentials } from '@authbelt/core';
 *
 * formatCredentials({ scheme: 'Digest', params: { username: 'u', algorithm: 'SHA-256' } }, { tokenParams: ['algorithm'] });
 * // 'Digest username="u", algorithm=SHA-256'
 * ```
 */
export function formatCredentials(credentials: Credentials, options?: FormatOptions): string {
  return format(credentials, options, 'Credentials');
}

/**
 * Parse one `Authorization` / `Proxy-Authorization` value (RFC 9110 §11.4):
 * exactly one auth-scheme with a token68 or auth-params, read like
 * {@link parseChallenges} reads one challenge. No scheme, a second one, or any
 * syntax error throws `ERR_CREDENTIALS_SYNTAX` with the position.
 *
 * @example
 * ```ts
 * import { parseCredentials } from '@authbelt/core';
 *
 * parseCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==').token68; // 'QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 * parseCredentials('Digest username="Mufasa", nc=00000001').params.nc; // '00000001'
 * ```
 */
export function parseCredentials(value: string, options?: ParseOptions): Credentials {
  return scanCredentials(value, options);
}
