import { AuthError, type AuthErrorCode, isAuthError } from '@authbelt/core';
import { type HeldToken, holdToken, type TokenProvider } from './token.js';

/** Provider errors that reach the caller as they are, not wrapped in `ERR_TOKEN_PROVIDER`. */
const PASSED_THROUGH: ReadonlySet<AuthErrorCode> = new Set<AuthErrorCode>([
  'ERR_PROVIDER_REENTRY',
  'ERR_INVALID_GRANT',
  'ERR_OAUTH_ERROR',
  'ERR_OAUTH_RESPONSE',
]);

/** The part of Node's AsyncLocalStorage the lifecycle uses. */
interface ContextStore {
  run<R>(store: object, callback: () => R): R;
  getStore(): unknown;
}

// Where either is missing (browsers, older runtimes), reading it throws, and asyncContext's catch leaves null.
type Builtins = { process: { getBuiltinModule: (id: string) => { AsyncLocalStorage: new () => ContextStore } } };

let contextStore: ContextStore | null | undefined;

/**
 * AsyncLocalStorage where the runtime has one (Node ≥ 20.16, Deno, Bun,
 * workers with Node compatibility), fetched at run time through
 * `process.getBuiltinModule` so no `node:` import reaches a browser bundle.
 * Null in browsers.
 */
function asyncContext(): ContextStore | null {
  if (contextStore === undefined) {
    contextStore = null;
    try {
      const hooks = (globalThis as unknown as Builtins).process.getBuiltinModule('node:async_hooks');
      contextStore = new hooks.AsyncLocalStorage();
    } catch {
      // No async context on this runtime: the synchronous check below still applies.
    }
  }
  return contextStore;
}

/**
 * The token lifecycle every provider gets: one provider call shared by all
 * requests that need a token, renewal on use shortly before a known expiry
 * (no timer: nothing keeps a process alive), and one shared renewal when the
 * server rejects the current token. Exported for token schemes built on it
 * (`@authbelt/oauth2`); `BearerAuth` is the usual way in.
 *
 * @example
 * ```ts
 * import { TokenLifecycle } from '@authbelt/bearer';
 *
 * const lifecycle = new TokenLifecycle(async () => ({ accessToken: 'mF_9.B5f-4.1JqM', expiresIn: 60 }), 30_000);
 * const held = await lifecycle.token(); // one provider call, shared by concurrent callers
 * const next = await lifecycle.replace(held); // the server rejected `held`
 * ```
 */
export class TokenLifecycle {
  readonly #provider: TokenProvider | undefined;
  readonly #renewBefore: number;
  #current: HeldToken | undefined;
  #flight: Promise<HeldToken> | undefined;
  // Non-zero while the provider's synchronous part runs: what any runtime can tell about re-entry.
  #inProviderCall = 0;
  // The AsyncLocalStorage value that marks everything the provider does, where there is one.
  readonly #marker: object = {};

  /** `renewBefore` in milliseconds. */
  constructor(source: string | TokenProvider, renewBefore: number) {
    this.#renewBefore = renewBefore;
    if (typeof source === 'function') {
      this.#provider = source;
    } else {
      this.#current = holdToken(source, renewBefore);
      // A static token is sent until the caller replaces the scheme, whatever its `exp` says.
      this.#current = { value: this.#current.value, renewAt: undefined };
    }
  }

  /** Whether a rejected token can be replaced (a provider was given, not a string). */
  get renewable(): boolean {
    return this.#provider !== undefined;
  }

  /**
   * Whether the caller runs inside this lifecycle's provider call: a request
   * sent from there would wait for the token the provider is fetching. Exact
   * where the runtime has AsyncLocalStorage; elsewhere only requests begun in
   * the provider's synchronous part (before its first `await`) are caught.
   */
  insideProvider(): boolean {
    return this.#inProviderCall > 0 || (this.#flight !== undefined && asyncContext()?.getStore() === this.#marker);
  }

  /**
   * The token a request through the scheme carries ({@link TokenLifecycle.token}),
   * refused with `ERR_PROVIDER_REENTRY` and `message` when the request comes
   * from inside the provider's own call: it would wait for itself.
   */
  tokenForRequest(message: string): HeldToken | Promise<HeldToken> {
    if (this.insideProvider()) throw new AuthError('ERR_PROVIDER_REENTRY', message);
    return this.token();
  }

  /**
   * Drop the current token: the next request asks the provider (after a
   * sign-in replaced the tokens, or a revocation).
   */
  forget(): void {
    this.#current = undefined;
  }

  /** The token to send now: the current one while fresh, else the shared renewal. */
  token(): HeldToken | Promise<HeldToken> {
    const current = this.#current;
    if (current !== undefined && (current.renewAt === undefined || Date.now() < current.renewAt)) return current;
    return this.#renew();
  }

  /**
   * The server rejected `sent`. If another request has renewed the token
   * since, the current one; else one renewal shared by every request that
   * was refused the same token (RFC 6750 §3.1 invalid_token: it is never
   * sent again).
   */
  replace(sent: HeldToken): HeldToken | Promise<HeldToken> {
    if (this.#current !== undefined && this.#current !== sent) return this.token();
    // The current token is the refused one, or there is none.
    this.#current = undefined;
    return this.#renew();
  }

  #renew(): Promise<HeldToken> {
    if (this.#flight === undefined) {
      const flight = this.#call();
      this.#flight = flight;
      // Settled, the flight is forgotten: after a failure the next request tries again. (No other
      // flight can have begun meanwhile: one begins only when none is under way.)
      const forget = () => {
        this.#flight = undefined;
      };
      flight.then(forget, forget);
    }
    return this.#flight;
  }

  async #call(): Promise<HeldToken> {
    const provider = this.#provider as TokenProvider;
    const context = asyncContext();
    let pending: unknown;
    this.#inProviderCall++;
    try {
      pending = context === null ? provider() : context.run(this.#marker, provider);
    } catch (error) {
      pending = Promise.reject(error);
    } finally {
      this.#inProviderCall--;
    }
    let provided: unknown;
    try {
      provided = await pending;
    } catch (error) {
      // The provider sent a request through this scheme: that code is the clearer one.
      // So are an OAuth 2.0 provider's own codes ("sign in again" must not read as a generic failure).
      if (isAuthError(error) && PASSED_THROUGH.has(error.code)) throw error;
      throw new AuthError('ERR_TOKEN_PROVIDER', 'The token provider failed', { cause: error });
    }
    const held = holdToken(provided, this.#renewBefore);
    this.#current = held;
    return held;
  }
}
