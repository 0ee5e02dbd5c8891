import { type AuthBase, AuthError, checkOptions, MAX_LEGS_RULE, type OptionRule } from '@authbelt/core';
import { authFetch, type FetchLike, type KyAuthOptions } from './auth-fetch.js';

/**
 * The part of a ky instance (ky 1.14+ or 2.x) that `withAuth` uses.
 *
 * @example
 * ```ts
 * import ky, { type KyInstance } from 'ky';
 * import type { ExtendableKy } from '@authbelt/adapter-ky';
 * const instance: ExtendableKy<KyInstance> = ky;
 * ```
 */
export interface ExtendableKy<T> {
  /** ky's `extend` with a function of the parent's defaults (ky 1.2 and later). */
  extend(defaults: (parent: { fetch?: FetchLike | undefined }) => AuthDefaults): T;
}

/**
 * What `withAuth` adds to a ky instance's defaults.
 *
 * @example
 * ```ts
 * import type { AuthDefaults } from '@authbelt/adapter-ky';
 * const defaults: AuthDefaults = { fetch: (input, init) => fetch(input, init), hooks: { init: [] } };
 * ```
 */
export interface AuthDefaults {
  /** The parent's `fetch` (or the global one) wrapped so every request goes through the scheme. */
  fetch: FetchLike;
  /** An `init` hook (ky 2; ky 1 ignores it), typed loosely so ky 1's `Hooks` accepts it too. */
  hooks: object;
}

/** The options `withAuth` takes, for `checkOptions`. */
export const KY_AUTH_RULES: Readonly<Record<keyof KyAuthOptions, OptionRule>> = {
  redirects: [(value) => value === 'authbelt' || value === 'client', "'authbelt' or 'client'"],
  maxLegs: MAX_LEGS_RULE,
};

/** Refuse at once what is not a scheme, and an unknown option or an invalid value (`ERR_INVALID_ARGUMENT` naming it). */
export function checkArguments(
  owner: string,
  auth: AuthBase,
  options: unknown,
  rules: Readonly<Record<string, OptionRule>>,
): void {
  if (auth === null || typeof auth !== 'object' || typeof auth.flow !== 'function') {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'Pass an AuthBase (BasicAuth, DigestAuth, ...) as auth');
  }
  checkOptions(owner, options, rules);
}

/**
 * A ky instance whose every request goes through `auth`: `ky.extend()` with
 * a `fetch` that runs the scheme's exchange (401/407, Digest, redirects)
 * through `@authbelt/core`, over the instance's own `fetch` (or the global
 * one). Everything else is ky's: `prefix` / `prefixUrl`, `timeout` (over the
 * whole exchange), `retry`, hooks (they see the request as you made it and
 * the final response) and `throwHttpErrors` (a wrong password is an
 * `HTTPError` carrying the server's 401).
 *
 * @example
 * ```ts
 * import ky from 'ky';
 * import { withAuth } from '@authbelt/adapter-ky';
 * import { BasicAuth } from '@authbelt/basic';
 *
 * const api = withAuth(ky, new BasicAuth('Aladdin', 'open sesame'));
 * // const data = await api.get('https://example.org/private').json();
 * ```
 */
export function withAuth<T>(ky: ExtendableKy<T>, auth: AuthBase, options: KyAuthOptions = {}): T {
  if ((typeof ky !== 'function' && typeof ky !== 'object') || ky === null || typeof ky.extend !== 'function') {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'withAuth needs a ky instance as its first argument');
  }
  checkArguments('withAuth', auth, options, KY_AUTH_RULES);
  return ky.extend((parent) => {
    const fetch = authFetch(auth, parent.fetch, options);
    return {
      fetch,
      hooks: {
        // ky 2: a `fetch` given later (per request, or by a later extend) replaces ours; wrap it
        // too, so auth is never silently dropped. ky 1 has no init hook (see the README).
        init: [
          (kyOptions: { fetch?: FetchLike | undefined }): void => {
            if (kyOptions.fetch !== fetch) kyOptions.fetch = authFetch(auth, kyOptions.fetch, options);
          },
        ],
      },
    };
  });
}
