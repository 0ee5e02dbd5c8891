import { AuthError } from '@authbelt/core';

/** Where a strategy applies: one origin, optionally below a path prefix. */
export interface ScopeKey {
  /** `scheme://host[:port]` with the default port dropped and the host lower-cased (as URL gives it). */
  origin: string;
  /** Path prefix without a trailing `/`; `''` for the whole origin. */
  prefix: string;
  /** The key as the caller wrote it, for messages and removal. */
  spelling: string;
}

/**
 * Parse a strategy key. Matching is by scheme, host and effective port, so a
 * key must name its scheme: `api.github.com` could mean either, and guessing
 * would send credentials somewhere unintended.
 */
export function parseScopeKey(key: string): ScopeKey {
  if (typeof key !== 'string' || key.trim() === '') {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'An AuthHandler key must be a non-empty URL string');
  }
  const trimmed = key.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const host = trimmed.replace(/^\/+/, '');
    throw new AuthError(
      'ERR_INVALID_ARGUMENT',
      `AuthHandler key ${JSON.stringify(key)} has no scheme: write "https://${host}" or "http://${host}"`,
    );
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch (cause) {
    throw new AuthError('ERR_INVALID_ARGUMENT', `AuthHandler key ${JSON.stringify(key)} is not a valid URL`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AuthError('ERR_INVALID_ARGUMENT', `AuthHandler key ${JSON.stringify(key)} must be an http or https URL`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new AuthError(
      'ERR_INVALID_ARGUMENT',
      'AuthHandler keys must not carry credentials; give them as the strategy',
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new AuthError(
      'ERR_INVALID_ARGUMENT',
      `AuthHandler key ${JSON.stringify(key)} must not have a query or fragment`,
    );
  }
  return { origin: url.origin, prefix: url.pathname.replace(/\/+$/, ''), spelling: key };
}

/** Whether `path` lies under `prefix` on whole segments: `/v2` covers `/v2` and `/v2/x`, not `/v20`. */
export function coversPath(prefix: string, path: string): boolean {
  // The whole origin ('') needs no case of its own: an http(s) path always starts with '/'.
  return path === prefix || path.startsWith(`${prefix}/`);
}
