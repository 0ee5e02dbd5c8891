import { AuthBase, type AuthFlow, type AuthRequest, checkOptions, type OptionRule } from '@authbelt/core';
import { DigestAuth, type DigestAuthOptions } from '@authbelt/digest';
import { GuessSide, type SideExchange, type SideOptions } from './side.js';

/** Options for {@link GuessAuth} and {@link GuessProxyAuth}. */
export interface GuessAuthOptions {
  /**
   * Send Basic credentials over plain http to a host that is not loopback.
   * Default `false`: a guessing client can be talked into Basic by anyone on
   * the path (offer only Basic, read the password), so Basic is sent only over
   * https or to 127.0.0.0/8, `::1` and `localhost`. Refused: the call rejects
   * with `ERR_INSECURE_TRANSPORT`.
   */
  allowInsecureBasic?: boolean | undefined;
  /**
   * The Digest algorithms to answer (`DigestAuth`'s `algorithms`), e.g.
   * `['SHA-256', 'SHA-512-256']` to refuse MD5. Default: all.
   */
  algorithms?: DigestAuthOptions['algorithms'];
  /**
   * Refuse Digest challenges without `qop` (RFC 2069), as `DigestAuth`'s
   * `requireQop`. Default `true`.
   */
  requireQop?: boolean | undefined;
}

/** Run an exchange over the sides, routing each challenge to the side that owns it. */
async function* guessFlow(all: readonly GuessSide[], request: AuthRequest): AuthFlow {
  // The proxy side takes part only through a proxy the adapter knows.
  const sides = all.filter((side) => side.serves(request));
  const exchanges: SideExchange[] = sides.map((side) => side.begin(request));
  // Stryker disable next-line BooleanLiteral: no scheme a side drives has a finally block: return() runs none of its code
  let finished = false;
  try {
    let outgoing = request;
    for (const exchange of exchanges) outgoing = await exchange.start();
    for (;;) {
      const response = yield outgoing;
      const index = sides.findIndex((side) => side.owns(response));
      const owner = exchanges[index];
      if (owner === undefined) {
        // Not a challenge: the exchange is over; let the schemes read what they need.
        // Stryker disable next-line BooleanLiteral: finish() leaves no flow for close() to return
        finished = true;
        for (const exchange of exchanges) await exchange.finish(response);
        return;
      }
      const next = await owner.answer(response);
      if (next === undefined) return;
      for (const exchange of exchanges) if (exchange !== owner) await exchange.renew(response);
      // Stryker disable BlockStatement: the finally block below: no scheme a side drives has a finally block, so return() runs none of its code
      outgoing = next;
    }
  } finally {
    // Stryker restore BlockStatement
    // Stryker disable next-line BooleanLiteral,ConditionalExpression: no scheme a side drives has a finally block: return() runs none of its code
    if (!finished) for (const exchange of exchanges) await exchange.close();
  }
}

function readOptions(owner: string, options: GuessAuthOptions): SideOptions {
  const { algorithms, requireQop } = DigestAuth.optionRules;
  checkOptions(owner, options, {
    allowInsecureBasic: [(value) => typeof value === 'boolean', 'a boolean'],
    algorithms: algorithms as OptionRule,
    requireQop: requireQop as OptionRule,
  });
  // DigestAuth reads an undefined option as an absent one.
  const digest = { algorithms: options.algorithms, requireQop: options.requireQop };
  return { allowInsecureBasic: options.allowInsecureBasic === true, digest };
}

/**
 * Sends nothing until the server challenges, then answers with the strongest
 * scheme it offers (Digest, which ranks SHA-512-256 > SHA-256 > MD5, over
 * Basic; never Basic when Digest is offered), and remembers the choice per
 * origin so later requests there are answered up front.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { GuessAuth } from '@authbelt/guess';
 *
 * const authFetch = withAuth(fetch, new GuessAuth('user', 'passwd'));
 * // await authFetch('https://httpbin.org/digest-auth/auth/user/passwd');
 * ```
 */
export class GuessAuth extends AuthBase {
  readonly #sides: readonly GuessSide[];

  constructor(username: string, password: string, options: GuessAuthOptions = {}) {
    super();
    const sideOptions = readOptions('GuessAuth', options);
    // Stryker disable next-line StringLiteral: a side is the proxy's by 'proxy' alone; the label 'origin' is for the reader
    this.#sides = [new GuessSide('origin', username, password, sideOptions)];
  }

  override flow(request: AuthRequest): AuthFlow {
    return guessFlow(this.#sides, request);
  }
}

/**
 * {@link GuessAuth} for both the proxy (407) and the origin (401), each with
 * its own credentials, in whichever order they challenge.
 *
 * @example
 * ```ts
 * import { GuessProxyAuth } from '@authbelt/guess';
 * const auth = new GuessProxyAuth('user', 'passwd', 'proxyuser', 'proxypass');
 * ```
 */
export class GuessProxyAuth extends AuthBase {
  readonly #sides: readonly GuessSide[];

  constructor(
    username: string,
    password: string,
    proxyUsername: string,
    proxyPassword: string,
    options: GuessAuthOptions = {},
  ) {
    super();
    const sideOptions = readOptions('GuessProxyAuth', options);
    this.#sides = [
      new GuessSide('proxy', proxyUsername, proxyPassword, sideOptions),
      // Stryker disable next-line StringLiteral: a side is the proxy's by 'proxy' alone; the label 'origin' is for the reader
      new GuessSide('origin', username, password, sideOptions),
    ];
  }

  override flow(request: AuthRequest): AuthFlow {
    return guessFlow(this.#sides, request);
  }
}
