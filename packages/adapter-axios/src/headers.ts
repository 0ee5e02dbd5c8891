import { AxiosHeaders } from 'axios';

/**
 * axios headers as web `Headers`, read as axios reads an adapter's response
 * headers (`AxiosHeaders.from`): an `AxiosHeaders`, a plain object or raw
 * header text; `false`, `null` and `undefined` mean "not sent".
 */
export function toWebHeaders(source: unknown): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(AxiosHeaders.from(source as AxiosHeaders).toJSON())) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, String(item));
  }
  return headers;
}

/**
 * The `AxiosHeaders` for one leg: exactly `leg`'s headers, plus the `false`
 * markers of the caller's config (axios's way of saying "do not send this
 * header", e.g. `User-Agent: false`), which web `Headers` cannot carry.
 * `original` is the config's headers, an `AxiosHeaders` by the time any adapter runs.
 */
export function toAxiosHeaders(leg: Headers, original: AxiosHeaders): AxiosHeaders {
  const headers = new AxiosHeaders();
  for (const [name, value] of Object.entries(original)) {
    if (value === false && !leg.has(name)) headers.set(name, false);
  }
  for (const [name, value] of leg) headers.set(name, value);
  return headers;
}
