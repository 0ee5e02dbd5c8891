import { AuthError } from '@authbelt/core';

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
// (the same characters as RFC 9110 §11.2's token68).
function isB64tokenChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // DIGIT
    (code >= 0x41 && code <= 0x5a) || // upper ALPHA
    (code >= 0x61 && code <= 0x7a) || // lower ALPHA
    code === 0x2d || // -
    code === 0x2e || // .
    code === 0x5f || // _
    code === 0x7e || // ~
    code === 0x2b || // +
    code === 0x2f // /
  );
}

/**
 * The position of the first character that breaks RFC 6750 §2.1 b64token, or
 * -1 when `value` is one. An empty value breaks it at 0.
 */
export function b64tokenError(value: string): number {
  // Past the end charCodeAt is NaN, which ends both scans.
  let i = 0;
  while (isB64tokenChar(value.charCodeAt(i))) i++;
  // Trailing "=" only, and at least one character before them (an empty value breaks at 0 here too).
  if (i === 0) return 0;
  while (value.charCodeAt(i) === 0x3d) i++;
  return i === value.length ? -1 : i;
}

/** Throw `ERR_INVALID_CREDENTIALS` unless `value` is a b64token. The message gives the position, never the value. */
export function checkB64token(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new AuthError('ERR_INVALID_CREDENTIALS', `${what} must be a string`);
  const position = b64tokenError(value);
  if (position !== -1) {
    throw new AuthError(
      'ERR_INVALID_CREDENTIALS',
      value.length === 0
        ? `${what} is empty`
        : `${what} has a character outside RFC 6750 b64token at position ${position}`,
      { position },
    );
  }
  return value;
}

/**
 * Throw `ERR_INVALID_CREDENTIALS` unless `value` can be a whole header field
 * value (RFC 9110 §5.5): visible characters, with spaces or tabs only inside.
 * CR, LF and NUL would end the header and start another.
 */
export function checkFieldValue(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new AuthError('ERR_INVALID_CREDENTIALS', `${what} must be a string`);
  if (value.length === 0) throw new AuthError('ERR_INVALID_CREDENTIALS', `${what} is empty`, { position: 0 });
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const blank = code === 0x20 || code === 0x09;
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || (blank && (i === 0 || i === value.length - 1))) {
      throw new AuthError(
        'ERR_INVALID_CREDENTIALS',
        `${what} has a ${blank ? 'leading or trailing blank' : 'control character'} at position ${i}`,
        { position: i },
      );
    }
    // A header value is octets (RFC 9110 §5.5: VCHAR and obs-text); Fetch's Headers refuse anything above 0xFF.
    if (code > 0xff) {
      throw new AuthError(
        'ERR_INVALID_CREDENTIALS',
        `${what} has a character at position ${i} that a header cannot carry (above U+00FF)`,
        { position: i },
      );
    }
  }
  return value;
}
