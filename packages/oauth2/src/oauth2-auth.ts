import { type BearerToken, isTokenRejection, SCOPE_RULES, TokenLifecycle, TokenScope } from '@authbelt/bearer';
import {
  AuthBase,
  AuthError,
  type AuthFlow,
  type AuthRequest,
  checkOptions,
  isLoopbackHost,
  type OptionRule,
} from '@authbelt/core';
import * as oauth from 'oauth4webapi';
import { DPoPProver, isNonceChallenge } from './dpop.js';
import { authServerError, oauthErrorOf } from './errors.js';
import type { OAuth2AuthOptions, OAuth2Tokens } from './options.js';

// RFC 6749 §5.1 sets no upper bound on expires_in; ten years is beyond any real access token.
const MAX_EXPIRES_IN = 10 * 365 * 24 * 3600;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const isString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;
const isUrl = (value: unknown): boolean => {
  try {
    const url = new URL(value as string);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    // Not a URL.
  }
  return false;
};
const isStrings = (value: unknown): boolean =>
  isString(value) || (Array.isArray(value) && value.length > 0 && value.every(isString));

const OPTIONS: Readonly<Record<string, OptionRule>> = {
  ...SCOPE_RULES,
  issuer: [isUrl, 'an http(s) URL'],
  tokenEndpoint: [isUrl, 'an http(s) URL'],
  authorizationEndpoint: [isUrl, 'an http(s) URL'],
  deviceAuthorizationEndpoint: [isUrl, 'an http(s) URL'],
  revocationEndpoint: [isUrl, 'an http(s) URL'],
  clientId: [isString, 'a non-empty string'],
  clientSecret: [isString, 'a non-empty string'],
  clientAuth: [
    (value) => value === 'client_secret_basic' || value === 'client_secret_post' || value === 'none',
    "'client_secret_basic', 'client_secret_post' or 'none'",
  ],
  scope: [isStrings, 'a string or an array of strings'],
  resource: [(value) => isStrings(value) && [value].flat().every(isUrl), 'an absolute URL or an array of them'],
  grant: [
    (value) => value === 'client_credentials' || value === 'refresh_token',
    "'client_credentials' or 'refresh_token'",
  ],
  tokens: [(value) => typeof value === 'object' && value !== null && !Array.isArray(value), 'an object'],
  onTokens: [(value) => typeof value === 'function', 'a function'],
  dpop: [
    (value) => value === true || (typeof value === 'object' && value !== null && 'privateKey' in value),
    'true or a CryptoKeyPair',
  ],
  fetch: [(value) => typeof value === 'function', 'a fetch function'],
  // Number.isFinite takes only a number (no coercion).
  renewBefore: [(value) => Number.isFinite(value) && (value as number) >= 0, 'seconds ≥ 0'],
};

/** A sign-in in progress: what {@link OAuth2Auth.exchangeCode} checks the callback against. Keep it server-side or in session storage. */
export interface AuthorizationRequest {
  /** The URL to send the user to (RFC 6749 §4.1.1), with `state` and the PKCE `code_challenge` (RFC 7636, S256). */
  readonly url: URL;
  /** The `redirect_uri` sent, which the code exchange repeats (RFC 6749 §4.1.3). */
  readonly redirectUri: string;
  /** The `state` sent; the callback must carry it back (RFC 6749 §10.12). */
  readonly state: string;
  /** The PKCE code verifier (RFC 7636 §4.1), sent only with the code. */
  readonly codeVerifier: string;
}

/** What {@link OAuth2Auth.deviceAuthorization} hands the caller to show the user (RFC 8628 §3.3). */
export interface DeviceUserCode {
  /** The code the user types. */
  readonly userCode: string;
  /** Where the user types it. */
  readonly verificationUri: string;
  /** The same with the code filled in, when the server gives one (for a QR code). */
  readonly verificationUriComplete: string | undefined;
  /** Seconds until the device code expires. */
  readonly expiresIn: number;
}

/** Options for {@link OAuth2Auth.deviceAuthorization}. */
export interface DeviceAuthorizationOptions {
  /** Called once with the user code and where to enter it. */
  onUserCode: (code: DeviceUserCode) => void | Promise<void>;
  /** Stops the polling; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Scope for this sign-in; default the scheme's `scope`. */
  scope?: string | readonly string[];
}

type Grant = 'client_credentials' | 'refresh_token';

function joined(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : [value].flat().join(' ');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      // Stryker disable next-line StringLiteral: a listener left behind would only clear a timer that has fired and reject a settled promise
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      // Stryker disable next-line OptionalChaining: onAbort listens only on a signal
      reject(signal?.reason);
    };
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener is removed when the wait ends
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * OAuth 2.0 access tokens (RFC 6749) obtained, sent and renewed for every
 * request to the API's origin. The protocol (requests, client
 * authentication, response checks, PKCE, DPoP proofs, discovery, device
 * flow, revocation) is oauth4webapi's; the lifecycle is `@authbelt/bearer`'s:
 * one grant shared by concurrent requests, renewal on use shortly before
 * expiry, one renewal and one resend on a 401 `invalid_token`.
 *
 * Grants: `client_credentials`, and `refresh_token` when `tokens.refreshToken`
 * is given or a sign-in ({@link OAuth2Auth.exchangeCode},
 * {@link OAuth2Auth.deviceAuthorization}) returned one. A rotated refresh
 * token replaces the old one before anything else can use it, and
 * `onTokens` is called to persist it. The token requests go through
 * `options.fetch` (default the global fetch), never through this scheme.
 *
 * @example
 * ```ts
 * import { withAuth } from '@authbelt/adapter-fetch';
 * import { OAuth2Auth } from '@authbelt/oauth2';
 *
 * const api = withAuth(
 *   fetch,
 *   new OAuth2Auth({
 *     tokenEndpoint: 'https://auth.example.org/oauth/token',
 *     clientId: 'reporting',
 *     clientSecret: process.env.CLIENT_SECRET ?? '',
 *     scope: 'reports:read',
 *   }),
 * );
 * const response = await api('https://api.example.org/reports');
 * ```
 */
export class OAuth2Auth extends AuthBase {
  readonly #lifecycle: TokenLifecycle;
  readonly #scope: TokenScope;
  readonly #client: oauth.Client;
  readonly #clientAuth: oauth.ClientAuth;
  readonly #options: OAuth2AuthOptions;
  readonly #fetch: typeof fetch;
  readonly #dpop: DPoPProver | undefined;
  readonly #insecure: boolean;
  #server: Promise<oauth.AuthorizationServer> | undefined;
  #grant: Grant;
  // The tokens held now; replaced whole, synchronously, so no two grants see a half-updated set.
  #tokens: OAuth2Tokens;
  // A given or signed-in access token is used once before any grant.
  #seeded: boolean;
  // The type of the access token held (RFC 6749 §7.1): 'bearer' or 'dpop'.
  // Stryker disable next-line StringLiteral: only ever compared with 'dpop'
  #tokenType = 'bearer';
  // Counts sign-ins and revocations: a grant begun before one answers for tokens no longer held.
  #generation = 0;

  constructor(options: OAuth2AuthOptions) {
    super();
    checkOptions('OAuth2Auth', options, OPTIONS);
    if (options === undefined || options.clientId === undefined) {
      throw new AuthError('ERR_INVALID_ARGUMENT', 'OAuth2Auth needs a clientId');
    }
    if ((options.issuer === undefined) === (options.tokenEndpoint === undefined)) {
      throw new AuthError(
        'ERR_INVALID_ARGUMENT',
        'OAuth2Auth needs an issuer (discovery) or a tokenEndpoint, not both',
      );
    }
    const clientAuth = options.clientAuth ?? 'client_secret_basic';
    if (clientAuth !== 'none' && options.clientSecret === undefined) {
      throw new AuthError(
        'ERR_INVALID_ARGUMENT',
        `OAuth2Auth clientAuth ${clientAuth} needs a clientSecret; use 'none' for a public client`,
      );
    }
    const tokens = options.tokens ?? {};
    checkOptions('OAuth2Auth tokens', tokens, {
      accessToken: [isString, 'a non-empty string'],
      refreshToken: [isString, 'a non-empty string'],
      expiresAt: [(value) => value instanceof Date || Number.isFinite(value), 'a Date or milliseconds'],
      tokenType: [isString, 'a string'],
      scope: [(value) => typeof value === 'string', 'a string'],
    });
    if (options.grant === 'refresh_token' && tokens.refreshToken === undefined) {
      throw new AuthError('ERR_INVALID_ARGUMENT', "OAuth2Auth grant 'refresh_token' needs tokens.refreshToken");
    }
    this.#options = options;
    this.#scope = new TokenScope(options, 'an OAuth 2.0 access token');
    this.#insecure = this.#checkTransport([
      options.issuer,
      options.tokenEndpoint,
      options.authorizationEndpoint,
      options.deviceAuthorizationEndpoint,
      options.revocationEndpoint,
    ]);
    this.#client = { client_id: options.clientId };
    // Stryker disable next-line StringLiteral: without a secret the client is public (clientAuth none), which sends none
    const secret = options.clientSecret ?? '';
    this.#clientAuth =
      clientAuth === 'none'
        ? oauth.None()
        : clientAuth === 'client_secret_post'
          ? oauth.ClientSecretPost(secret)
          : oauth.ClientSecretBasic(secret);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#dpop = options.dpop === undefined ? undefined : new DPoPProver(options.dpop);
    this.#grant = options.grant ?? (tokens.refreshToken === undefined ? 'client_credentials' : 'refresh_token');
    this.#tokens = { ...tokens };
    if (tokens.tokenType !== undefined) this.#tokenType = tokens.tokenType.toLowerCase();
    this.#seeded = tokens.accessToken !== undefined;
    this.#lifecycle = new TokenLifecycle(() => this.#provide(), (options.renewBefore ?? 60) * 1000);
  }

  /**
   * Refuse an endpoint on plain http unless it is loopback or `allowInsecureHttp`
   * is set; whether any of `endpoints` is plain http.
   */
  #checkTransport(endpoints: ReadonlyArray<string | URL | undefined>): boolean {
    const options = this.#options;
    let insecure = false;
    for (const value of endpoints) {
      if (value === undefined) continue;
      const url = new URL(value);
      if (url.protocol !== 'http:') continue;
      // RFC 6749 §3.2 and §10.9: the token endpoint takes TLS; loopback never leaves the machine.
      if (options.allowInsecureHttp !== true && !isLoopbackHost(url.hostname)) {
        throw new AuthError(
          'ERR_INSECURE_TRANSPORT',
          `Refusing to talk to the authorization server over plain http at ${url.host}; use https or { allowInsecureHttp: true }`,
        );
      }
      insecure = true;
    }
    return insecure;
  }

  /** The options every oauth4webapi request takes: our fetch, never this scheme. */
  #requestOptions(): {
    [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<string, unknown>) => Promise<Response>;
    [oauth.allowInsecureRequests]?: boolean;
  } {
    const customFetch = (url: string, init: oauth.CustomFetchOptions<string, unknown>) =>
      this.#fetch(url, init as RequestInit);
    return { [oauth.customFetch]: customFetch, ...(this.#insecure ? { [oauth.allowInsecureRequests]: true } : {}) };
  }

  /** The server's metadata: discovered once (RFC 8414 / OpenID Discovery), or built from the endpoints given. */
  #authorizationServer(): Promise<oauth.AuthorizationServer> {
    if (this.#server === undefined) {
      const options = this.#options;
      const server = (async (): Promise<oauth.AuthorizationServer> => {
        if (options.issuer === undefined) {
          const tokenEndpoint = new URL(options.tokenEndpoint as string | URL);
          return {
            issuer: tokenEndpoint.origin,
            token_endpoint: tokenEndpoint.href,
            ...(options.authorizationEndpoint === undefined
              ? {}
              : { authorization_endpoint: new URL(options.authorizationEndpoint).href }),
            ...(options.deviceAuthorizationEndpoint === undefined
              ? {}
              : { device_authorization_endpoint: new URL(options.deviceAuthorizationEndpoint).href }),
            ...(options.revocationEndpoint === undefined
              ? {}
              : { revocation_endpoint: new URL(options.revocationEndpoint).href }),
          };
        }
        const issuer = new URL(options.issuer);
        let first: unknown;
        let metadata: oauth.AuthorizationServer | undefined;
        // OpenID Connect Discovery first (most servers), then RFC 8414's own well-known path.
        for (const algorithm of ['oidc', 'oauth2'] as const) {
          try {
            const response = await oauth.discoveryRequest(issuer, { algorithm, ...this.#requestOptions() });
            metadata = await oauth.processDiscoveryResponse(issuer, response);
            break;
          } catch (error) {
            first ??= error;
          }
        }
        if (metadata === undefined) throw authServerError(first, 'discovery');
        // The endpoints an issuer names keep to the same rule as those given (a loopback issuer may not send us to plain http elsewhere).
        this.#checkTransport([
          metadata.token_endpoint,
          metadata.authorization_endpoint,
          metadata.device_authorization_endpoint,
          metadata.revocation_endpoint,
        ]);
        return metadata;
      })();
      this.#server = server;
      // A failed discovery is tried again by the next request. (No other discovery can have begun
      // meanwhile: one begins only when none is held.)
      server.catch(() => {
        this.#server = undefined;
      });
    }
    return this.#server;
  }

  /**
   * The token provider the lifecycle calls. A grant that a sign-in or
   * {@link OAuth2Auth.revoke} overtook is dropped (its tokens never held nor
   * handed to `onTokens`, its refusal not reported), and the tokens held now decide again.
   */
  async #provide(): Promise<BearerToken> {
    for (;;) {
      const generation = this.#generation;
      try {
        const token = await this.#provideOnce(generation);
        if (token !== undefined) return token;
      } catch (error) {
        // A grant a sign-in or revoke() has since overtaken says nothing of the tokens held now, whether
        // refused (an invalid_grant for the refresh token replaced) or failed: they decide again.
        if (generation === this.#generation) throw error;
      }
    }
  }

  /** The given token once, then a grant; undefined when the grant's answer came for tokens no longer held. */
  async #provideOnce(generation: number): Promise<BearerToken | undefined> {
    const { accessToken, expiresAt } = this.#tokens;
    if (this.#seeded) {
      this.#seeded = false;
      const ms = expiresAt instanceof Date ? expiresAt.getTime() : expiresAt;
      if (accessToken !== undefined && (ms === undefined || ms > Date.now())) {
        return ms === undefined ? { accessToken } : { accessToken, expiresAt: ms };
      }
    }
    const server = await this.#authorizationServer();
    if (this.#grant === 'refresh_token') {
      const refreshToken = this.#tokens.refreshToken;
      if (refreshToken === undefined) {
        throw new AuthError('ERR_INVALID_GRANT', 'No refresh token is held (it was refused or revoked): sign in again');
      }
      const parameters = this.#parameters(undefined);
      try {
        return await this.#tokenRequest(
          'the refresh token',
          (options) =>
            oauth.refreshTokenGrantRequest(server, this.#client, this.#clientAuth, refreshToken, {
              ...options,
              additionalParameters: parameters,
            }),
          (response) => oauth.processRefreshTokenResponse(server, this.#client, response),
          generation,
        );
      } catch (error) {
        // RFC 6749 §5.2: a refused refresh token stays refused; forget it so no request asks again.
        if (
          error instanceof AuthError &&
          error.code === 'ERR_INVALID_GRANT' &&
          this.#tokens.refreshToken === refreshToken
        ) {
          const { refreshToken: _dead, ...rest } = this.#tokens;
          this.#tokens = rest;
        }
        throw error;
      }
    }
    const parameters = this.#parameters(undefined);
    return this.#tokenRequest(
      'the client credentials grant',
      (options) => oauth.clientCredentialsGrantRequest(server, this.#client, this.#clientAuth, parameters, options),
      (response) => oauth.processClientCredentialsResponse(server, this.#client, response),
      generation,
    );
  }

  /** RFC 6749 §3.3 scope and RFC 8707 resource, as the grant requests carry them. */
  #parameters(scope: string | readonly string[] | undefined): URLSearchParams {
    const parameters = new URLSearchParams();
    const value = joined(scope ?? this.#options.scope);
    if (value !== undefined) parameters.set('scope', value);
    const resource = this.#options.resource;
    if (resource !== undefined) for (const uri of [resource].flat()) parameters.append('resource', String(uri));
    return parameters;
  }

  /**
   * One token request: sent, answered once more with the server's nonce on
   * `use_dpop_nonce` (RFC 9449 §8: a 400 from the token endpoint), checked,
   * and its tokens made current. A second `use_dpop_nonce` is an error.
   * With `generation`, undefined when a sign-in or revocation came first.
   */
  async #tokenRequest(
    what: string,
    send: (options: oauth.TokenEndpointRequestOptions) => Promise<Response>,
    process: (response: Response) => Promise<oauth.TokenEndpointResponse>,
    generation?: number,
  ): Promise<BearerToken | undefined> {
    const dpop = this.#dpop === undefined ? undefined : await this.#dpop.handle();
    const options: oauth.TokenEndpointRequestOptions = {
      ...this.#requestOptions(),
      ...(dpop === undefined ? {} : { DPoP: dpop }),
    };
    let result: oauth.TokenEndpointResponse;
    try {
      try {
        result = await process(await send(options));
      } catch (error) {
        if (dpop === undefined || !oauth.isDPoPNonceError(error)) throw error;
        // oauth4webapi's handle has taken the DPoP-Nonce from that answer.
        try {
          result = await process(await send(options));
        } catch (again) {
          if (oauth.isDPoPNonceError(again)) {
            throw new AuthError(
              'ERR_OAUTH_RESPONSE',
              `The authorization server asked for a new DPoP nonce twice in a row for ${what}`,
            );
          }
          throw again;
        }
      }
    } catch (error) {
      throw authServerError(error, what);
    }
    return this.#accept(result, what, generation);
  }

  /** Check a token response beyond oauth4webapi's checks and make its tokens current. */
  async #accept(
    result: oauth.TokenEndpointResponse,
    what: string,
    generation: number | undefined,
  ): Promise<BearerToken | undefined> {
    const tokenType = String(result.token_type).toLowerCase();
    // RFC 6750 and RFC 9449 §5: the two token types this scheme can send.
    if (tokenType !== 'bearer' && !(tokenType === 'dpop' && this.#dpop !== undefined)) {
      throw new AuthError('ERR_OAUTH_RESPONSE', `The answer to ${what} has a token_type this client cannot use`);
    }
    // RFC 6750 §2.1 b64token: anything else cannot go in a header (and is never stored or handed to onTokens).
    if (!B64TOKEN.test(result.access_token)) {
      throw new AuthError('ERR_OAUTH_RESPONSE', `The answer to ${what} has an access_token that is not a b64token`);
    }
    const expiresIn = result.expires_in;
    if (expiresIn !== undefined && !(expiresIn >= 0 && expiresIn <= MAX_EXPIRES_IN)) {
      throw new AuthError('ERR_OAUTH_RESPONSE', `The answer to ${what} has an expires_in that is negative or absurd`);
    }
    const tokens: OAuth2Tokens = { accessToken: result.access_token, tokenType };
    if (expiresIn !== undefined) tokens.expiresAt = Date.now() + expiresIn * 1000;
    // RFC 6749 §6: no new refresh token in the answer means the old one stays valid.
    const refreshToken = result.refresh_token ?? this.#tokens.refreshToken;
    if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
    if (result.scope !== undefined) tokens.scope = result.scope;
    // A renewal that a sign-in or revoke() overtook: the tokens held now are not these.
    if (generation !== undefined && generation !== this.#generation) return undefined;
    // Replaced in one assignment, before any await: the next grant can only see the new refresh token.
    this.#tokens = tokens;
    this.#tokenType = tokenType;
    await this.#options.onTokens?.({ ...tokens });
    // Overtaken while onTokens ran: revoke() or the sign-in has replaced these tokens since.
    if (generation !== undefined && generation !== this.#generation) return undefined;
    return expiresIn === undefined
      ? { accessToken: result.access_token }
      : { accessToken: result.access_token, expiresIn };
  }

  /** Set the authorization header (and DPoP proof) for `token` on `request`. */
  async #present(request: AuthRequest, token: string): Promise<void> {
    if (this.#dpop !== undefined && this.#tokenType === 'dpop' && token === this.#tokens.accessToken) {
      // RFC 9449 §7.1: `Authorization: DPoP <token>` with a proof bound to this method, URL and token.
      request.headers.set('dpop', await this.#dpop.proof(request.method, request.url, token));
      request.headers.set('authorization', `DPoP ${token}`);
      return;
    }
    request.headers.delete('dpop');
    request.headers.set('authorization', `Bearer ${token}`);
  }

  /** Add the current token (asking the authorization server if there is none yet). */
  override async authorize(request: AuthRequest): Promise<void> {
    const token = await this.#lifecycle.token();
    await this.#present(request, token.value);
  }

  override async *flow(request: AuthRequest): AuthFlow {
    if (!this.#scope.admits(request)) {
      yield request;
      return;
    }
    let token = await this.#lifecycle.tokenForRequest(
      'A token request went through the OAuth2Auth waiting for its token; give OAuth2Auth a fetch without this scheme',
    );
    await this.#present(request, token.value);
    let response = yield request;
    if (this.#dpop !== undefined) {
      const fresh = await this.#dpop.remember(response);
      // RFC 9449 §9: the resource server wants a nonce; answered once, with a new proof.
      if (fresh && isNonceChallenge(response)) {
        await this.#present(request, token.value);
        response = yield request;
        await this.#dpop.remember(response);
      }
    }
    if (!isTokenRejection(response)) return;
    token = await this.#lifecycle.replace(token);
    await this.#present(request, token.value);
    // Sent once more; a second 401 goes to the caller as it is.
    yield request;
  }

  /** Only the API's origin(s), never across origins or from https to http on a redirect. */
  override appliesTo(url: URL, initialUrl: URL): boolean {
    return this.#scope.appliesTo(url, initialUrl);
  }

  /**
   * Start an authorization-code sign-in (RFC 6749 §4.1) with PKCE S256
   * (RFC 7636) and a random `state`: send the user to `url`, keep the rest
   * for {@link OAuth2Auth.exchangeCode}.
   *
   * @example
   * ```ts
   * import { OAuth2Auth } from '@authbelt/oauth2';
   *
   * const auth = new OAuth2Auth({ issuer: 'https://auth.example.org', clientId: 'cli', clientAuth: 'none' });
   * const signIn = await auth.authorizationUrl({ redirectUri: 'https://app.example.org/callback' });
   * console.log(signIn.url.href);
   * ```
   */
  async authorizationUrl(options: {
    redirectUri: string;
    scope?: string | readonly string[];
    /** More authorization request parameters (`prompt`, `login_hint`, ...). */
    parameters?: Readonly<Record<string, string>>;
  }): Promise<AuthorizationRequest> {
    checkOptions('authorizationUrl', options, {
      redirectUri: [isUrl, 'an http(s) URL'],
      scope: [isStrings, 'a string or an array of strings'],
      parameters: [(value) => typeof value === 'object' && value !== null, 'an object'],
    });
    const server = await this.#authorizationServer();
    if (server.authorization_endpoint === undefined) {
      throw new AuthError(
        'ERR_INVALID_ARGUMENT',
        'The authorization server has no authorization_endpoint; give authorizationEndpoint',
      );
    }
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(server.authorization_endpoint);
    const search = this.#parameters(options.scope);
    for (const [name, value] of Object.entries(options.parameters ?? {})) search.set(name, value);
    search.set('response_type', 'code');
    search.set('client_id', this.#options.clientId);
    search.set('redirect_uri', options.redirectUri);
    search.set('state', state);
    search.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    search.set('code_challenge_method', 'S256');
    if (this.#dpop !== undefined) search.set('dpop_jkt', await (await this.#dpop.handle()).calculateThumbprint());
    for (const [name, value] of search) url.searchParams.append(name, value);
    return { url, redirectUri: options.redirectUri, state, codeVerifier };
  }

  /**
   * Finish an authorization-code sign-in: check the callback's `state` and,
   * where the server says it sends one, `iss` (RFC 9207), exchange the code
   * with the PKCE verifier, and hold the tokens. Later grants use its
   * refresh token. `onTokens` is called.
   *
   * @example
   * ```ts
   * import { OAuth2Auth, type AuthorizationRequest } from '@authbelt/oauth2';
   *
   * declare const auth: OAuth2Auth;
   * declare const signIn: AuthorizationRequest;
   * await auth.exchangeCode('https://app.example.org/callback?code=...&state=...', signIn);
   * ```
   */
  async exchangeCode(callbackUrl: string | URL, request: AuthorizationRequest): Promise<OAuth2Tokens> {
    if (!isUrl(String(callbackUrl))) throw new AuthError('ERR_INVALID_ARGUMENT', 'exchangeCode takes the callback URL');
    const server = await this.#authorizationServer();
    let parameters: URLSearchParams;
    try {
      parameters = oauth.validateAuthResponse(server, this.#client, new URL(callbackUrl), request.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) {
        const code = /^[\x20-\x7e]{1,64}$/.test(error.error) ? error.error : '(unreadable error code)';
        throw new AuthError('ERR_OAUTH_ERROR', `The authorization server ended the sign-in with ${code}`);
      }
      throw new AuthError(
        'ERR_OAUTH_RESPONSE',
        `The sign-in callback is not the answer to this request: ${(error as Error).message}`,
      );
    }
    await this.#tokenRequest(
      'the authorization code',
      (options) =>
        oauth.authorizationCodeGrantRequest(
          server,
          this.#client,
          this.#clientAuth,
          parameters,
          request.redirectUri,
          request.codeVerifier,
          options,
        ),
      (response) => oauth.processAuthorizationCodeResponse(server, this.#client, response),
    );
    this.#signedIn();
    return { ...this.#tokens };
  }

  /**
   * Device authorization (RFC 8628): ask for a user code, hand it to
   * `onUserCode`, and poll the token endpoint every `interval` seconds
   * (5 more after each `slow_down`, §3.5) until the user approves.
   * `access_denied` and `expired_token` end it with `ERR_OAUTH_ERROR`, a
   * refused device code with `ERR_INVALID_GRANT`; `signal` stops it.
   *
   * @example
   * ```ts
   * import { OAuth2Auth } from '@authbelt/oauth2';
   *
   * const auth = new OAuth2Auth({ issuer: 'https://auth.example.org', clientId: 'tv', clientAuth: 'none' });
   * await auth.deviceAuthorization({
   *   onUserCode: ({ userCode, verificationUri }) => console.log(`Open ${verificationUri} and enter ${userCode}`),
   *   signal: AbortSignal.timeout(600_000),
   * });
   * ```
   */
  async deviceAuthorization(options: DeviceAuthorizationOptions): Promise<OAuth2Tokens> {
    checkOptions('deviceAuthorization', options, {
      onUserCode: [(value) => typeof value === 'function', 'a function'],
      signal: [(value) => value instanceof AbortSignal, 'an AbortSignal'],
      scope: [isStrings, 'a string or an array of strings'],
    });
    if (typeof options?.onUserCode !== 'function') {
      throw new AuthError('ERR_INVALID_ARGUMENT', 'deviceAuthorization needs onUserCode');
    }
    const { signal } = options;
    signal?.throwIfAborted();
    const server = await this.#authorizationServer();
    let device: oauth.DeviceAuthorizationResponse;
    try {
      const response = await oauth.deviceAuthorizationRequest(
        server,
        this.#client,
        this.#clientAuth,
        this.#parameters(options.scope),
        { ...this.#requestOptions(), ...(signal === undefined ? {} : { signal }) },
      );
      device = await oauth.processDeviceAuthorizationResponse(server, this.#client, response);
    } catch (error) {
      signal?.throwIfAborted();
      throw authServerError(error, 'the device authorization request');
    }
    await options.onUserCode({
      userCode: device.user_code,
      verificationUri: device.verification_uri,
      verificationUriComplete: device.verification_uri_complete,
      expiresIn: device.expires_in,
    });
    // RFC 8628 §3.2: 5 seconds when the server names no interval (oauth4webapi takes only a positive number).
    let interval = device.interval ?? 5;
    const deadline = Date.now() + device.expires_in * 1000;
    for (;;) {
      await sleep(interval * 1000, signal);
      if (Date.now() > deadline) {
        throw new AuthError('ERR_OAUTH_ERROR', 'The device code expired before the user approved (expired_token)');
      }
      try {
        await this.#tokenRequest(
          'the device code',
          (requestOptions) =>
            oauth.deviceCodeGrantRequest(server, this.#client, this.#clientAuth, device.device_code, {
              ...requestOptions,
              ...(signal === undefined ? {} : { signal }),
            }),
          (response) => oauth.processDeviceCodeResponse(server, this.#client, response),
        );
        this.#signedIn();
        return { ...this.#tokens };
      } catch (error) {
        signal?.throwIfAborted();
        const code = oauthErrorOf(error);
        // RFC 8628 §3.5: keep polling while pending; slow down by 5 seconds when told.
        if (code === 'authorization_pending') continue;
        if (code === 'slow_down') {
          interval += 5;
          continue;
        }
        throw error;
      }
    }
  }

  /** A sign-in's tokens are current: sent next, and its refresh token used for renewals. */
  #signedIn(): void {
    // A user's tokens are renewed with their refresh token or not at all (then: sign in again),
    // never replaced by the client's own client_credentials token.
    this.#grant = 'refresh_token';
    this.#seeded = true;
    // Stryker disable next-line UpdateOperator: any change of the count makes the grants begun before stale, down as well as up
    this.#generation++;
    this.#lifecycle.forget();
  }

  /**
   * Revoke the refresh token, or the access token when there is none (RFC
   * 7009), and forget both; `onTokens({})` is called. The next request
   * starts a new client credentials grant, or fails with
   * `ERR_INVALID_GRANT` ("sign in again") for a user's tokens.
   *
   * @example
   * ```ts
   * import { OAuth2Auth } from '@authbelt/oauth2';
   *
   * declare const auth: OAuth2Auth;
   * await auth.revoke(); // on sign-out
   * ```
   */
  async revoke(): Promise<void> {
    const { refreshToken, accessToken } = this.#tokens;
    const token = refreshToken ?? accessToken;
    if (token !== undefined) {
      const server = await this.#authorizationServer();
      if (server.revocation_endpoint === undefined) {
        throw new AuthError(
          'ERR_INVALID_ARGUMENT',
          'The authorization server has no revocation_endpoint; give revocationEndpoint',
        );
      }
      try {
        const response = await oauth.revocationRequest(server, this.#client, this.#clientAuth, token, {
          ...this.#requestOptions(),
          additionalParameters: { token_type_hint: refreshToken === undefined ? 'access_token' : 'refresh_token' },
        });
        await oauth.processRevocationResponse(response);
      } catch (error) {
        throw authServerError(error, 'the revocation');
      }
    }
    this.#tokens = {};
    // Stryker disable next-line BooleanLiteral: with no tokens held there is no given access token to send; the next grant clears the flag either way
    this.#seeded = false;
    // Stryker disable next-line UpdateOperator: any change of the count makes the grants begun before stale, down as well as up
    this.#generation++;
    this.#lifecycle.forget();
    await this.#options.onTokens?.({});
  }
}
