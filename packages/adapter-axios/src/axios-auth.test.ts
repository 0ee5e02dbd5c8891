import { BasicAuth } from '@authbelt/basic';
import { DigestAuth } from '@authbelt/digest';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios, { type AxiosBasicCredentials } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { TokenAuth } from './test-helpers.js';

// axios's own `auth` option is a header the user set (DESIGN.md): it never
// follows a redirect to another origin, and the scheme's header wins over it.

const users = { Aladdin: 'open sesame', axuser: 'SECRET' };
const statuses = [301, 302, 303, 307, 308] as const;
const axiosAuth = { username: 'axuser', password: 'SECRET' };
let server: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startTestServer({ routes: { '/landing': {} } });
  const routes: Parameters<typeof startTestServer>[0] = {
    routes: {
      '/basic': { auth: 'basic', realm: 'r', users },
      '/digest': { auth: 'digest', realm: 'd', users: { Mufasa: 'Circle of Life' } },
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
    },
  };
  for (const status of statuses) {
    // Another port on the same host is another origin (RFC 6454 §4).
    (routes.routes ?? {})[`/to-other-${status}`] = {
      auth: 'basic',
      realm: 'r',
      users,
      redirect: { location: `${other.url}/landing`, status },
    };
  }
  server = await startTestServer(routes);
});
afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});
beforeEach(() => {
  server.reset();
  other.reset();
});

const adapters = ['http', 'fetch'] as const;

/** The test server's URL for `path` with this userinfo (percent-encoded as URL writes it). */
const withUserinfo = (path: string, username = 'axuser', password = 'SECRET') => {
  const url = new URL(`${server.url}${path}`);
  url.username = username;
  url.password = password;
  return url.href;
};

describe.each(adapters)('axios’s auth option with the %s adapter', (adapter) => {
  it.each(statuses)('a %i to another origin carries no Authorization (auth on the instance)', async (status) => {
    const api = withAuth(axios.create({ adapter, auth: axiosAuth }), new BasicAuth('Aladdin', 'open sesame'));
    const response = await api.get(`${server.url}/to-other-${status}`);
    expect(response.status).toBe(200);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    // The scheme's header wins on the first origin, as the README says.
    expect(server.requests.map((r) => [r.status, r.user])).toEqual([[status, 'Aladdin']]);
  });

  it.each(statuses)('a %i to another origin carries no Authorization (auth on the request)', async (status) => {
    const api = withAuth(axios.create({ adapter }), new TokenAuth());
    const response = await api.get(`${server.url}/to-other-${status}`, { auth: axiosAuth });
    expect(response.status).toBe(200);
    // No scheme header replaces it here: axios's auth signs in on the first origin, as without authbelt.
    expect(server.requests.map((r) => [r.status, r.user])).toEqual([[status, 'axuser']]);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('answers Digest when the instance has auth, in two requests', async () => {
    const api = withAuth(axios.create({ adapter, auth: axiosAuth }), new DigestAuth('Mufasa', 'Circle of Life'));
    const response = await api.get(`${server.url}/digest`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.user ?? null])).toEqual([
      [401, null],
      [200, 'Mufasa'],
    ]);
    expect(server.requests[1]?.headers.authorization).toMatch(/^Digest /);
  });

  it('sends axios’s auth where the scheme sets no Authorization, replacing the one in headers as axios does', async () => {
    const api = withAuth(axios.create({ adapter, auth: axiosAuth }), new TokenAuth());
    const response = await api.get(`${server.url}/basic`, { headers: { Authorization: 'Bearer other' } });
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.user)).toEqual(['axuser']);
    expect(server.requests[0]?.headers['x-tokenauth']).toBe('tok');
  });
});

describe('a URL’s userinfo with the http adapter (which axios sends as Basic)', () => {
  it('gives way to the scheme’s header: Digest signs in', async () => {
    const api = withAuth(axios.create({ adapter: 'http' }), new DigestAuth('Mufasa', 'Circle of Life'));
    const response = await api.get(withUserinfo('/digest'));
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
    expect(server.requests[1]?.headers.authorization).toMatch(/^Digest /);
  });

  it('gives way to the scheme’s header with axios’s auth set too', async () => {
    const api = withAuth(
      axios.create({ adapter: 'http', auth: axiosAuth }),
      new DigestAuth('Mufasa', 'Circle of Life'),
    );
    expect((await api.get(withUserinfo('/digest'))).status).toBe(200);
  });

  it('a user-id without password gives way to the scheme’s header too: Digest signs in', async () => {
    const api = withAuth(axios.create({ adapter: 'http' }), new DigestAuth('Mufasa', 'Circle of Life'));
    const response = await api.get(withUserinfo('/digest', 'axuser', ''));
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => [r.status, r.user ?? null])).toEqual([
      [401, null],
      [200, 'Mufasa'],
    ]);
  });

  it('a password without user-id is sent to no one, not even in responseUrl, as with plain axios', async () => {
    const url = withUserinfo('/basic', '', 'SECRET');
    const responseUrl = (response: { request?: { res?: { responseUrl?: string } } }) =>
      response.request?.res?.responseUrl;
    const plain = await axios.get(url, { adapter: 'http', validateStatus: () => true });
    const ours = await withAuth(axios.create({ adapter: 'http' }), new BasicAuth('Aladdin', 'open sesame')).get(url);
    expect(ours.status).toBe(200);
    expect(responseUrl(plain)).toBe(`${server.url}/basic`);
    expect(responseUrl(ours)).toBe(responseUrl(plain));
    expect(server.requests.map((r) => [r.status, r.user ?? null])).toEqual([
      [401, null],
      [200, 'Aladdin'],
    ]);
  });

  it('still signs in where the scheme sets no Authorization, and stays on its origin', async () => {
    const api = withAuth(axios.create({ adapter: 'http' }), new TokenAuth());
    expect((await api.get(withUserinfo('/basic'))).status).toBe(200);
    expect(server.requests.map((r) => r.user)).toEqual(['axuser']);
    expect((await api.get(withUserinfo('/to-other-302'))).status).toBe(200);
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('the Authorization axios’s own credentials make (http adapter)', () => {
  /** The Authorization header plain axios, then axios under withAuth, send for `url` with `config`. */
  const sentBoth = async (url: string, config: { auth?: AxiosBasicCredentials }) => {
    await axios.get(url, { ...config, adapter: 'http', validateStatus: () => true });
    await withAuth(axios.create({ ...config, adapter: 'http' }), new TokenAuth()).get(url, {
      validateStatus: () => true,
    });
    return server.requests.map((r) => r.headers.authorization);
  };

  it.each([
    ['a user-id without password', { username: 'üser' }],
    ['a password without user-id', { password: 'SECRET' }],
    ['neither', {}],
  ])('auth with %s: the same as plain axios', async (_name, auth) => {
    const [plain, ours] = await sentBoth(`${server.url}/basic`, { auth: auth as never });
    expect(plain).toMatch(/^Basic /);
    expect(ours).toBe(plain);
  });

  it.each([
    ['a user-id and password to percent-encode', 'a user', 'p@ss word'],
    ['a user-id without password', 'axuser', ''],
    ['a password without user-id (axios sends nothing)', '', 'SECRET'],
  ])('a URL’s userinfo with %s: the same as plain axios', async (_name, username, password) => {
    const [plain, ours] = await sentBoth(withUserinfo('/basic', username, password), {});
    expect(ours).toBe(plain);
    expect(plain === undefined).toBe(username === '');
  });
});

describe('a URL’s userinfo with the fetch adapter (fetch refuses a URL with credentials)', () => {
  it.each([
    ['a user-id and password', 'axuser', 'SECRET'],
    ['a user-id without password', 'axuser', ''],
    ['a password without user-id', '', 'SECRET'],
  ])('with %s: refused as plain axios refuses it, and nothing is sent', async (_name, username, password) => {
    const url = withUserinfo('/basic', username, password);
    const failure = (pending: Promise<unknown>) =>
      pending.then(
        () => 'sent',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    const plain = await failure(axios.get(url, { adapter: 'fetch' }));
    const ours = await failure(
      withAuth(axios.create({ adapter: 'fetch' }), new BasicAuth('Aladdin', 'open sesame')).get(url),
    );
    expect(plain).toMatch(/credentials/);
    expect(ours).toBe(plain);
    expect(server.requests).toHaveLength(0);
  });
});
