import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from './index.js';

// Hand-made requests only: nothing of the client packages.
let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(() => server?.close());

const login = (url: string, body: unknown) =>
  fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('Bearer mode', () => {
  it('issues tokens from the login endpoint and answers each RFC 6750 §3.1 case', async () => {
    server = await startTestServer({
      bearer: { users: { ada: 'lovelace' }, routes: { '/api': {}, '/admin': { scope: 'admin' } }, lifetime: 60 },
    });
    expect((await login(server.url, { username: 'ada', password: 'wrong' })).status).toBe(401);
    const answer = await login(server.url, { username: 'ada', password: 'lovelace' });
    const { access_token, token_type, expires_in } = await answer.json();
    expect([answer.status, token_type, expires_in]).toEqual([200, 'Bearer', 60]);

    const bare = await fetch(`${server.url}/api`);
    expect([bare.status, bare.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="authbelt-test"']);
    const ok = await fetch(`${server.url}/api`, { headers: { authorization: `Bearer ${access_token}` } });
    expect([ok.status, (await ok.json()).user]).toEqual([200, 'ada']);
    const scope = await fetch(`${server.url}/admin`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(scope.status).toBe(403);
    expect(scope.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="admin"');
    const malformed = await fetch(`${server.url}/api`, { headers: { authorization: 'Bearer a b' } });
    expect(malformed.status).toBe(400);
    const unknown = await fetch(`${server.url}/api`, { headers: { authorization: 'Bearer nope' } });
    expect([unknown.status, unknown.headers.get('www-authenticate')]).toEqual([
      401,
      'Bearer realm="authbelt-test", error="invalid_token", error_description="The access token is unknown"',
    ]);
    server.bearer.revokeAll();
    const revoked = await fetch(`${server.url}/api`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(revoked.headers.get('www-authenticate')).toContain('revoked');
    expect(server.bearer.logins()).toBe(1);
    expect(server.bearer.failedLogins()).toBe(1);
    expect(server.bearer.requestsPerToken().get(access_token)).toBe(3);
  });

  it('refuses a token once its lifetime is over, and issues JWTs with exp on request', async () => {
    server = await startTestServer({ bearer: { users: { ada: 'l' }, routes: { '/api': {} }, jwt: true } });
    server.bearer.setLifetime(0);
    const { access_token, expires_in } = await (await login(server.url, { username: 'ada', password: 'l' })).json();
    expect(expires_in).toBeUndefined();
    const claims = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString());
    expect(typeof claims.exp).toBe('number');
    const expired = await fetch(`${server.url}/api`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(expired.headers.get('www-authenticate')).toContain('expired');
  });
});
