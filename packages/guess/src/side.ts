import { BasicAuth, ProxyBasicAuth } from '@authbelt/basic';
import {
  type AuthBase,
  AuthError,
  type AuthFlow,
  type AuthRequest,
  type AuthResponse,
  isLoopbackHost,
  parseChallenges,
} from '@authbelt/core';
import { DigestAuth, type DigestAuthOptions } from '@authbelt/digest';
import { ProxyDigestAuth } from '@authbelt/proxy-digest';

type Step = IteratorResult<AuthRequest, void>;

/** What a side is built with: the Digest minimum, and whether Basic may go over plain http. */
export interface SideOptions {
  readonly allowInsecureBasic: boolean;
  readonly digest: Pick<DigestAuthOptions, 'algorithms' | 'requireQop'>;
}

// How many protection spaces a guesser remembers before forgetting the oldest.
const REMEMBERED = 256;

/**
 * One side of a guessed exchange: the origin (401, `WWW-Authenticate`) or the
 * proxy (407, `Proxy-Authenticate`). It remembers the scheme it picked per
 * protection space and drives that scheme's own flow.
 *
 * On the origin a space is a URL prefix: Basic's is the directory of the
 * challenged URL (RFC 7617 §2.2), Digest's the whole origin (RFC 7616 §3.3;
 * DigestAuth narrows it by `domain` itself). The closest space wins, so Basic
 * on `/basic/` and Digest on `/digest/` of one origin are each answered up
 * front. The proxy side keeps one space per proxy.
 */
export class GuessSide {
  readonly #proxy: boolean;
  readonly #status: number;
  readonly #challengeHeader: string;
  readonly #credentialHeader: string;
  readonly #basic: AuthBase;
  readonly #digest: AuthBase;
  readonly #allowInsecureBasic: boolean;
  // Scheme by space key (origin + path prefix, or the proxy), least recently used first.
  // Looked up by undefined too (a request in no remembered space), under which nothing is stored.
  readonly #chosen = new Map<string | undefined, AuthBase>();

  constructor(side: 'origin' | 'proxy', username: string, password: string, options: SideOptions) {
    const proxy = side === 'proxy';
    this.#proxy = proxy;
    this.#status = proxy ? 407 : 401;
    this.#challengeHeader = proxy ? 'proxy-authenticate' : 'www-authenticate';
    this.#credentialHeader = proxy ? 'proxy-authorization' : 'authorization';
    this.#basic = proxy ? new ProxyBasicAuth(username, password) : new BasicAuth(username, password);
    this.#digest = proxy
      ? new ProxyDigestAuth(username, password, options.digest)
      : new DigestAuth(username, password, options.digest);
    this.#allowInsecureBasic = options.allowInsecureBasic || proxy;
  }

  /** Whether this side takes part in `request`: the proxy side only when it goes through a proxy the adapter knows. */
  serves(request: AuthRequest): boolean {
    return !this.#proxy || request.proxy !== undefined;
  }

  /** Whether `response` is this side's challenge. */
  owns(response: AuthResponse): boolean {
    return response.status === this.#status;
  }

  /** Start an exchange: the scheme remembered for the closest space, if any, answers preemptively. */
  begin(request: AuthRequest): SideExchange {
    const key = this.#lookup(request);
    const remembered = this.#chosen.get(key);
    if (remembered !== undefined) {
      // Most recently used last.
      this.#chosen.delete(key);
      this.#chosen.set(key, remembered);
    }
    return new SideExchange(this, request, key, remembered);
  }

  /** @internal */
  credentialHeader(): string {
    return this.#credentialHeader;
  }

  /** @internal Pick the strongest scheme offered: Digest whenever offered (it ranks its own algorithms), else Basic. */
  pick(request: AuthRequest, response: AuthResponse): AuthBase | undefined {
    const header = response.headers.get(this.#challengeHeader);
    if (header === null) return undefined;
    const schemes = new Set(parseChallenges(header).map((challenge) => challenge.scheme));
    // Never Basic when Digest is offered: a downgrade would hand over the password.
    const scheme = schemes.has('digest') ? this.#digest : schemes.has('basic') ? this.#basic : undefined;
    if (scheme === this.#basic && !this.#allowInsecureBasic) {
      const url = new URL(request.url);
      if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        throw new AuthError(
          'ERR_INSECURE_TRANSPORT',
          `Refusing to send Basic credentials over plain http to ${url.host}; use https or { allowInsecureBasic: true }`,
        );
      }
    }
    return scheme;
  }

  /** @internal Remember `scheme` for the space the challenge to `request` opened. */
  remember(request: AuthRequest, scheme: AuthBase): string {
    const key = this.#spaceKey(request, scheme);
    this.#chosen.delete(key);
    this.#chosen.set(key, scheme);
    // The oldest goes: the map holds REMEMBERED + 1 entries here.
    if (this.#chosen.size > REMEMBERED) this.#chosen.delete(this.#chosen.keys().next().value);
    return key;
  }

  /** @internal Forget a space whose remembered scheme no longer works: the next request there guesses again. */
  forget(key: string | undefined): void {
    this.#chosen.delete(key);
  }

  // The proxy; or the origin and the directory the challenge covers.
  #spaceKey(request: AuthRequest, scheme: AuthBase): string {
    // Stryker disable next-line StringLiteral: unreachable stand-in: the proxy side serves only requests with a proxy
    if (this.#proxy) return request.proxy ?? '';
    const url = new URL(request.url);
    if (scheme !== this.#basic) return `${url.origin}/`;
    return `${url.origin}${url.pathname.slice(0, url.pathname.lastIndexOf('/') + 1)}`;
  }

  // The key of the closest remembered space that covers `request`: its
  // directory prefixes, longest first (a few Map look-ups, however many spaces).
  #lookup(request: AuthRequest): string | undefined {
    if (this.#proxy) return request.proxy;
    const url = new URL(request.url);
    const path = url.pathname;
    // Stryker disable next-line StringLiteral: keys end in '/', so a walk that also stops between slashes finds the same key
    for (let end = path.lastIndexOf('/'); end >= 0; end = path.lastIndexOf('/', end - 1)) {
      const key = `${url.origin}${path.slice(0, end + 1)}`;
      if (this.#chosen.has(key)) return key;
      if (end === 0) break;
    }
    return undefined;
  }
}

/** One side's part in one exchange: the scheme's flow, and whether it has answered already. */
export class SideExchange {
  readonly #side: GuessSide;
  readonly #request: AuthRequest;
  // The space the remembered scheme came from.
  readonly #rememberedKey: string | undefined;
  #flow: AuthFlow | undefined;
  #scheme: AuthBase | undefined;
  #guessed = false;

  constructor(side: GuessSide, request: AuthRequest, key: string | undefined, remembered: AuthBase | undefined) {
    this.#side = side;
    this.#request = request;
    this.#rememberedKey = key;
    this.#scheme = remembered;
  }

  /** Let a remembered scheme add its credentials before the first send. */
  async start(): Promise<AuthRequest> {
    if (this.#scheme === undefined) return this.#request;
    this.#flow = this.#scheme.flow(this.#request);
    const step = await this.#flow.next();
    // Stryker disable next-line LogicalOperator: a scheme yields the request it was given; the stand-in (a proxy Digest that sends nothing) is overwritten by the origin side's
    return this.#settle(step) ?? this.#request;
  }

  /** This side's challenge arrived: the next request to send, or undefined to give up and return it. */
  async answer(response: AuthResponse): Promise<AuthRequest | undefined> {
    if (this.#flow !== undefined) {
      const next = this.#settle(await this.#flow.next(response));
      if (next !== undefined) return next;
    }
    if (this.#guessed) return undefined;
    this.#guessed = true;
    const scheme = this.#side.pick(this.#request, response);
    if (scheme === undefined || scheme === this.#scheme) {
      // The remembered scheme was refused and nothing else is offered: forget
      // its space, so the next request there guesses again.
      // Only a remembered scheme's: through a proxy with nothing remembered, its space may meanwhile hold another request's answer.
      if (this.#scheme !== undefined) this.#side.forget(this.#rememberedKey);
      return undefined;
    }
    // Another scheme is asked for here: it gets a space of its own. The
    // remembered one keeps its space only when the new one is closer (Basic on
    // /basic/ inside an origin answered with Digest); otherwise it would be
    // tried first and refused on every request.
    this.#scheme = scheme;
    const key = this.#side.remember(this.#request, scheme);
    // Both keys are prefixes of this request's path: a shorter one is another, wider space.
    if (this.#rememberedKey !== undefined && key.length < this.#rememberedKey.length) {
      this.#side.forget(this.#rememberedKey);
    }
    // The refused header goes (a remembered scheme's, or the caller's own): the
    // new scheme starts from a clean request, and one waiting for the challenge
    // is not taken for one that answered.
    this.#request.headers.delete(this.#side.credentialHeader());
    this.#flow = scheme.flow(this.#request);
    let next = this.#settle(await this.#flow.next());
    // A scheme that sent no credentials is waiting for a challenge: it is the one we hold.
    if (next !== undefined && !next.headers.has(this.#side.credentialHeader())) {
      next = this.#settle(await this.#flow.next(response));
    }
    return next;
  }

  /**
   * Another side's challenge is being answered, so this side's request goes
   * out again: the answer it gave must not be sent twice (a Digest nc is used
   * once), so let the scheme read the response that accepted it, then answer
   * afresh.
   */
  async renew(response: AuthResponse): Promise<void> {
    if (this.#scheme === undefined) return;
    await this.finish(response);
    this.#flow = this.#scheme.flow(this.#request);
    await this.#flow.next();
  }

  /** The final response: a scheme still listening (Digest's Authentication-Info) gets to check it. */
  async finish(response: AuthResponse): Promise<void> {
    if (this.#flow === undefined) return;
    const flow = this.#flow;
    this.#flow = undefined;
    const step = await flow.next(response);
    // Stryker disable next-line BooleanLiteral,ConditionalExpression: no scheme a side drives has a finally block: return() runs none of its code
    if (!step.done) await flow.return(undefined);
  }

  /** Cut short: let the scheme's flow clean up. */
  // Stryker disable next-line BlockStatement: no scheme a side drives has a finally block: return() runs none of its code
  async close(): Promise<void> {
    await this.#flow?.return(undefined);
  }

  // The request a step yields; a finished flow returns nothing (its value is
  // undefined, and its next() is done again, so it needs no clearing).
  #settle(step: Step): AuthRequest | undefined {
    return step.value as AuthRequest | undefined;
  }
}
