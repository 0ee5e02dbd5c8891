import { type AuthBase, AuthError, checkOptions, MAX_LEGS_RULE, type OptionRule } from '@authbelt/core';
import type { AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import { authAdapter, originalAdapter, type WithAuthOptions } from './auth-adapter.js';

// The interceptor each instance carries, so ejectAuth can remove it and a
// second withAuth replaces the first instead of stacking on it.
const installed = new WeakMap<object, number>();

const OPTION_RULES: Readonly<Record<keyof WithAuthOptions, OptionRule>> = {
  redirects: [(value) => value === 'authbelt' || value === 'client', "'authbelt' or 'client'"],
  maxLegs: MAX_LEGS_RULE,
};

/**
 * Make every request of an axios instance (or of the default `axios`) go
 * through `auth`, and return the instance.
 *
 * It installs one request interceptor, which swaps the request's adapter for
 * one that runs the scheme's exchange (401/407, Digest, redirects) through
 * `@authbelt/core`, sending each leg with the adapter the request would have
 * used (`http`, `fetch`, `xhr` or your own). Your `validateStatus` is applied
 * to the final response only, so a wrong password rejects with the usual
 * `AxiosError` carrying the server's 401. Calling `withAuth` again on the same
 * instance replaces the scheme; {@link ejectAuth} removes it. An unknown
 * option or an invalid value (`maxLegs: 0`) throws `AuthError`
 * `ERR_INVALID_ARGUMENT` naming the option.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { withAuth } from '@authbelt/adapter-axios';
 * import { BasicAuth } from '@authbelt/basic';
 *
 * const api = withAuth(axios.create({ baseURL: 'https://example.org' }), new BasicAuth('Aladdin', 'open sesame'));
 * // const { data } = await api.get('/private');
 * ```
 */
export function withAuth<T extends AxiosInstance>(instance: T, auth: AuthBase, options: WithAuthOptions = {}): T {
  if (
    (typeof instance !== 'function' && typeof instance !== 'object') ||
    instance === null ||
    typeof instance.interceptors?.request?.use !== 'function'
  ) {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'withAuth needs an axios instance as its first argument');
  }
  if (auth === null || typeof auth !== 'object' || typeof auth.flow !== 'function') {
    throw new AuthError('ERR_INVALID_ARGUMENT', 'withAuth needs an AuthBase as its second argument');
  }
  // Bad options fail here, not on the first request (plain JavaScript callers have no types to catch them).
  checkOptions('withAuth', options, OPTION_RULES);
  // Checked once: a later change to the caller's object does not reach the requests.
  const settings: WithAuthOptions = { ...options };
  ejectAuth(instance);
  const id = instance.interceptors.request.use(
    (config: InternalAxiosRequestConfig): InternalAxiosRequestConfig => {
      config.adapter = authAdapter(auth, originalAdapter(config.adapter), settings);
      return config;
    },
    null,
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a synchronous interceptor only spares axios the promise ticks of an async chain
    { synchronous: true },
  );
  installed.set(instance, id);
  return instance;
}

/**
 * Remove what {@link withAuth} installed on `instance`. Returns `false` when
 * there was nothing to remove. Requests already under way finish with the
 * scheme they started with.
 *
 * @example
 * ```ts
 * import axios from 'axios';
 * import { ejectAuth, withAuth } from '@authbelt/adapter-axios';
 * import { BasicAuth } from '@authbelt/basic';
 *
 * const api = withAuth(axios.create(), new BasicAuth('Aladdin', 'open sesame'));
 * ejectAuth(api); // true: requests from now on carry no credentials
 * ```
 */
export function ejectAuth(instance: AxiosInstance): boolean {
  const id = installed.get(instance);
  if (id === undefined) return false;
  instance.interceptors.request.eject(id);
  installed.delete(instance);
  return true;
}
