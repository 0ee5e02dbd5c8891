// A password whose characters all fit in one octet (≤ U+00FF) is still hashed
// as UTF-8, as the test server (node:crypto, UTF-8) and curl hash it: Latin-1
// would be a different HA1 and a refused answer.
import { withAuth } from '@authbelt/adapter-fetch';
import { type RouteOptions, startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';

const users: Record<string, string> = { Mufasa: 'pässwörd', Jäsøn: 'ÿ' };
const routes: Record<string, RouteOptions> = {
  '/md5': { auth: 'digest', realm: 'r', users, algorithms: ['MD5'], qop: ['auth'] },
  '/sha256-sess': { auth: 'digest', realm: 'r', users, algorithms: ['SHA-256-sess'], qop: ['auth'] },
  '/rfc2069': { auth: 'digest', realm: 'r', users, algorithms: ['MD5'], qop: 'none' },
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ routes });
});
afterAll(async () => {
  await server.close();
});

describe('a password of characters at or below U+00FF, over the wire', () => {
  it.each(Object.keys(routes))('%s: signs in, user and password hashed as UTF-8', async (path) => {
    for (const [user, password] of Object.entries(users)) {
      const before = server.stats(path);
      const response = await withAuth(
        fetch,
        new DigestAuth(user, password, { requireQop: false }),
      )(`${server.url}${path}`);
      await response.arrayBuffer();
      expect(response.status).toBe(200);
      expect(server.stats(path).authFailures - before.authFailures).toBe(0);
    }
  });
});
