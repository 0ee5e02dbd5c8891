const utf8 = new TextEncoder();

// RFC 8187 §3.2.1 attr-char: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
// (ASCII only). Tested on one character at a time, so it needs no anchors.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/** RFC 8187 ext-value in UTF-8: `UTF-8''` and the percent-encoded octets. */
export function extValue(value: string): string {
  let out = "UTF-8''";
  for (const byte of utf8.encode(value)) {
    const char = String.fromCharCode(byte);
    out += ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** True when `value` can go in a quoted-string as it is: printable ASCII, space and tab only. */
export function isPlainAscii(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}
