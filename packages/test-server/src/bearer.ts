import { randomBytes } from 'node:crypto';

/**
 * Bearer mode (RFC 6750): a login endpoint that issues tokens, protected
 * paths that check them, and counters a test reads to assert how many
 * logins and requests a client spent. Written without the client packages,
 * so a bug shared with them cannot pass.
 */
export interface BearerModeOptions {
  /** username → password the login endpoint accepts. */
  users: Record<string, string>;
  /** Paths that need a token, each with the scope it needs (none: any valid token). */
  routes: Record<string, { scope?: string }>;
  /**
   * The login endpoint: `POST` a JSON `{ username, password, scope? }`, get
   * `{ access_token, token_type: "Bearer", expires_in, scope }` (RFC 6749 §5.1).
   * Default `/login`.
   */
  loginPath?: string;
  /**
   * An OAuth 2.0 token endpoint (RFC 6749 §4.4, client credentials): `POST`
   * `grant_type=client_credentials` (form-urlencoded), the client
   * authenticated by `client_secret_basic` or `client_secret_post` against
   * `users` (client id → secret). Each token issued counts as a login.
   * Default `/oauth/token`.
   */
  tokenPath?: string;
  /** Seconds a token lives from its issue. Default 3600. `setLifetime` changes it for tokens issued later. */
  lifetime?: number;
  /** Issue JWTs (with `exp`, unsigned: `alg: none`) instead of opaque tokens, and leave `expires_in` out of the answer. */
  jwt?: boolean;
  realm?: string;
}

/** What a test reads and changes of the Bearer mode. */
export interface BearerControl {
  /** Logins answered with a token since the start (or the last reset). */
  logins(): number;
  /** Failed logins (wrong password, bad body). */
  failedLogins(): number;
  /** Requests that carried each token (accepted or not), in the order tokens were first seen. */
  requestsPerToken(): Map<string, number>;
  /** Tokens issued, oldest first. */
  issued(): string[];
  /** Lifetime in seconds of tokens issued from now on. */
  setLifetime(seconds: number): void;
  /** Every token issued so far is refused (`invalid_token`) from now on. */
  revokeAll(): void;
}

/** What the server does with a request in Bearer mode. */
export type BearerVerdict =
  | { kind: 'answer'; status: number; headers: Record<string, string>; payload: string }
  | { kind: 'ok'; user: string };

interface Issued {
  user: string;
  scopes: Set<string>;
  /** Milliseconds since the epoch, by Date.now() (which a test may fake). */
  expiresAt: number;
  revoked: boolean;
}

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const json = (status: number, value: unknown, headers: Record<string, string> = {}): BearerVerdict => ({
  kind: 'answer',
  status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  payload: JSON.stringify(value),
});

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** The Bearer side of one test server. */
export class BearerMode {
  readonly control: BearerControl;
  readonly #options: BearerModeOptions | undefined;
  readonly #loginPath: string;
  readonly #tokenPath: string;
  readonly #realm: string;
  #lifetime: number;
  #logins = 0;
  #failedLogins = 0;
  readonly #tokens = new Map<string, Issued>();
  readonly #perToken = new Map<string, number>();

  constructor(options: BearerModeOptions | undefined) {
    this.#options = options;
    this.#loginPath = options?.loginPath ?? '/login';
    this.#tokenPath = options?.tokenPath ?? '/oauth/token';
    this.#realm = options?.realm ?? 'authbelt-test';
    this.#lifetime = options?.lifetime ?? 3600;
    this.control = {
      logins: () => this.#logins,
      failedLogins: () => this.#failedLogins,
      requestsPerToken: () => new Map(this.#perToken),
      issued: () => [...this.#tokens.keys()],
      setLifetime: (seconds) => {
        this.#lifetime = seconds;
      },
      revokeAll: () => {
        for (const issued of this.#tokens.values()) issued.revoked = true;
      },
    };
  }

  /** Forget the counters (tokens issued stay valid). */
  reset(): void {
    this.#logins = 0;
    this.#failedLogins = 0;
    this.#perToken.clear();
  }

  /** The verdict for a request, or undefined when the path is not Bearer mode's. */
  check(method: string, path: string, authorization: string | undefined, body: Uint8Array): BearerVerdict | undefined {
    const options = this.#options;
    if (options === undefined) return undefined;
    if (path === this.#loginPath) return this.#login(method, body, options);
    if (path === this.#tokenPath) return this.#tokenEndpoint(method, authorization, body, options);
    const route = Object.hasOwn(options.routes, path) ? options.routes[path] : undefined;
    if (route === undefined) return undefined;
    return this.#verify(authorization, route.scope);
  }

  #login(method: string, body: Uint8Array, options: BearerModeOptions): BearerVerdict {
    if (method !== 'POST') return json(405, { error: 'invalid_request' }, { allow: 'POST' });
    let credentials: { username?: unknown; password?: unknown; scope?: unknown };
    try {
      credentials = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      this.#failedLogins++;
      return json(400, { error: 'invalid_request' });
    }
    const { username, password, scope } = credentials ?? {};
    if (
      typeof username !== 'string' ||
      !Object.hasOwn(options.users, username) ||
      options.users[username] !== password
    ) {
      this.#failedLogins++;
      return json(401, { error: 'invalid_grant' });
    }
    return this.#issue(username, typeof scope === 'string' ? scope : '', options);
  }

  // RFC 6749 §4.4.2 and §2.3.1: client credentials, the client by Basic (id and secret
  // form-urlencoded before base64) or in the body; errors as §5.2 says.
  #tokenEndpoint(
    method: string,
    authorization: string | undefined,
    body: Uint8Array,
    options: BearerModeOptions,
  ): BearerVerdict {
    if (method !== 'POST') return json(405, { error: 'invalid_request' }, { allow: 'POST' });
    const form = new URLSearchParams(Buffer.from(body).toString('utf8'));
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic +([A-Za-z0-9+/]+=*)$/i.exec(authorization ?? '');
    if (basic !== null) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
      try {
        id = formDecode(decoded.slice(0, colon));
        secret = formDecode(decoded.slice(colon + 1));
      } catch {
        id = null;
      }
    }
    if (id === null || secret === null || !Object.hasOwn(options.users, id) || options.users[id] !== secret) {
      this.#failedLogins++;
      const challenge: Record<string, string> =
        basic === null ? {} : { 'www-authenticate': `Basic realm="${this.#realm}"` };
      return json(401, { error: 'invalid_client' }, challenge);
    }
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    return this.#issue(id, form.get('scope') ?? '', options);
  }

  #issue(username: string, scopes: string, options: BearerModeOptions): BearerVerdict {
    this.#logins++;
    const expiresAt = Date.now() + this.#lifetime * 1000;
    const token = options.jwt
      ? `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url(
          JSON.stringify({ sub: username, exp: Math.floor(expiresAt / 1000), jti: base64url(randomBytes(9)) }),
        )}.`
      : base64url(randomBytes(24));
    // An unsigned JWT ends in "." (empty signature), which b64token does not allow: give it a dummy signature.
    const accessToken = options.jwt ? `${token}c2ln` : token;
    this.#tokens.set(accessToken, {
      user: username,
      scopes: new Set(scopes.split(' ').filter(Boolean)),
      expiresAt,
      revoked: false,
    });
    const answer: Record<string, unknown> = { access_token: accessToken, token_type: 'Bearer', scope: scopes };
    if (!options.jwt) answer.expires_in = this.#lifetime;
    return json(200, answer);
  }

  // RFC 6750 §3 and §3.1: the challenge and status for each failure.
  #verify(authorization: string | undefined, scope: string | undefined): BearerVerdict {
    const realm = `realm="${this.#realm}"`;
    const refuse = (status: number, params: string): BearerVerdict => ({
      kind: 'answer',
      status,
      headers: { 'www-authenticate': `Bearer ${realm}${params}`, 'content-type': 'text/plain' },
      payload: 'bearer token required\n',
    });
    if (authorization === undefined) return refuse(401, '');
    const match = /^Bearer +(\S+)$/i.exec(authorization);
    if (match === null || !B64TOKEN.test(match[1] as string)) return refuse(400, ', error="invalid_request"');
    const token = match[1] as string;
    this.#perToken.set(token, (this.#perToken.get(token) ?? 0) + 1);
    const issued = this.#tokens.get(token);
    if (issued === undefined || issued.revoked || Date.now() >= issued.expiresAt) {
      const why = issued === undefined ? 'unknown' : issued.revoked ? 'revoked' : 'expired';
      return refuse(401, `, error="invalid_token", error_description="The access token is ${why}"`);
    }
    if (scope !== undefined && !issued.scopes.has(scope)) {
      return refuse(403, `, error="insufficient_scope", scope="${scope}"`);
    }
    return { kind: 'ok', user: issued.user };
  }
}
