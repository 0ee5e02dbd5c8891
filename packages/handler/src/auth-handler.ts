import { BasicAuth } from '@authbelt/basic';
import { AuthBase, AuthError, type AuthFlow, type AuthRequest } from '@authbelt/core';
import { coversPath, parseScopeKey, type ScopeKey } from './scope-key.js';

/** A function that edits the request, as requests accepts a callable for `auth`. */
export type RequestEditor = (request: AuthRequest) => void | Promise<void>;

/** What a site gets: `[username, password]` (Basic), any `AuthBase`, or a function that edits the request. */
export type Strategy = readonly [username: string, password: string] | AuthBase | RequestEditor;

class EditorAuth extends AuthBase {
  readonly #edit: RequestEditor;
  constructor(edit: RequestEditor) {
    super();
    this.#edit = edit;
  }
  override authorize(request: AuthRequest): void | Promise<void> {
    return this.#edit(request);
  }
}

// What a value is, for a message: never the value itself (it may be a secret).
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
}

// A plain object (from any realm, or with a null prototype): its own keys are the table.
function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

// Checked by tag, not instanceof, so a Map from another realm counts.
const isMap = (value: unknown): value is ReadonlyMap<unknown, unknown> =>
  Object.prototype.toString.call(value) === '[object Map]';

/** The entries of what the constructor was given; anything else would give an empty handler, so it is refused. */
function entriesOf(strategies: unknown): Iterable<[unknown, unknown]> {
  if (isMap(strategies)) return strategies.entries();
  if (isPlainObject(strategies)) return Object.entries(strategies);
  throw new AuthError(
    'ERR_INVALID_ARGUMENT',
    `AuthHandler takes an object { 'https://host': strategy } or a Map of them, not ${kindOf(strategies)}`,
  );
}

function toAuth(strategy: Strategy, key: string): AuthBase {
  if (typeof strategy === 'function') {
    // A scheme's class where an instance belongs (`DigestAuth` for `new DigestAuth(...)`)
    // would fail only on the first request: say so now.
    if (typeof (strategy as { prototype?: { flow?: unknown } }).prototype?.flow === 'function') {
      throw new AuthError(
        'ERR_INVALID_ARGUMENT',
        `The strategy for ${JSON.stringify(key)} is a scheme's class: pass an instance (new ${strategy.name || 'Scheme'}(...))`,
      );
    }
    return new EditorAuth(strategy as RequestEditor);
  }
  if (Array.isArray(strategy)) {
    if (strategy.length !== 2 || typeof strategy[0] !== 'string' || typeof strategy[1] !== 'string') {
      throw new AuthError(
        'ERR_INVALID_ARGUMENT',
        `The strategy for ${JSON.stringify(key)} must be a [username, password] pair of two strings`,
      );
    }
    return new BasicAuth(strategy[0], strategy[1]);
  }
  // Duck-typed rather than instanceof, so a scheme built on another copy of core still counts.
  if (typeof strategy === 'object' && strategy !== null && typeof (strategy as AuthBase).flow === 'function') {
    return strategy as AuthBase;
  }
  throw new AuthError(
    'ERR_INVALID_ARGUMENT',
    `The strategy for ${JSON.stringify(key)} must be a [username, password] pair, an AuthBase or a function, not ${kindOf(strategy)}`,
  );
}

interface Entry {
  scope: ScopeKey;
  auth: AuthBase;
}

/**
 * Credentials per site, as requests_toolbelt's `AuthHandler`: each request
 * gets the strategy of its own origin (scheme, host, effective port, and the
 * longest matching path prefix) and nothing else. No match, no credentials.
 * Across a redirect chain each hop gets its own origin's strategy.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { AuthHandler } from '@authbelt/handler';
 *
 * const auth = new AuthHandler({
 *   'https://api.github.com': ['sigmavirus24', 'apassword'],
 *   'https://gitlab.com': (request) => request.headers.set('PRIVATE-TOKEN', 'token'),
 * });
 * const authFetch = withAuth(fetch, auth);
 * ```
 */
export class AuthHandler extends AuthBase {
  // Per origin, entries sorted longest prefix first.
  readonly #byOrigin = new Map<string, Entry[]>();

  /**
   * @param strategies Site → strategy, as an object or a `Map` (keys are
   *   URL strings with a scheme). Anything else, and any bad key or
   *   strategy, is `ERR_INVALID_ARGUMENT` here, never an empty handler.
   */
  constructor(strategies: Readonly<Record<string, Strategy>> | ReadonlyMap<string, Strategy> = {}) {
    super();
    for (const [key, strategy] of entriesOf(strategies)) this.addStrategy(key as string, strategy as Strategy);
  }

  /** Add or replace the strategy for a site. */
  addStrategy(key: string, strategy: Strategy): void {
    const scope = parseScopeKey(key);
    const auth = toAuth(strategy, key);
    const entries = (this.#byOrigin.get(scope.origin) ?? []).filter((entry) => entry.scope.prefix !== scope.prefix);
    entries.push({ scope, auth });
    entries.sort((a, b) => b.scope.prefix.length - a.scope.prefix.length);
    this.#byOrigin.set(scope.origin, entries);
  }

  /** Remove the strategy for a site; true if there was one. */
  removeStrategy(key: string): boolean {
    const scope = parseScopeKey(key);
    const entries = this.#byOrigin.get(scope.origin);
    if (entries === undefined) return false;
    const kept = entries.filter((entry) => entry.scope.prefix !== scope.prefix);
    // Stryker disable next-line ConditionalExpression: an empty list and no list match nothing alike; deleting only frees the entry
    if (kept.length === 0) this.#byOrigin.delete(scope.origin);
    else this.#byOrigin.set(scope.origin, kept);
    return kept.length !== entries.length;
  }

  /** The scheme that applies to `url`, or `undefined` when none does (then no credentials are sent). */
  getStrategyFor(url: string | URL): AuthBase | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    const entries = this.#byOrigin.get(parsed.origin);
    return entries?.find((entry) => coversPath(entry.scope.prefix, parsed.pathname))?.auth;
  }

  override async *flow(request: AuthRequest): AuthFlow {
    const strategy = this.getStrategyFor(request.url);
    if (strategy === undefined) {
      yield request;
      return;
    }
    yield* strategy.flow(request);
  }

  /** Each hop of a redirect chain is answered by its own origin's strategy, if it has one. */
  override appliesTo(url: URL, _initialUrl: URL): boolean {
    return this.getStrategyFor(url) !== undefined;
  }
}
