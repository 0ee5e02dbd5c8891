// What a BearerAuth adds to a request, end to end: sequential GETs over one
// loopback keep-alive connection pool (Node's fetch) to the test server in
// Bearer mode, with the header set by hand as the baseline, in the shared
// end-to-end harness (loopback.mjs: turns request by request, medians).

import { withAuth } from '@authbelt/adapter-fetch';
import { BearerAuth } from '@authbelt/bearer';
import { AuthBase } from '@authbelt/core';
import { alternate } from './loopback.mjs';

export const REQUESTS = 3000;
const WARM_UP = 300;

/** One request, answered and read: its status. */
async function one(fetchFn, url) {
  const response = await fetchFn(url);
  await response.arrayBuffer();
  return response.status;
}

/** @param {{ startServer?: Function }} [options] */
export async function benchBearer({ startServer } = {}) {
  const start = startServer ?? (await import('@authbelt/test-server')).startTestServer;
  const server = await start({ bearer: { users: { u: 'p' }, routes: { '/me': {} } } });
  try {
    const answer = await fetch(`${server.url}/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'u', password: 'p' }),
    });
    const { access_token: token, expires_in: expiresIn } = await answer.json();
    // The adapter's own cost: a scheme that only sets the header, as a user would write it.
    class HandWritten extends AuthBase {
      authorize(request) {
        request.headers.set('authorization', `Bearer ${token}`);
      }
    }
    const contestants = [
      {
        label: '`fetch` with `Authorization: Bearer …` set by hand',
        fetch: (url) => fetch(url, { headers: { authorization: `Bearer ${token}` } }),
      },
      {
        label: '`withAuth(fetch, auth)` with a hand-written `AuthBase` setting the header',
        fetch: withAuth(fetch, new HandWritten()),
      },
      {
        label: '`withAuth(fetch, new BearerAuth(token))`',
        fetch: withAuth(fetch, new BearerAuth(token)),
      },
      {
        label: '`withAuth(fetch, new BearerAuth(provider))` (the lifecycle, token held)',
        fetch: withAuth(fetch, new BearerAuth(async () => ({ accessToken: token, expiresIn }))),
      },
    ];
    const url = `${server.url}/me`;
    const rows = await alternate(
      contestants.map((c) => ({ label: c.label, send: () => one(c.fetch, url) })),
      {
        requests: REQUESTS,
        warmUp: WARM_UP,
        // The server keeps a record of every request: forget it now and then.
        between: (n) => {
          if (n % 500 === 499) server.reset();
        },
      },
    );
    return { requests: REQUESTS, rows };
  } finally {
    await server.close();
  }
}
