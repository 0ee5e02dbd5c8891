import { withAuth } from '@authbelt/adapter-fetch';
import type { AuthRequest } from '@authbelt/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import {
  clientOptions,
  codeOf,
  failure,
  form,
  json,
  type OptionChanges,
  type ScriptServer,
  serveScripts,
} from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});
afterEach(() => {
  vi.useRealTimers();
});

const options = (extra: OptionChanges = {}) => clientOptions(server, 'client-secret', extra);
const grants = () => server.seen.filter((r) => r.path === '/token').length;

/** A token endpoint numbering tokens that live `expiresIn` seconds, and an API that takes any. */
function serve(expiresIn: number | undefined) {
  let n = 0;
  server.answer((request) =>
    request.path === '/token'
      ? json(200, {
          access_token: `t${++n}`,
          token_type: 'Bearer',
          ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
        })
      : { status: 200 },
  );
}

/** Fake only Date, starting now. */
const frozen = () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  return Date.now();
};

describe('renewal before expiry', () => {
  it.each([
    [undefined, 3600, 3540],
    [0, 3600, 3600],
    [30, 3600, 3570],
    [60, 100, 50],
  ])('renewBefore %s: a token of %s seconds is renewed on use %s seconds after it came', async (renewBefore, lifetime, at) => {
    serve(lifetime);
    const start = frozen();
    const api = withAuth(fetch, new OAuth2Auth(options(renewBefore === undefined ? {} : { renewBefore })));
    await api(`${server.url}/api`);
    vi.setSystemTime(start + at * 1000 - 1);
    await api(`${server.url}/api`);
    expect(grants()).toBe(1);
    vi.setSystemTime(start + at * 1000);
    await api(`${server.url}/api`);
    expect(grants()).toBe(2);
  });

  it('a given token with expiresAt: renewed by the same rule; one that expires now is never sent', async () => {
    serve(3600);
    const start = frozen();
    const api = withAuth(
      fetch,
      new OAuth2Auth(options({ tokens: { accessToken: 'given', expiresAt: start + 100_000 } })),
    );
    await api(`${server.url}/api`);
    vi.setSystemTime(start + 49_999);
    await api(`${server.url}/api`);
    expect(grants()).toBe(0);
    vi.setSystemTime(start + 50_000);
    await api(`${server.url}/api`);
    expect(grants()).toBe(1);
    const now = withAuth(fetch, new OAuth2Auth(options({ tokens: { accessToken: 'given', expiresAt: Date.now() } })));
    await now(`${server.url}/api`);
    expect(server.seen.at(-1)?.headers.authorization).toBe('Bearer t2');
  });

  it('a token without expires_in is used until the server rejects it', async () => {
    serve(undefined);
    const start = frozen();
    const api = withAuth(fetch, new OAuth2Auth(options()));
    await api(`${server.url}/api`);
    vi.setSystemTime(start + 10 * 365 * 24 * 3600 * 1000);
    await api(`${server.url}/api`);
    expect(grants()).toBe(1);
  });
});

describe('the refresh token grant', () => {
  it('carries the scope and resources of the scheme', async () => {
    serve(3600);
    await withAuth(
      fetch,
      new OAuth2Auth(
        options({ tokens: { refreshToken: 'r1' }, scope: ['a', 'b'], resource: 'https://api.example.org/' }),
      ),
    )(`${server.url}/api`);
    const body = form(server.seen[0]);
    expect([body.get('grant_type'), body.get('refresh_token'), body.get('scope'), body.getAll('resource')]).toEqual([
      'refresh_token',
      'r1',
      'a b',
      ['https://api.example.org/'],
    ]);
  });
});

describe('use_dpop_nonce at the token endpoint', () => {
  it('without dpop, it is an error after one request', async () => {
    server.answer(() => json(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'n' }));
    const error = await failure(withAuth(fetch, new OAuth2Auth(options()))(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_ERROR');
    expect(server.seen).toHaveLength(1);
  });

  it('twice in a row with dpop: ERR_OAUTH_RESPONSE saying so', async () => {
    let n = 0;
    server.answer(() => json(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': `n${n++}` }));
    const error = await failure(withAuth(fetch, new OAuth2Auth(options({ dpop: true })))(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_RESPONSE');
    expect((error as Error).message).toBe(
      'The authorization server asked for a new DPoP nonce twice in a row for the client credentials grant',
    );
  });

  it('once with dpop, then another refusal: that refusal as it is, not a second nonce', async () => {
    let n = 0;
    server.answer(() =>
      n++ === 0
        ? json(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'as-n' })
        : json(400, { error: 'invalid_scope' }),
    );
    const error = await failure(withAuth(fetch, new OAuth2Auth(options({ dpop: true })))(`${server.url}/api`));
    expect(codeOf(error)).toBe('ERR_OAUTH_ERROR');
    expect((error as Error).message).toBe(
      'The authorization server answered the client credentials grant with 400 invalid_scope',
    );
    expect(grants()).toBe(2);
  });

  it('once with dpop: answered with a proof carrying the nonce, and the token is held', async () => {
    let n = 0;
    server.answer((request) =>
      request.path !== '/token'
        ? { status: 200 }
        : n++ === 0
          ? json(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'as-n' })
          : json(200, { access_token: 'd1', token_type: 'DPoP' }),
    );
    expect((await withAuth(fetch, new OAuth2Auth(options({ dpop: true })))(`${server.url}/api`)).status).toBe(200);
    expect(server.seen.map((r) => r.path)).toEqual(['/token', '/token', '/api']);
    expect(server.seen.at(-1)?.headers.authorization).toBe('DPoP d1');
  });
});

describe('authorize()', () => {
  it('adds the current token to any request it is given', async () => {
    serve(3600);
    const auth = new OAuth2Auth(options());
    const request: AuthRequest = { method: 'GET', url: 'https://elsewhere.example/', headers: new Headers() };
    await auth.authorize(request);
    expect(request.headers.get('authorization')).toBe('Bearer t1');
    expect(request.headers.has('dpop')).toBe(false);
  });
});
