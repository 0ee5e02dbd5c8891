// DigestAuth over loopback against the strict test server, through adapter-fetch.
import { withAuth } from '@authbelt/adapter-fetch';
import { authErrorOf, isAuthError, parseCredentials } from '@authbelt/core';
import { type RouteOptions, startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';

const ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-512',
  'SHA-512-sess',
] as const;
const users = { Mufasa: 'Circle of Life', 'Jäsøn Doe': 'Secret, or not?' };
const digest = { auth: 'digest', realm: 'r', users } as const;

const routes: Record<string, RouteOptions> = {
  ...Object.fromEntries(
    ALGORITHMS.flatMap((algorithm) => [
      [`/${algorithm}/auth`, { ...digest, algorithms: [algorithm], qop: ['auth'] }],
      [`/${algorithm}/auth-int`, { ...digest, algorithms: [algorithm], qop: ['auth-int'] }],
    ]),
  ),
  '/d': { ...digest, algorithms: ['SHA-256'], qop: ['auth'] },
  '/wrong': { ...digest, algorithms: ['SHA-256'], qop: ['auth'] },
  '/many': { ...digest, realm: 'many', algorithms: ['SHA-256'], qop: ['auth'] },
  '/rfc2069': { ...digest, algorithms: ['MD5'], qop: 'none' },
  '/userhash': { ...digest, algorithms: ['SHA-512-256'], qop: ['auth'], userhash: true },
  '/charset': { ...digest, algorithms: ['SHA-256'], qop: ['auth'], digestCharset: true },
  '/strongest': { ...digest, algorithms: ['MD5', 'SHA-512', 'SHA-256', 'SHA-512-256'], qop: ['auth', 'auth-int'] },
  '/stale': { ...digest, realm: 'stale', algorithms: ['SHA-256'], qop: ['auth'], nonceUses: 2 },
  '/nextnonce': { ...digest, realm: 'next', algorithms: ['SHA-256'], qop: ['auth'], nextnonce: true, authInfo: true },
  '/rspauth': { ...digest, realm: 'rsp', algorithms: ['SHA-512-256'], qop: ['auth'], authInfo: true },
  '/bad-rspauth': { ...digest, realm: 'bad', algorithms: ['SHA-256'], qop: ['auth'], authInfo: true, badRspauth: true },
  '/unknown': { ...digest, challenges: ['Digest realm="r", nonce="{nonce}", algorithm=SHA3-256, qop="auth"'] },
  '/no-nonce': { ...digest, challenges: ['Digest realm="r", algorithm=SHA-256, qop="auth"'] },
  '/unknown-qop': {
    ...digest,
    challenges: ['Digest realm="r", nonce="{nonce}", algorithm=SHA-256, qop="auth-conf, x"'],
  },
  '/one/x': {
    ...digest,
    realm: 'one',
    challenges: ['Digest realm="one", domain="/one/", nonce="{nonce}", qop="auth", opaque="{opaque}"'],
  },
  '/two/y': {
    ...digest,
    realm: 'two',
    challenges: ['Digest realm="two", domain="/two/", nonce="{nonce}", qop="auth", opaque="{opaque}"'],
  },
  '/garbage': { ...digest, challenges: ['Digest realm="r, nonce={nonce} qop=auth'] },
  '/unknown-and-md5': {
    ...digest,
    challenges: [
      'Digest realm="r", nonce="{nonce}", algorithm=SHA3-256, qop="auth", opaque="{opaque}"',
      'Digest realm="r", nonce="{nonce}", algorithm=MD5, qop="auth", opaque="{opaque}"',
    ],
  },
  '/rfc7616': {
    ...digest,
    realm: 'http-auth@example.org',
    algorithms: ['SHA-256', 'MD5'],
    qop: ['auth', 'auth-int'],
    fixedNonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    fixedOpaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ routes });
});
afterAll(async () => {
  await server.close();
});

function client(options: DigestAuthOptions = {}, user = 'Mufasa'): typeof fetch {
  return withAuth(fetch, new DigestAuth(user, users[user as keyof typeof users] ?? 'wrong', options));
}

async function status(response: Response): Promise<number> {
  await response.arrayBuffer();
  return response.status;
}

/** The Digest params of the last request the server saw on `path`. */
function lastAnswer(path: string): Record<string, string> {
  const seen = server.requests.filter((r) => r.path === path && r.headers.authorization !== undefined).at(-1);
  return parseCredentials(String(seen?.headers.authorization)).params;
}

describe('DigestAuth over the wire (test server, adapter-fetch)', () => {
  const cases = ALGORITHMS.flatMap((algorithm) => [
    [algorithm, 'auth'],
    [algorithm, 'auth-int'],
  ]);
  it.each(cases)('%s qop=%s, POST with a query', async (algorithm, qop) => {
    const path = `/${algorithm}/${qop}`;
    const before = server.stats(path);
    const response = await client()(`${server.url}${path}?q=1&r=%20`, { method: 'POST', body: '{"a":"ä"}' });
    expect(await status(response)).toBe(200);
    const after = server.stats(path);
    expect(after.requests - before.requests).toBe(2);
    expect(after.authFailures - before.authFailures).toBe(0);
    expect(lastAnswer(path)).toMatchObject({ qop, algorithm, uri: `${path}?q=1&r=%20` });
  });

  it('auth-int with a FormData body hashes exactly the bytes sent', async () => {
    const form = new FormData();
    form.set('field', 'välue');
    form.set('file', new Blob([new Uint8Array([0, 1, 2, 255])]), 'f.bin');
    const response = await client({ qop: 'auth-int' })(`${server.url}/strongest`, { method: 'POST', body: form });
    expect(await status(response)).toBe(200);
    expect(lastAnswer('/strongest').qop).toBe('auth-int');
  });

  it('picks the strongest of several challenges', async () => {
    expect(await status(await client()(`${server.url}/strongest`))).toBe(200);
    expect(lastAnswer('/strongest')).toMatchObject({ algorithm: 'SHA-512-256', qop: 'auth' });
  });

  it('answers the RFC 7616 §3.9.1 challenge (both algorithms offered, SHA-256 chosen)', async () => {
    expect(await status(await client()(`${server.url}/rfc7616`))).toBe(200);
    expect(lastAnswer('/rfc7616')).toMatchObject({
      algorithm: 'SHA-256',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
    });
  });

  it('answers an RFC 2069 (no qop) challenge with requireQop: false', async () => {
    expect(await status(await client({ requireQop: false })(`${server.url}/rfc2069`))).toBe(200);
    expect(lastAnswer('/rfc2069').qop).toBeUndefined();
  });

  it('hashes the username when the server asks, also a non-ASCII one', async () => {
    for (const user of Object.keys(users)) {
      expect(await status(await client({}, user)(`${server.url}/userhash`))).toBe(200);
      expect(lastAnswer('/userhash').userhash).toBe('true');
    }
  });

  it('sends a non-ASCII username as username* (RFC 8187) where the server announces charset=UTF-8', async () => {
    expect(await status(await client({}, 'Jäsøn Doe')(`${server.url}/charset`))).toBe(200);
    expect(lastAnswer('/charset')['username*']).toBe("UTF-8''J%C3%A4s%C3%B8n%20Doe");
  });

  it('answers stale=true once more and carries on', async () => {
    const authFetch = client();
    const before = server.stats('/stale');
    for (let i = 0; i < 5; i++) expect(await status(await authFetch(`${server.url}/stale`))).toBe(200);
    const after = server.stats('/stale');
    expect(after.stale - before.stale).toBeGreaterThan(0);
    expect(after.replays - before.replays).toBe(0);
  });

  it('follows nextnonce and checks rspauth', async () => {
    const authFetch = client();
    const before = server.stats('/nextnonce');
    for (let i = 0; i < 4; i++) expect(await status(await authFetch(`${server.url}/nextnonce`))).toBe(200);
    const after = server.stats('/nextnonce');
    expect(after.requests - before.requests).toBe(5);
    expect(after.authFailures - before.authFailures).toBe(0);
    expect(lastAnswer('/nextnonce').nc).toBe('00000001');
    expect(await status(await client()(`${server.url}/rspauth`))).toBe(200);
  });

  it('throws ERR_SERVER_NOT_AUTHENTICATED on a wrong rspauth, unless told not to check', async () => {
    let caught: unknown;
    try {
      await client()(`${server.url}/bad-rspauth`);
    } catch (error) {
      caught = error;
    }
    expect(isAuthError(caught) && caught.code).toBe('ERR_SERVER_NOT_AUTHENTICATED');
    expect(await status(await client({ verifyServer: false })(`${server.url}/bad-rspauth`))).toBe(200);
  });

  it('returns the 401 with the reason when no algorithm is supported', async () => {
    const response = await client()(`${server.url}/unknown`);
    expect(await status(response)).toBe(401);
    expect(authErrorOf(response)?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it.each([
    ['/no-nonce', 'ERR_INVALID_CHALLENGE'],
    ['/unknown-qop', 'ERR_UNSUPPORTED_QOP'],
    ['/garbage', 'ERR_CHALLENGE_SYNTAX'],
  ])('returns the 401 of %s unanswered, with %s', async (path, code) => {
    const before = server.stats(path).requests;
    const response = await client()(`${server.url}${path}`);
    expect(await status(response)).toBe(401);
    expect(authErrorOf(response)?.code).toBe(code);
    // Nothing was sent with credentials it could not compute.
    expect(server.stats(path).requests - before).toBe(1);
  });

  it('skips an unknown algorithm and answers the MD5 challenge beside it', async () => {
    expect(await status(await client()(`${server.url}/unknown-and-md5`))).toBe(200);
    expect(lastAnswer('/unknown-and-md5').algorithm).toBe('MD5');
  });

  it('two realms on one origin, each with its domain: after one 401 each, every request goes up front in the right one', async () => {
    const authFetch = client();
    const paths = ['/one/x', '/two/y', '/one/x', '/two/y', '/one/x', '/two/y'];
    const seen = () => server.stats('/one/x').requests + server.stats('/two/y').requests;
    const before = seen();
    for (const path of paths) expect(await status(await authFetch(`${server.url}${path}`))).toBe(200);
    expect(seen() - before).toBe(paths.length + 2);
  });

  it('returns the 401 after exactly one answer when the password is wrong', async () => {
    const before = server.stats('/wrong').requests;
    const response = await withAuth(fetch, new DigestAuth('Mufasa', 'wrong'))(`${server.url}/wrong`);
    expect(await status(response)).toBe(401);
    expect(server.stats('/wrong').requests - before).toBe(2);
  });

  it('10 sequential requests cost 11 server requests', async () => {
    const before = server.stats('/many').requests;
    const authFetch = client();
    for (let i = 0; i < 10; i++) expect(await status(await authFetch(`${server.url}/many?i=${i}`))).toBe(200);
    expect(server.stats('/many').requests - before).toBe(11);
  });

  it('200 concurrent requests on one instance all succeed, no nc replayed', async () => {
    const authFetch = client();
    expect(await status(await authFetch(`${server.url}/d`))).toBe(200);
    const before = server.stats('/d');
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => status(await authFetch(`${server.url}/d?i=${i}`))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const after = server.stats('/d');
    expect(after.requests - before.requests).toBe(200);
    expect(after.authFailures - before.authFailures).toBe(0);
    expect(after.replays - before.replays).toBe(0);
  });

  it('200 concurrent first requests on a fresh instance all succeed', async () => {
    const authFetch = client();
    const before = server.stats('/d');
    const statuses = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => status(await authFetch(`${server.url}/d?fresh=${i}`))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const after = server.stats('/d');
    expect(after.authFailures - before.authFailures).toBe(0);
    expect(after.replays - before.replays).toBe(0);
  });
});
