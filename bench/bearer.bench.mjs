// What a BearerAuth adds to a request, end to end: sequential GETs over one
// loopback keep-alive connection pool (Node's fetch) to the test server in
// Bearer mode, with the header set by hand as the baseline. The contestants
// take turns request by request, in a rotating order, so a noisy neighbour on
// the machine slows them all alike; each one's median request time is kept
// (its mean beside it). mitata's `measure` is not used here: it times
// synchronous work, and a request is a promise.

import { withAuth } from '@authbelt/adapter-fetch';
import { BearerAuth } from '@authbelt/bearer';
import { AuthBase } from '@authbelt/core';
export const REQUESTS = 3000;
const WARM_UP = 300;

/** One request, answered and read; its time in nanoseconds. */
async function one(fetchFn, url) {
  const started = performance.now();
  const response = await fetchFn(url);
  await response.arrayBuffer();
  const ns = (performance.now() - started) * 1e6;
  if (response.status !== 200) throw new Error(`bearer bench: ${response.status} from ${url}`);
  return ns;
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
    for (let n = 0; n < WARM_UP; n++) for (const c of contestants) await one(c.fetch, url);
    const times = contestants.map(() => []);
    for (let n = 0; n < REQUESTS; n++) {
      for (let k = 0; k < contestants.length; k++) {
        const i = (k + n) % contestants.length;
        times[i].push(await one(contestants[i].fetch, url));
      }
      // The server keeps a record of every request: forget it now and then.
      if (n % 500 === 499) server.reset();
    }
    const rows = contestants.map((c, i) => {
      const sorted = [...times[i]].sort((a, b) => a - b);
      const medianNs = sorted[Math.floor(sorted.length / 2)];
      const meanNs = sorted.reduce((sum, t) => sum + t, 0) / sorted.length;
      return { label: c.label, medianNs, meanNs, requestsPerSec: 1e9 / medianNs };
    });
    return { requests: REQUESTS, rows };
  } finally {
    await server.close();
  }
}
