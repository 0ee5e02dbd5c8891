import { withAuth } from '@authbelt/adapter-fetch';
import { type AuthRequest, type AuthResponse, authenticate } from '@authbelt/core';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import {
  type Answer,
  clientOptions,
  json,
  type ScriptServer,
  serveScripts,
  startScriptServer,
} from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});

const claims = (jwt: unknown, part = 1) =>
  JSON.parse(Buffer.from(String(jwt).split('.')[part] as string, 'base64url').toString()) as Record<string, unknown>;
const apiRequests = () => server.seen.filter((r) => r.path !== '/token');

/** A token endpoint issuing one DPoP token, and an API answering `api(request index)`. */
function serve(api: (index: number) => Answer) {
  let index = 0;
  server.answer((request) =>
    request.path === '/token'
      ? json(200, { access_token: 'good-d', token_type: 'DPoP', expires_in: 3600 })
      : api(index++),
  );
}
const nonceChallenge = (status: number, challenge: string, nonce: string): Answer => ({
  status,
  headers: { 'www-authenticate': challenge, 'dpop-nonce': nonce },
});

describe('DPoP proofs (RFC 9449)', () => {
  it('are signed with the key pair given: the proof’s jwk is its public key', async () => {
    const keyPair = await oauth.generateKeyPair('ES256', { extractable: true });
    const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    serve(() => ({ status: 200 }));
    await withAuth(fetch, new OAuth2Auth(clientOptions(server, 's', { dpop: keyPair })))(`${server.url}/api`);
    const header = claims(apiRequests()[0]?.headers.dpop, 0);
    expect(header.jwk).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
  });

  it.each([
    ['a 403 use_dpop_nonce', nonceChallenge(403, 'DPoP error="use_dpop_nonce"', 'n1')],
    ['a Bearer use_dpop_nonce', nonceChallenge(401, 'Bearer error="use_dpop_nonce"', 'n1')],
    ['a DPoP challenge with another error', nonceChallenge(401, 'DPoP error="invalid_request"', 'n1')],
    ['a nonce without a challenge', { status: 401, headers: { 'dpop-nonce': 'n1' } }],
    [
      'a use_dpop_nonce challenge without a nonce',
      { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"' } },
    ],
    ['a malformed challenge', nonceChallenge(401, 'DPoP error="use_dpop_nonce', 'n1')],
  ])('%s is not a nonce challenge: no resend', async (_name, answer) => {
    serve(() => answer);
    const response = await withAuth(
      fetch,
      new OAuth2Auth(clientOptions(server, 's', { dpop: true })),
    )(`${server.url}/api`);
    expect(response.status).toBe(answer.status);
    expect(apiRequests()).toHaveLength(1);
  });

  it('a use_dpop_nonce DPoP challenge beside a Bearer one is answered once, with the nonce and the same token', async () => {
    serve((i) =>
      i === 0 ? nonceChallenge(401, 'Bearer realm="api", DPoP error="use_dpop_nonce"', 'n1') : { status: 200 },
    );
    const api = withAuth(fetch, new OAuth2Auth(clientOptions(server, 's', { dpop: true })));
    expect((await api(`${server.url}/api`)).status).toBe(200);
    expect(apiRequests().map((r) => claims(r.headers.dpop).nonce)).toEqual([undefined, 'n1']);
    // Answered as a nonce challenge, not as a rejection of the token: no new grant.
    expect(server.seen.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it('a nonce is remembered for its origin only, and the next proof there carries it', async () => {
    const other = await startScriptServer();
    try {
      serve((i) => (i === 0 ? nonceChallenge(401, 'DPoP error="use_dpop_nonce"', 'n-api') : { status: 200 }));
      other.answer(() => ({ status: 200 }));
      const api = withAuth(
        fetch,
        new OAuth2Auth(clientOptions(server, 's', { dpop: true, origins: [server.url, other.url] })),
      );
      expect((await api(`${server.url}/api`)).status).toBe(200);
      expect((await api(`${other.url}/x`)).status).toBe(200);
      expect((await api(`${server.url}/api`)).status).toBe(200);
      expect(apiRequests().map((r) => claims(r.headers.dpop).nonce)).toEqual([undefined, 'n-api', 'n-api']);
      expect(claims(other.seen[0]?.headers.dpop).nonce).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('a new nonce on a success is used by the next proof', async () => {
    serve((i) => (i === 0 ? { status: 200, headers: { 'dpop-nonce': 'n-ok' } } : { status: 200 }));
    const api = withAuth(fetch, new OAuth2Auth(clientOptions(server, 's', { dpop: true })));
    await api(`${server.url}/api`);
    await api(`${server.url}/api`);
    expect(apiRequests().map((r) => claims(r.headers.dpop).nonce)).toEqual([undefined, 'n-ok']);
  });

  it('each proof is new: its own jti and the method and URL of its request', async () => {
    serve(() => ({ status: 200 }));
    const api = withAuth(fetch, new OAuth2Auth(clientOptions(server, 's', { dpop: true })));
    await api(`${server.url}/api/a`);
    await api(`${server.url}/api/b`, { method: 'DELETE' });
    const [a, b] = apiRequests().map((r) => claims(r.headers.dpop));
    expect([a?.htm, a?.htu, b?.htm, b?.htu]).toEqual(['GET', `${server.url}/api/a`, 'DELETE', `${server.url}/api/b`]);
    expect(a?.jti).not.toBe(b?.jti);
  });
});

describe('DPoP nonce after the resend', () => {
  it('a nonce on the answer to the resend is the one the next proof carries', async () => {
    serve((i) =>
      i === 0
        ? nonceChallenge(401, 'DPoP error="use_dpop_nonce"', 'n1')
        : i === 1
          ? { status: 200, headers: { 'dpop-nonce': 'n2' } }
          : { status: 200 },
    );
    const api = withAuth(fetch, new OAuth2Auth(clientOptions(server, 's', { dpop: true })));
    await api(`${server.url}/api`);
    await api(`${server.url}/api`);
    expect(apiRequests().map((r) => claims(r.headers.dpop).nonce)).toEqual([undefined, 'n1', 'n2']);
  });
});

describe('DPoP nonces of many origins', () => {
  it('the nonces of the last 100 origins are known: a use_dpop_nonce with one of them is not answered, with one forgotten since it is', async () => {
    const origin = (i: number) => `https://api-${i}.example`;
    const origins = Array.from({ length: 101 }, (_, i) => origin(i));
    serve(() => ({ status: 500 }));
    const auth = new OAuth2Auth(clientOptions(server, 's', { dpop: true, origins }));
    /** The requests the flow sends to `url` when each is answered `status` with DPoP-Nonce n. */
    const requestsTo = async (url: string, status: 200 | 401): Promise<number> => {
      let sent = 0;
      const headers: Record<string, string> = { 'dpop-nonce': 'n' };
      if (status === 401) headers['www-authenticate'] = 'DPoP error="use_dpop_nonce"';
      await authenticate(auth, { method: 'GET', url, headers: new Headers() } satisfies AuthRequest, {
        send: async (request: AuthRequest): Promise<AuthResponse> => {
          sent++;
          return { status, url: request.url, headers: new Headers(headers) };
        },
        view: (response) => response,
        discard: async () => {},
      });
      return sent;
    };
    for (let i = 0; i < 100; i++) expect(await requestsTo(origin(i), 200)).toBe(1);
    expect(await requestsTo(origin(0), 401)).toBe(1);
    expect(await requestsTo(origin(100), 200)).toBe(1);
    expect(await requestsTo(origin(0), 401)).toBe(2);
  });
});
