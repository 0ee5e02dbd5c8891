import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Clients registered at the authorization server the tests start. */
export const CLIENTS = {
  service: { id: 'service', secret: 'service-secret-0123456789abcdef' },
  servicePost: { id: 'service-post', secret: 'service-post-secret-0123456789' },
  cli: { id: 'cli' },
} as const;

/** What the server counted: token endpoint answers by grant type and outcome. */
export interface GrantCounts {
  /** Successful grants by `grant_type`. */
  readonly success: Map<string, number>;
  /** Refused grants by `error` (invalid_grant, invalid_client, ...). */
  readonly error: Map<string, number>;
  /** Requests that reached the token endpoint. */
  tokenRequests: number;
  /** Requests that reached the revocation endpoint. */
  revocations: number;
}

export interface RunningAuthorizationServer {
  /** The issuer, `http://127.0.0.1:<port>`. */
  readonly issuer: string;
  /** A protected resource on another port that accepts this server's access tokens (Bearer or DPoP). */
  readonly resource: string;
  readonly provider: Provider;
  readonly counts: GrantCounts;
  /** Seconds access tokens issued from now on live. */
  setLifetime(seconds: number): void;
  /** Forget the counts. */
  reset(): void;
  /** Requests the resource saw, with the scheme of their Authorization header. */
  readonly resourceRequests: string[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * oidc-provider (panva, OpenID Certified) on 127.0.0.1 and an ephemeral
 * port, in this process, stopped by its handle. Configured as the issue's
 * facts say: `clockTolerance: 0` (else expired tokens pass for 15 s),
 * refresh tokens always issued and rotated, client credentials, device
 * flow, revocation, DPoP with nonces when `dpopNonces` is set.
 */
export async function startAuthorizationServer(
  options: { dpopNonces?: boolean } = {},
): Promise<RunningAuthorizationServer> {
  const http = createServer();
  const port = await listen(http);
  const issuer = `http://127.0.0.1:${port}`;
  let lifetime = 3600;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENTS.service.id,
        client_secret: CLIENTS.service.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: CLIENTS.servicePost.id,
        client_secret: CLIENTS.servicePost.secret,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: CLIENTS.cli.id,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        response_types: ['code'],
        // RFC 8252 §7.3: any port on the loopback literal is accepted for a native client.
        redirect_uris: ['http://127.0.0.1/callback'],
        application_type: 'native',
      },
    ],
    clockTolerance: 0,
    scopes: ['openid', 'offline_access', 'api:read'],
    features: {
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      dPoP: {
        enabled: true,
        ...(options.dpopNonces ? { nonceSecret: Buffer.alloc(32, 7), requireNonce: () => true } : {}),
      },
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: () => lifetime,
      ClientCredentials: () => lifetime,
      DeviceCode: 600,
    },
    // Every login and consent is accepted by the dev interactions; loadExistingGrant keeps consent implicit on refresh.
  });
  const counts: GrantCounts = { success: new Map(), error: new Map(), tokenRequests: 0, revocations: 0 };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  provider.on('grant.success', (ctx) => bump(counts.success, String(ctx.oidc.params?.grant_type)));
  provider.on('grant.error', (_ctx, error) => bump(counts.error, String((error as { error?: string }).error)));
  provider.use(async (ctx, next) => {
    if (ctx.path === '/token') counts.tokenRequests++;
    if (ctx.path === '/token/revocation') counts.revocations++;
    await next();
  });
  http.on('request', provider.callback());

  // The resource: accepts this server's access tokens, as an API behind it would (by lookup, in-process).
  const resourceRequests: string[] = [];
  const resourceServer = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    // A path behind another scheme: its 401 says nothing about the access token.
    if (request.url?.startsWith('/basic')) {
      resourceRequests.push('basic-path');
      response.writeHead(401, { 'www-authenticate': 'Basic realm="elsewhere"' }).end();
      return;
    }
    const authorization = request.headers.authorization ?? '';
    const [scheme = '', token = ''] = authorization.split(' ');
    resourceRequests.push(scheme);
    const found =
      (await provider.AccessToken.find(token)) ?? (await provider.ClientCredentials.find(token)) ?? undefined;
    const bound = found?.jkt !== undefined;
    const schemeOk = bound ? scheme === 'DPoP' && request.headers.dpop !== undefined : scheme === 'Bearer';
    if (found === undefined || found.isExpired || !schemeOk) {
      // RFC 6750 §3.1 and RFC 9449 §7.1: both schemes offered, invalid_token when a token came.
      const error = token === '' ? '' : ', error="invalid_token"';
      response.writeHead(401, { 'www-authenticate': `Bearer realm="api"${error}, DPoP algs="ES256"${error}` });
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ client: found.clientId, account: found.accountId ?? null }));
  });
  const resourcePort = await listen(resourceServer);

  return {
    issuer,
    resource: `http://127.0.0.1:${resourcePort}`,
    provider,
    counts,
    resourceRequests,
    setLifetime(seconds) {
      lifetime = seconds;
    },
    reset() {
      counts.success.clear();
      counts.error.clear();
      counts.tokenRequests = 0;
      counts.revocations = 0;
      resourceRequests.length = 0;
    },
    async close() {
      for (const server of [http, resourceServer]) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    },
  };
}

/**
 * A browser in a test: follows the authorization request through
 * oidc-provider's dev interactions (a login form that accepts anyone, then
 * consent), keeping cookies, and returns the final redirect to the client.
 */
export async function approveInBrowser(authorizationUrl: string, login = 'ada'): Promise<string> {
  const jar = new Map<string, string>();
  const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  };
  const origin = new URL(authorizationUrl).origin;
  let url = authorizationUrl;
  for (let step = 0; step < 12; step++) {
    const response = await request(url);
    const location = response.headers.get('location');
    if (location !== null) {
      await response.body?.cancel();
      const next = new URL(location, url);
      if (next.origin !== origin) return next.href;
      url = next.href;
      continue;
    }
    const page = await response.text();
    const action = /action="([^"]+)"/.exec(page)?.[1];
    if (action === undefined) throw new Error(`no form at step ${step} (${response.status})`);
    const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1];
    const form = new URLSearchParams({ prompt: prompt ?? 'login' });
    if (prompt === 'login') {
      form.set('login', login);
      form.set('password', 'any');
    }
    const posted = await request(new URL(action, url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    await posted.body?.cancel();
    const after = posted.headers.get('location');
    if (after === null) throw new Error(`the form post answered ${posted.status}`);
    url = new URL(after, url).href;
  }
  throw new Error('the sign-in did not end in a redirect to the client');
}

/** The user approves a device code, as the verification page would after sign-in and consent. */
export async function approveDevice(provider: Provider, userCode: string, accountId = 'ada'): Promise<void> {
  // As the verification page does: upper case, no separators.
  const code = await provider.DeviceCode.findByUserCode(userCode.toUpperCase().replace(/\W/g, ''));
  if (code === undefined) throw new Error('unknown user code');
  const grant = new provider.Grant({ accountId, clientId: code.clientId });
  grant.addOIDCScope(code.scope ?? 'openid');
  code.accountId = accountId;
  code.grantId = await grant.save();
  code.authTime = Math.floor(Date.now() / 1000);
  await code.save();
}

/** The user refuses a device code. */
export async function denyDevice(provider: Provider, userCode: string): Promise<void> {
  // As the verification page does: upper case, no separators.
  const code = await provider.DeviceCode.findByUserCode(userCode.toUpperCase().replace(/\W/g, ''));
  if (code === undefined) throw new Error('unknown user code');
  code.error = 'access_denied';
  code.errorDescription = 'the user said no';
  await code.save();
}
