import { inspect } from 'node:util';
import { withAuth } from '@authbelt/adapter-fetch';
import { type AuthBase, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiKeyAuth } from './api-key-auth.js';
import { BearerAuth } from './bearer-auth.js';
import { caught } from './test-helpers.js';

const TOKEN = 'mF_9.B5f-4.1JqM';
const KEY = 'k3y+with/odd=&chars ü';

let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {}, '/bearer': {} } });
  server = await startTestServer({
    routes: {
      '/bearer': { auth: 'header', header: { name: 'authorization', value: `Bearer ${TOKEN}` } },
      '/bearer-refused': {
        auth: 'header',
        header: { name: 'authorization', value: 'Bearer another' },
        challenges: ['Bearer realm="r", error="invalid_token"'],
      },
      '/x-api-key': { auth: 'header', header: { name: 'x-api-key', value: 'k-123' } },
      '/token-scheme': { auth: 'header', header: { name: 'authorization', value: 'Token 9944b09199c62bcf' } },
      '/open': {},
      '/to-other': {
        auth: 'header',
        header: { name: 'authorization', value: `Bearer ${TOKEN}` },
        redirect: { location: `${other.url}/landing` },
      },
    },
  });
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
});

describe('BearerAuth with a static token', () => {
  it('sends Authorization: Bearer <token> (RFC 6750 §2.1) in one request', async () => {
    const response = await withAuth(fetch, new BearerAuth(TOKEN))(`${server.url}/bearer`);
    expect(response.status).toBe(200);
    expect(server.stats('/bearer').requests).toBe(1);
  });

  it('returns a 401 as it is: a static token cannot be renewed', async () => {
    const response = await withAuth(fetch, new BearerAuth(TOKEN))(`${server.url}/bearer-refused`);
    expect(response.status).toBe(401);
    expect(server.stats('/bearer-refused').requests).toBe(1);
  });

  it.each([
    ['a space', 'mF_9 B5f'],
    ['CR LF', 'mF_9\r\nX-Evil: 1'],
    ['NUL', 'mF_9\0'],
    ['a non-ASCII letter', 'mF_9ü'],
    ['= before the end', 'mF=_9'],
    ['only =', '=='],
    ['nothing', ''],
  ])('refuses a token with %s at construction, without echoing it', (_name, token) => {
    const error = caught(() => new BearerAuth(token));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    if (token.length > 2) expect((error as Error).message).not.toContain(token.slice(0, 4));
  });

  it('accepts every b64token character and trailing =', () => {
    expect(() => new BearerAuth('AZaz09-._~+/==')).not.toThrow();
  });

  it.each([
    [{ origin: ['https://a.test'] }, /origin/],
    [{ renewBefore: -1 }, /renewBefore/],
    [{ allowInsecureHttp: 'yes' }, /allowInsecureHttp/],
    [{ origins: ['ftp://a.test'] }, /origins\[0\]/],
    [{ origins: [] }, /origins/],
  ])('refuses bad options at construction, naming the option (case %#)', (options, name) => {
    const error = caught(() => new BearerAuth(TOKEN, options as never));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(name);
  });

  it('keeps the token to the origin of its first request', async () => {
    const api = withAuth(fetch, new BearerAuth(TOKEN));
    expect((await api(`${server.url}/bearer`)).status).toBe(200);
    await api(`${other.url}/bearer`);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('goes to every listed origin, and nowhere else', async () => {
    const api = withAuth(fetch, new BearerAuth(TOKEN, { origins: [other.url] }));
    await api(`${other.url}/bearer`);
    expect(other.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((await api(`${server.url}/bearer`)).status).toBe(401);
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it.each([
    'https://a.test@evil.test/',
    'https://a.test.evil.test/',
    'https://a.test:8443/',
    'http://a.test/',
  ])('once scoped to https://a.test, sends nothing to %s', async (url) => {
    const auth = new BearerAuth(TOKEN, { allowInsecureHttp: true });
    await auth.flow({ method: 'GET', url: 'https://a.test/first', headers: new Headers() }).next();
    const step = await auth.flow({ method: 'GET', url, headers: new Headers() }).next();
    expect(step.value?.headers.has('authorization')).toBe(false);
  });

  it('does not follow a redirect to another origin', async () => {
    const response = await withAuth(fetch, new BearerAuth(TOKEN))(`${server.url}/to-other`);
    expect(response.status).toBe(200);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests[0]?.path).toBe('/landing');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses plain http to a host that is not loopback, before anything is sent', async () => {
    const auth = new BearerAuth(TOKEN);
    const flow = auth.flow({ method: 'GET', url: 'http://api.example.test/x?secret=1', headers: new Headers() });
    const error = await flow.next().catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_INSECURE_TRANSPORT');
    expect((error as Error).message).toContain('api.example.test');
    expect((error as Error).message).not.toContain('secret');
    // Refused, the request fixed no scope: https to the same host still works.
    const step = await auth.flow({ method: 'GET', url: 'https://api.example.test/', headers: new Headers() }).next();
    expect(step.value?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('sends over plain http when told to', async () => {
    const flow = new BearerAuth(TOKEN, { allowInsecureHttp: true }).flow({
      method: 'GET',
      url: 'http://api.example.test/',
      headers: new Headers(),
    });
    expect((await flow.next()).value?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('refuses a listed plain-http origin that is not loopback at construction', () => {
    const error = caught(() => new BearerAuth(TOKEN, { origins: ['http://api.example.test'] }));
    expect(isAuthError(error) && error.code).toBe('ERR_INSECURE_TRANSPORT');
  });
});

describe('ApiKeyAuth', () => {
  it('puts the key in a header of its own', async () => {
    const response = await withAuth(fetch, new ApiKeyAuth('k-123', { header: 'X-API-Key' }))(`${server.url}/x-api-key`);
    expect(response.status).toBe(200);
  });

  it('puts the key after a scheme in Authorization', async () => {
    const auth = new ApiKeyAuth('9944b09199c62bcf', { header: 'Authorization', scheme: 'Token' });
    expect((await withAuth(fetch, auth)(`${server.url}/token-scheme`)).status).toBe(200);
  });

  it('puts the key in the query, percent-encoded, replacing one the URL had and keeping the rest as written', async () => {
    const api = withAuth(fetch, new ApiKeyAuth(KEY, { query: 'api_key' }));
    expect((await api(`${server.url}/open?a=1%20b&api_key=old&c=%7E`)).status).toBe(200);
    const target = server.requests[0]?.target ?? '';
    expect(target.startsWith('/open?a=1%20b&c=%7E&api_key=')).toBe(true);
    expect(new URL(target, server.url).searchParams.getAll('api_key')).toEqual([KEY]);
  });

  it('keeps the key to its origin', async () => {
    const api = withAuth(fetch, new ApiKeyAuth('k-123', { query: 'api_key' }));
    await api(`${server.url}/open`);
    await api(`${other.url}/landing`);
    expect(other.requests[0]?.target).toBe('/landing');
  });

  it.each([
    ['CR LF in a header key', 'k\r\nX-Evil: 1', { header: 'X-API-Key' }],
    ['NUL in a header key', 'k\0', { header: 'X-API-Key' }],
    ['a leading space', ' k', { header: 'X-API-Key' }],
    ['a character above U+00FF in a header key', 'kĀ', { header: 'X-API-Key' }],
    ['a space after a scheme', 'k 1', { header: 'Authorization', scheme: 'Token' }],
    ['an empty key', '', { query: 'api_key' }],
    ['a lone surrogate in a query key', 'k\ud800', { query: 'api_key' }],
  ])('refuses %s with ERR_INVALID_CREDENTIALS at construction', (_name, key, options) => {
    const error = caught(() => new ApiKeyAuth(key, options));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
  });

  it.each([
    [{ header: 'X-API-Key', query: 'api_key' }, /exactly one/],
    [{}, /exactly one/],
    [{ header: 'X API' }, /header/],
    [{ header: 'Authorization', scheme: 'To ken' }, /scheme/],
    [{ query: 'api_key', scheme: 'Token' }, /scheme/],
    [{ query: '' }, /query/],
    [{ header: 'X-API-Key', prefix: 'Token' }, /prefix/],
  ])('refuses bad options at construction, naming the option (case %#)', (options, name) => {
    const error = caught(() => new ApiKeyAuth('k', options as never));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toMatch(name);
  });
});

describe('secrets stay secret', () => {
  const SECRET = 'S3cr3tT0k3n';
  it.each([
    ['BearerAuth (static)', () => new BearerAuth(SECRET)],
    ['BearerAuth (provider)', () => new BearerAuth(async () => SECRET)],
    ['ApiKeyAuth (header)', () => new ApiKeyAuth(SECRET, { header: 'X-API-Key' })],
    ['ApiKeyAuth (query)', () => new ApiKeyAuth(SECRET, { query: 'key' })],
    ['ApiKeyAuth (scheme)', () => new ApiKeyAuth(SECRET, { header: 'Authorization', scheme: 'Token' })],
  ])('%s: not in inspect() nor JSON, also after use', async (_name, make: () => AuthBase) => {
    const auth = make();
    await withAuth(fetch, auth)(`${server.url}/open`);
    expect(inspect(auth, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(auth)).not.toContain(SECRET);
    expect(String(auth)).not.toContain(SECRET);
  });
});
