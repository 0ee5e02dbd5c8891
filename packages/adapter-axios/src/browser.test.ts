import { startTestServer, type TestServer } from '@authbelt/test-server';
import axios from 'axios';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { withAuth } from './index.js';
import { ChallengeTokenAuth, tokenBehindHop } from './test-helpers.js';

// In a browser (a `document`) a manual redirect is opaque, so the fetch
// adapter's redirects are fetch's to follow; the http adapter is Node's, and
// authbelt still follows its hops.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ routes: tokenBehindHop });
});
afterAll(async () => {
  await server.close();
});

const scope = globalThis as { document?: unknown };
beforeEach(() => {
  server.reset();
  scope.document = {};
});
afterEach(() => {
  delete scope.document;
});

describe('where a manual redirect is opaque (a browser)', () => {
  it.each([
    // Followed by fetch: the scheme sees only /token's 401 and answers it on /hop.
    ['fetch', '/hop 302, /token 401, /hop 302, /token 200'],
    ['http', '/hop 302, /token 401, /token 200'],
  ] as const)('the %s adapter’s redirects go as: %s', async (adapter, seen) => {
    const response = await withAuth(axios.create({ adapter }), new ChallengeTokenAuth()).get(`${server.url}/hop`);
    expect(response.status).toBe(200);
    expect(server.requests.map((r) => `${r.path} ${r.status}`).join(', ')).toBe(seen);
  });
});
