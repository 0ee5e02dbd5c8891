import { startTestServer, type TestServer } from '@authbelt/test-server';
import ky from 'ky';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth } from './test-helpers.js';

// The redirects option given explicitly wins over the default of the place
// the code runs in (a browser defaults to 'client').

let server: TestServer;
const scope = globalThis as { document?: unknown };

beforeAll(async () => {
  server = await startTestServer({
    routes: {
      '/token': { auth: 'header', header: { name: 'X-TokenAuth', value: 'tok' } },
      '/hop': { redirect: { location: '/token' } },
    },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  scope.document = {};
});
afterEach(() => {
  delete scope.document;
});

describe("redirects: 'authbelt' in a browser", () => {
  it('has authbelt follow each hop: the challenge after the redirect is answered where it was sent', async () => {
    const response = await withAuth(ky, new ChallengeTokenAuth(), { redirects: 'authbelt' }).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => `${r.path} ${r.status}`)).toEqual(['/hop 302', '/token 401', '/token 200']);
  });
});
