import { withAuth } from '@authbelt/adapter-fetch';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BearerAuth } from './bearer-auth.js';
import { TokenScope } from './scope.js';

const TOKEN = 'mF_9.B5f-4.1JqM';
const BEARER = { auth: 'header', header: { name: 'authorization', value: `Bearer ${TOKEN}` } } as const;

let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  server = await startTestServer({
    routes: {
      '/bearer': BEARER,
      '/to-bearer': { ...BEARER, redirect: { location: '/bearer' } },
      '/to-other': { ...BEARER, redirect: { location: `${other.url}/landing` } },
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

const get = (url: string) => ({ method: 'GET', url, headers: new Headers() });

const refusal = (code: string, message: string) => expect.objectContaining({ name: 'AuthError', code, message });

describe('where a token goes', () => {
  it('keeps the token on a redirect within its origin', async () => {
    const response = await withAuth(fetch, new BearerAuth(TOKEN))(`${server.url}/to-bearer`);
    expect(response.status).toBe(200);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
  });

  it('carries no token on a redirect to another origin, even one it lists', async () => {
    const api = withAuth(fetch, new BearerAuth(TOKEN, { origins: [server.url, other.url] }));
    expect((await api(`${server.url}/to-other`)).status).toBe(200);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests[0]?.path).toBe('/landing');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('does not apply to an origin it does not list, not even within one exchange there', () => {
    const scope = new TokenScope({ origins: ['https://api.example.test'] }, 'a Bearer token');
    const elsewhere = new URL('https://elsewhere.example.test/x');
    expect(scope.appliesTo(elsewhere, new URL('https://elsewhere.example.test/'))).toBe(false);
    const listed = new URL('https://api.example.test/x');
    expect(scope.appliesTo(listed, new URL('https://api.example.test/'))).toBe(true);
  });

  it('goes to a listed https origin (URL or string) that is not loopback', async () => {
    for (const origin of ['https://api.example.test', new URL('https://api.example.test:8443/ignored/path')]) {
      const auth = new BearerAuth(TOKEN, { origins: [origin] });
      const url = typeof origin === 'string' ? `${origin}/me` : 'https://api.example.test:8443/me';
      const step = await auth.flow(get(url)).next();
      expect(step.value?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    }
  });

  it('once scoped to https://a.test, sends nothing to a same-length origin whose path ends in https://a.test', async () => {
    const auth = new BearerAuth(TOKEN);
    await auth.flow(get('https://a.test/first')).next();
    const step = await auth.flow(get('https://b.test/https://a.test')).next();
    expect(step.value?.headers.has('authorization')).toBe(false);
  });
});

describe('scope options', () => {
  it.each([
    ['not a URL', 'api.example.test'],
    ['empty', ''],
    ['not a string', 42],
  ])('refuses an origin that is %s, naming its position', (_name, origin) => {
    expect(() => new BearerAuth(TOKEN, { origins: ['https://api.example.test', origin as string] })).toThrow(
      refusal('ERR_INVALID_ARGUMENT', 'origins[1] is not an http(s) URL'),
    );
  });

  it.each([
    [{ origins: 'https://api.example.test' }, 'BearerAuth option origins must be a non-empty array of http(s) origins'],
    [{ allowInsecureHttp: 1 }, 'BearerAuth option allowInsecureHttp must be a boolean'],
  ])('says what a bad option must be (case %#)', (options, message) => {
    expect(() => new BearerAuth(TOKEN, options as never)).toThrow(refusal('ERR_INVALID_ARGUMENT', message));
  });

  it('names the host and port it refuses plain http to, and the way out', async () => {
    const flow = new BearerAuth(TOKEN).flow(get('http://api.example.test:8080/x'));
    await expect(flow.next()).rejects.toThrow(
      refusal(
        'ERR_INSECURE_TRANSPORT',
        'Refusing to send a Bearer token over plain http to api.example.test:8080; use https or { allowInsecureHttp: true }',
      ),
    );
  });
});
