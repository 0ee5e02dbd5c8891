import { readFileSync } from 'node:fs';
import { withAuth } from '@authbelt/adapter-fetch';
import { type AuthResponse, isAuthError } from '@authbelt/core';
import { startTestServer } from '@authbelt/test-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { BearerAuth } from './bearer-auth.js';
import type { BearerToken } from './token.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;
let server: Server;
let jwtServer: Server;
let authServer: Server;

const users = { ada: 'lovelace' };
const routes = { '/api': {}, '/admin': { scope: 'admin' } };

beforeAll(async () => {
  server = await startTestServer({ bearer: { users, routes, lifetime: 3600 } });
  jwtServer = await startTestServer({ bearer: { users, routes, lifetime: 3600, jwt: true } });
  authServer = await startTestServer({ bearer: { users, routes: {} } });
});
afterAll(async () => {
  await Promise.all([server.close(), jwtServer.close(), authServer.close()]);
});
beforeEach(() => {
  for (const s of [server, jwtServer, authServer]) s.reset();
  server.bearer.setLifetime(3600);
  jwtServer.bearer.setLifetime(3600);
});
afterEach(() => {
  vi.useRealTimers();
});

/** The README's login provider: POST the credentials as JSON, read access_token. */
const loginAt =
  (origin: string, via: typeof fetch = fetch, scope?: string) =>
  async (): Promise<BearerToken> => {
    const answer = await via(`${origin}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ada', password: 'lovelace', scope }),
    });
    if (!answer.ok) throw new Error(`login failed: ${answer.status}`);
    const { access_token, expires_in } = await answer.json();
    return { accessToken: access_token, expiresIn: expires_in };
  };

const statuses = (s: Server) => s.requests.filter((r) => r.path !== '/login').map((r) => r.status);

/** Move Date (ours and the test server's: same process) without waiting. */
const advance = (seconds: number) => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + seconds * 1000);
};

describe('one flight', () => {
  it('calls the provider lazily, once for 50 concurrent first requests', async () => {
    const provider = vi.fn(loginAt(server.url));
    const api = withAuth(fetch, new BearerAuth(provider));
    expect(provider).not.toHaveBeenCalled();
    const responses = await Promise.all(Array.from({ length: 50 }, () => api(`${server.url}/api`)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(server.bearer.logins()).toBe(1);
    expect(provider).toHaveBeenCalledTimes(1);
    expect([...server.bearer.requestsPerToken().values()]).toEqual([50]);
  });

  it('rejects every waiting request with the provider’s error as cause, and the next request tries again', async () => {
    let calls = 0;
    const cause = new Error('login service down');
    const auth = new BearerAuth(async () => {
      calls++;
      if (calls === 1) throw cause;
      return loginAt(server.url)();
    });
    const api = withAuth(fetch, auth);
    const failures = await Promise.all(Array.from({ length: 10 }, () => api(`${server.url}/api`).catch((e) => e)));
    for (const error of failures) {
      expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
      expect((error as Error).cause).toBe(cause);
    }
    expect(calls).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('refuses what a provider returns that is not a token, without echoing it', async () => {
    const api = withAuth(fetch, new BearerAuth(async () => 'has a space'));
    const error = await api(`${server.url}/api`).catch((e) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect(error.message).not.toContain('has a space');
    const shapeless = withAuth(fetch, new BearerAuth(async () => ({ token: 'x' }) as never));
    const shape = await shapeless(`${server.url}/api`).catch((e) => e);
    expect(isAuthError(shape) && shape.code).toBe('ERR_TOKEN_PROVIDER');
  });
});

describe('renewal before expiry', () => {
  it('renews on use within renewBefore of expires_in, not earlier, and 50 requests after expiry cost one login', async () => {
    const api = withAuth(fetch, new BearerAuth(loginAt(server.url), { renewBefore: 60 }));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    advance(3600 - 61);
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.bearer.logins()).toBe(1);
    advance(2);
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.bearer.logins()).toBe(2);
    // Past the second token's expiry: 50 concurrent requests, one login, no 401.
    advance(3600);
    const responses = await Promise.all(Array.from({ length: 50 }, () => api(`${server.url}/api`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.bearer.logins()).toBe(3);
    expect(statuses(server).filter((s) => s !== 200)).toEqual([]);
  });

  it('reads a JWT’s exp when the provider gives no expiry', async () => {
    const provider = async () => (await loginAt(jwtServer.url)()).accessToken;
    const api = withAuth(fetch, new BearerAuth(provider));
    expect((await api(`${jwtServer.url}/api`)).status).toBe(200);
    advance(3600);
    expect((await api(`${jwtServer.url}/api`)).status).toBe(200);
    expect(jwtServer.bearer.logins()).toBe(2);
    expect(statuses(jwtServer)).toEqual([200, 200]);
  });

  it('takes expiresAt as a Date or epoch milliseconds', async () => {
    for (const expiresAt of [(ms: number) => new Date(ms), (ms: number) => ms]) {
      server.reset();
      const provider = async () => ({
        ...(await loginAt(server.url)()),
        expiresIn: undefined,
        expiresAt: expiresAt(Date.now() + 600_000),
      });
      const api = withAuth(fetch, new BearerAuth(provider, { renewBefore: 0 }));
      await api(`${server.url}/api`);
      advance(601);
      await api(`${server.url}/api`);
      expect(server.bearer.logins()).toBe(2);
    }
  });

  it('a token that arrives already expired by our clock is used until a 401, not renewed on every request', async () => {
    const provider = vi.fn(async () => ({ ...(await loginAt(server.url)()), expiresAt: Date.now() - 1000 }));
    const api = withAuth(fetch, new BearerAuth(provider));
    for (let i = 0; i < 3; i++) expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(provider).toHaveBeenCalledTimes(1);
  });

  it('uses no timer: nothing keeps a process alive', () => {
    for (const file of ['lifecycle.ts', 'bearer-auth.ts', 'token.ts']) {
      expect(readFileSync(new URL(file, import.meta.url), 'utf8')).not.toMatch(/set(Timeout|Interval|Immediate)\(/);
    }
  });
});

describe('renewal on rejection', () => {
  it('50 concurrent requests refused the same token share one renewal and are each sent once more', async () => {
    const api = withAuth(fetch, new BearerAuth(loginAt(server.url)));
    await api(`${server.url}/api`);
    server.bearer.revokeAll();
    server.reset();
    const responses = await Promise.all(Array.from({ length: 50 }, () => api(`${server.url}/api`)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(server.bearer.logins()).toBe(1);
    expect(statuses(server).sort()).toEqual([...Array(50).fill(200), ...Array(50).fill(401)]);
  });

  it('a request refused a token another request already replaced is sent again with the current one, without a login', async () => {
    const auth = new BearerAuth(loginAt(server.url));
    const api = withAuth(fetch, auth);
    await api(`${server.url}/api`);
    // B takes the first token, then A gets it refused and renews it.
    const flowB = auth.flow({ method: 'GET', url: `${server.url}/api`, headers: new Headers() });
    const first = (await flowB.next()).value;
    server.bearer.revokeAll();
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(server.bearer.logins()).toBe(2);
    const refused = await fetch(first?.url ?? '', { headers: first?.headers ?? {} });
    expect(refused.status).toBe(401);
    const view: AuthResponse = { status: 401, url: refused.url, headers: refused.headers };
    const again = (await flowB.next(view)).value;
    expect(again?.headers.get('authorization')).toBe(`Bearer ${server.bearer.issued().at(-1)}`);
    expect(server.bearer.logins()).toBe(2);
  });

  it('a second 401 goes to the caller as it is', async () => {
    const provider = vi.fn(async () => 'not-a-token-the-server-issued');
    const response = await withAuth(fetch, new BearerAuth(provider))(`${server.url}/api`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('invalid_token');
    expect(provider).toHaveBeenCalledTimes(2);
    expect(statuses(server)).toEqual([401, 401]);
  });

  it('never renews on 403 insufficient_scope', async () => {
    const api = withAuth(fetch, new BearerAuth(loginAt(server.url)));
    const response = await api(`${server.url}/admin`);
    expect(response.status).toBe(403);
    expect(server.bearer.logins()).toBe(1);
    expect(statuses(server)).toEqual([403]);
  });

  it('resends a replayable body byte for byte', async () => {
    const api = withAuth(fetch, new BearerAuth(loginAt(server.url)));
    await api(`${server.url}/api`);
    server.bearer.revokeAll();
    server.reset();
    const response = await api(`${server.url}/api`, { method: 'POST', body: 'the body ü' });
    expect(response.status).toBe(200);
    const [refused, accepted] = server.requests.filter((r) => r.path === '/api');
    expect(new TextDecoder().decode(accepted?.body)).toBe('the body ü');
    expect(accepted?.body).toEqual(refused?.body);
  });

  it('a stream body that needs a resend is ERR_BODY_NOT_REPLAYABLE with the 401, never sent empty', async () => {
    const api = withAuth(fetch, new BearerAuth(loginAt(server.url)));
    await api(`${server.url}/api`);
    server.bearer.revokeAll();
    server.reset();
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const error = await api(`${server.url}/api`, { method: 'POST', body, duplex: 'half' } as RequestInit).catch(
      (e) => e,
    );
    expect(isAuthError(error) && error.code).toBe('ERR_BODY_NOT_REPLAYABLE');
    expect((error.response as Response).status).toBe(401);
    expect(statuses(server)).toEqual([401]);
  });
});

describe('the provider’s own requests', () => {
  it('a provider that logs in through the client wrapped with its own scheme fails with ERR_PROVIDER_REENTRY, no deadlock', async () => {
    let api: typeof fetch = fetch;
    // The mistake: the provider is handed the wrapped client, and awaits something before using it.
    const auth = new BearerAuth(async () => {
      await Promise.resolve();
      return loginAt(server.url, api)();
    });
    api = withAuth(fetch, auth);
    const errors = await Promise.all(
      [api(`${server.url}/api`), api(`${server.url}/api`)].map((p) => p.catch((e) => e)),
    );
    for (const error of errors) expect(isAuthError(error) && error.code).toBe('ERR_PROVIDER_REENTRY');
    expect(server.requests).toHaveLength(0);
  });

  it('catches it also when the provider calls the wrapped client before any await', async () => {
    let api: typeof fetch = fetch;
    const auth = new BearerAuth(() => loginAt(server.url, api)());
    api = withAuth(fetch, auth);
    const error = await api(`${server.url}/api`).catch((e) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_PROVIDER_REENTRY');
  });

  it('a login on another origin through the same wrapped client never meets the scheme: it works', async () => {
    let api: typeof fetch = fetch;
    const auth = new BearerAuth(
      loginAt(authServer.url, (...args) => api(...args)),
      { origins: [server.url] },
    );
    api = withAuth(fetch, auth);
    // authServer's tokens are not server's: only the scope and the login's path matter here.
    await api(`${server.url}/api`);
    expect(authServer.bearer.logins()).toBe(2);
    expect(authServer.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
