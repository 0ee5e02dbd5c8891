// BasicAuth's charset rule (RFC 7617 §2.1) over loopback: configured for
// latin1, it answers a challenge that announces charset="UTF-8" once more in
// UTF-8, and no other 401.
import { withAuth } from '@authbelt/adapter-fetch';
import { authErrorOf } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BasicAuth } from './basic-auth.js';

const users = { test: '123£' };
const LATIN1 = 'Basic dGVzdDoxMjOj';
const UTF8 = 'Basic dGVzdDoxMjPCow==';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      // Announces charset="UTF-8" and reads only UTF-8.
      '/utf8': { auth: 'basic', realm: 'r', users, charset: 'UTF-8' },
      // Announces no charset.
      '/plain': { auth: 'basic', realm: 'r', users },
      '/lower': { auth: 'basic', users, challenges: ['Basic realm="r", charset="utf-8"'] },
      '/digest-first': {
        auth: 'basic',
        users,
        challenges: ['Digest realm="r", nonce="n", qop="auth"', 'Basic realm="r", charset="UTF-8"'],
      },
      '/digest-utf8': {
        auth: 'basic',
        users,
        challenges: ['Basic realm="r"', 'Digest realm="r", nonce="n", qop="auth", charset=UTF-8'],
      },
      '/none': { auth: 'basic', users, challenges: [] },
      '/garbled': { auth: 'basic', users, challenges: ['Basic realm="r'] },
    },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

/** The Authorization header of each request the server saw, in order. */
const sent = (): unknown[] => server.requests.map((request) => request.headers.authorization);

describe('BasicAuth with charset latin1, over the wire', () => {
  it('answers a charset="UTF-8" challenge once more in UTF-8, and gets in', async () => {
    const response = await withAuth(fetch, new BasicAuth('test', '123£', { charset: 'latin1' }))(`${server.url}/utf8`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(sent()).toEqual([LATIN1, UTF8]);
  });

  it('reads the charset parameter case-insensitively (charset="utf-8")', async () => {
    const response = await withAuth(fetch, new BasicAuth('test', '123£', { charset: 'latin1' }))(`${server.url}/lower`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(sent()).toEqual([LATIN1, UTF8]);
  });

  it('finds the Basic challenge with charset="UTF-8" after another scheme', async () => {
    const auth = new BasicAuth('test', '123£', { charset: 'latin1' });
    const response = await withAuth(fetch, auth)(`${server.url}/digest-first`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(sent()).toEqual([LATIN1, UTF8]);
  });

  it.each([
    ['a Basic challenge without charset', '/plain'],
    ["another scheme's charset=UTF-8 beside a Basic challenge without one", '/digest-utf8'],
    ['a 401 without WWW-Authenticate', '/none'],
  ])('returns the 401 after one request for %s', async (_what, path) => {
    const response = await withAuth(
      fetch,
      new BasicAuth('test', '123£', { charset: 'latin1' }),
    )(`${server.url}${path}`);
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    expect(sent()).toEqual([LATIN1]);
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('does not send the same credentials twice when they read the same in UTF-8 (ASCII, wrong password)', async () => {
    const auth = new BasicAuth('test', 'wrong', { charset: 'latin1' });
    const response = await withAuth(fetch, auth)(`${server.url}/utf8`);
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    expect(sent()).toEqual(['Basic dGVzdDp3cm9uZw==']);
  });

  it('returns a 401 whose challenge it cannot parse, with the reason in authErrorOf', async () => {
    const auth = new BasicAuth('test', '123£', { charset: 'latin1' });
    const response = await withAuth(fetch, auth)(`${server.url}/garbled`);
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    expect(sent()).toEqual([LATIN1]);
    expect(authErrorOf(response)?.code).toBe('ERR_CHALLENGE_SYNTAX');
  });
});

describe('BasicAuth with charset utf-8, over the wire', () => {
  it('sends UTF-8 once and does not read the challenge: a 401 it could not parse comes back without a reason', async () => {
    const response = await withAuth(fetch, new BasicAuth('test', 'wrong£'))(`${server.url}/garbled`);
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    expect(sent()).toEqual(['Basic dGVzdDp3cm9uZ8Kj']);
    expect(authErrorOf(response)).toBeUndefined();
  });

  it('gets in with one request where the server announces charset="UTF-8"', async () => {
    const response = await withAuth(fetch, new BasicAuth('test', '123£'))(`${server.url}/utf8`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    expect(sent()).toEqual([UTF8]);
  });
});
