// The test server's own reader for Authorization values, written apart from
// @authbelt/core so that a bug in the client's parser cannot hide here.

export interface ParsedAuthorization {
  scheme: string;
  token68?: string;
  params: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parse `scheme token68` or `scheme name=value, ...`; undefined when malformed or a name repeats. */
export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const schemeMatch = TOKEN.exec(value);
  if (!schemeMatch) return undefined;
  const scheme = schemeMatch[0].toLowerCase();
  let rest = value.slice(schemeMatch[0].length);
  if (rest.trim() === '') return { scheme, params: new Map() };
  if (!/^[ \t]+/.test(rest)) return undefined;
  rest = rest.trimStart();
  if (/^[A-Za-z0-9\-._~+/]+=*[ \t]*$/.test(rest)) return { scheme, token68: rest.trim(), params: new Map() };
  const params = new Map<string, string>();
  let i = 0;
  const s = rest;
  const skipWs = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  while (i < s.length) {
    skipWs();
    const nameMatch = TOKEN.exec(s.slice(i));
    if (!nameMatch) return undefined;
    const name = nameMatch[0].toLowerCase();
    i += nameMatch[0].length;
    skipWs();
    if (s[i] !== '=') return undefined;
    i++;
    skipWs();
    let val = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const ch = s[i] as string;
        if (ch === '\\') {
          if (i + 1 >= s.length) return undefined;
          val += s[i + 1];
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        if (ch === '\r' || ch === '\n' || ch === '\0') return undefined;
        val += ch;
        i++;
      }
      if (!closed) return undefined;
    } else {
      const tok = TOKEN.exec(s.slice(i));
      if (!tok) return undefined;
      val = tok[0];
      i += tok[0].length;
    }
    if (params.has(name)) return undefined;
    params.set(name, val);
    skipWs();
    if (i >= s.length) break;
    if (s[i] !== ',') return undefined;
    i++;
  }
  return { scheme, params };
}

/** RFC 8187 ext-value `UTF-8''percent-encoded`; undefined when malformed. */
export function decodeExtValue(value: string): string | undefined {
  const match = /^UTF-8'[^']*'(.*)$/i.exec(value);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1] as string);
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A quoted-string value with obs-text (RFC 9110 §5.6.4) read as the UTF-8
 * octets it carries. Node gives header values one character per octet
 * (latin1): the octets of `jürgen` arrive as `jÃ¼rgen`, and this gives
 * `jürgen` back. `undefined` when the octets are not UTF-8; an ASCII value
 * comes back as it is.
 */
export function decodeRawUtf8(value: string): string | undefined {
  if (!/[\u0080-\uffff]/.test(value)) return value;
  if (/[\u0100-\uffff]/.test(value)) return undefined;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return undefined;
  }
}
