import { AuthError } from '@authbelt/core';

/** How the user-id and password become bytes (RFC 7617 §2.1). */
export type BasicCharset = 'utf-8' | 'latin1';

const encoder = new TextEncoder();

/**
 * Reject a charset other than `'utf-8'` or `'latin1'` (`ERR_INVALID_ARGUMENT`),
 * and what RFC 7617 §2 forbids: a `:` in the user-id, and control
 * characters (CTL) in either part. Messages read as Digest's do: the scheme,
 * the part (`username` or `password`, as the constructor names them) and the
 * position, never the value.
 */
export function checkBasicCredentials(username: string, password: string, charset: BasicCharset): void {
  // Any other value would have encoded UTF-8 without a word, whatever the caller meant.
  if (charset !== 'utf-8' && charset !== 'latin1') {
    throw new AuthError('ERR_INVALID_ARGUMENT', `Unknown Basic charset ${JSON.stringify(charset)}`);
  }
  for (const [part, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (typeof value !== 'string') throw new AuthError('ERR_INVALID_CREDENTIALS', `Basic ${part} must be a string`);
  }
  const colon = username.indexOf(':');
  if (colon !== -1) {
    throw new AuthError(
      'ERR_INVALID_CREDENTIALS',
      `Basic username has a ':' at position ${colon} (RFC 7617 §2: it ends the user-id)`,
      { position: colon },
    );
  }
  for (const [part, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    // UTF-16 code units, so a position counts as String.prototype.indexOf's does.
    for (const [i, unit] of value.split('').entries()) {
      const code = unit.charCodeAt(0);
      if (code < 0x20 || code === 0x7f) {
        throw new AuthError('ERR_INVALID_CREDENTIALS', `Basic ${part} has a control character at position ${i}`, {
          position: i,
        });
      }
      if (charset === 'latin1' && code > 0xff) {
        throw new AuthError(
          'ERR_INVALID_CREDENTIALS',
          `Basic ${part} has a character at position ${i} that latin1 cannot encode; use charset 'utf-8'`,
          { position: i },
        );
      }
    }
  }
}

/**
 * The token68 of Basic credentials: base64 of `user-id ":" password` in the
 * given charset (RFC 7617 §2).
 *
 * @example
 * ```ts
 * import { basicCredentials } from '@authbelt/basic';
 * basicCredentials('Aladdin', 'open sesame'); // 'QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
 * ```
 */
export function basicCredentials(username: string, password: string, charset: BasicCharset = 'utf-8'): string {
  checkBasicCredentials(username, password, charset);
  const pair = `${username}:${password}`;
  if (charset === 'latin1') return btoa(pair);
  const bytes = encoder.encode(pair);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
