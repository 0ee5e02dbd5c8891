import type { AuthBase, OptionRule } from '@authbelt/core';
import { authFetch, type FetchLike, type KyAuthOptions } from './auth-fetch.js';
import { checkArguments, KY_AUTH_RULES } from './with-auth.js';

/**
 * Options for {@link authHooks}.
 *
 * @example
 * ```ts
 * import type { AuthHooksOptions } from '@authbelt/adapter-ky';
 * const options: AuthHooksOptions = { fetch: globalThis.fetch };
 * ```
 */
export interface AuthHooksOptions extends KyAuthOptions {
  /**
   * The fetch each leg is sent with when the exchange runs inside the
   * `beforeRequest` hook (ky 1, or a ky 2 setup without the `init` hook).
   * Default: the `fetch` option ky 1 hands hooks, else the global fetch.
   */
  fetch?: FetchLike | undefined;
}

const HOOKS_RULES: Readonly<Record<keyof AuthHooksOptions, OptionRule>> = {
  ...KY_AUTH_RULES,
  fetch: [(value) => typeof value === 'function', 'a function'],
};

/**
 * What ky 2 hands a `beforeRequest` hook; ky 1 hands the `Request` itself, then its options.
 *
 * @example
 * ```ts
 * import type { AuthHookState } from '@authbelt/adapter-ky';
 * const state: AuthHookState = new Request('https://example.org/');
 * ```
 */
export type AuthHookState =
  | Request
  | {
      /** The request ky is about to send. */
      request: Request;
      /** ky's options for the request. */
      options: {
        /** ky's per-request context (ky 2). */
        context?: object | undefined;
      };
    };

/**
 * The hooks {@link authHooks} returns, to merge into your own.
 *
 * @example
 * ```ts
 * import { authHooks, type AuthHooks } from '@authbelt/adapter-ky';
 * import { BasicAuth } from '@authbelt/basic';
 * const hooks: AuthHooks = authHooks(new BasicAuth('Aladdin', 'open sesame'));
 * ```
 */
export interface AuthHooks {
  /** ky 2: puts the exchange in ky's `fetch` slot, so ky's timeout and retries cover it. ky 1 ignores it. */
  init: Array<(options: { fetch?: FetchLike | undefined; context?: Record<string, unknown> | undefined }) => void>;
  /** Runs the whole exchange and returns its final response, when `init` did not already take it over. */
  beforeRequest: Array<(state: AuthHookState, options?: object) => Promise<Response | undefined>>;
}

/**
 * ky hooks that send every request through `auth`, for instances you
 * compose yourself. With ky 2 the `init` hook installs the same `fetch` as
 * {@link withAuth}. With ky 1, which has no `init` hook, `beforeRequest` runs
 * the exchange and hands ky its final response; ky's `timeout` does not
 * cover an exchange run there, so prefer `withAuth` when you can.
 *
 * @example
 * ```ts
 * import ky from 'ky';
 * import { authHooks } from '@authbelt/adapter-ky';
 * import { BasicAuth } from '@authbelt/basic';
 *
 * const hooks = authHooks(new BasicAuth('Aladdin', 'open sesame'));
 * const api = ky.create({ hooks: { init: hooks.init, beforeRequest: [...hooks.beforeRequest] } });
 * ```
 */
export function authHooks(auth: AuthBase, options: AuthHooksOptions = {}): AuthHooks {
  checkArguments('authHooks', auth, options, HOOKS_RULES);
  // Marks the requests whose fetch the init hook already wrapped.
  const installed: unique symbol = Symbol('authbelt.ky.installed') as never;
  return {
    init: [
      (kyOptions) => {
        kyOptions.fetch = authFetch(auth, kyOptions.fetch ?? options.fetch, options);
        kyOptions.context = { ...kyOptions.context, [installed]: true };
      },
    ],
    beforeRequest: [
      async (state, legacyOptions) => {
        if (state instanceof Request) {
          // ky 1: (request, options, state).
          // Stryker disable next-line OptionalChaining: ky 1 always hands hooks its options after the Request
          const kyFetch = (legacyOptions as { fetch?: FetchLike } | undefined)?.fetch;
          return authFetch(auth, options.fetch ?? kyFetch, options)(state);
        }
        const context = state.options.context as Record<symbol, unknown> | undefined;
        // Stryker disable next-line OptionalChaining: ky 2 always hands hooks a context object (`options.context ?? {}`)
        if (context?.[installed] === true) return undefined;
        return authFetch(auth, options.fetch, options)(state.request);
      },
    ],
  };
}
