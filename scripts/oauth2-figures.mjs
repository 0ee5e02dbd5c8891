// Figures for @authbelt/oauth2 (issue 14), from the built packages (`pnpm build` first):
//   1. bytes a browser ships for withAuth(fetch) + OAuth2Auth (esbuild, minified, gzip -9),
//   2. per-request time of withAuth(fetch, new OAuth2Auth(...)) against fetch with the
//      header set by hand, sequential GETs over loopback keep-alive, medians of rounds.
// Usage: node scripts/oauth2-figures.mjs
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { bundleSize } from '../bench/bundle-size.mjs';

const size = await bundleSize(
  "import { withAuth } from '@authbelt/adapter-fetch'; import { OAuth2Auth } from '@authbelt/oauth2'; console.log(withAuth, OAuth2Auth);",
);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(`withAuth + OAuth2Auth: ${kb(size.minified)} minified, ${kb(size.gzipped)} gzipped`);
for (const [name, bytes] of size.byPackage) console.log(`  ${name}: ${kb(bytes)} minified`);
const oauth4webapi = fileURLToPath(
  new URL('../packages/oauth2/node_modules/oauth4webapi/build/index.js', import.meta.url),
);
const peer = await bundleSize(
  "import * as oauth from '" +
    oauth4webapi +
    "'; console.log(oauth.clientCredentialsGrantRequest, oauth.processClientCredentialsResponse, oauth.ClientSecretBasic, oauth.discoveryRequest, oauth.processDiscoveryResponse, oauth.refreshTokenGrantRequest, oauth.processRefreshTokenResponse);",
);
console.log(
  `oauth4webapi alone (the grant functions OAuth2Auth calls): ${kb(peer.minified)} minified, ${kb(peer.gzipped)} gzipped`,
);

const { withAuth } = await import('@authbelt/adapter-fetch');
const { OAuth2Auth } = await import('@authbelt/oauth2');
const TOKEN = 'figure-token-0123456789';
const server = createServer((request, response) => {
  if (request.url === '/token') {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 }));
    });
    return;
  }
  response.writeHead(request.headers.authorization === `Bearer ${TOKEN}` ? 200 : 401);
  response.end('ok');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const auth = new OAuth2Auth({ tokenEndpoint: `${origin}/token`, clientId: 'c', clientSecret: 's' });
const contestants = [
  ['fetch, Authorization set by hand', (url) => fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })],
  ['withAuth(fetch, new OAuth2Auth(...))', withAuth(fetch, auth)],
];
const PER_ROUND = 100;
const ROUNDS = 41;
const times = contestants.map(() => []);
for (let round = -3; round < ROUNDS; round++) {
  // Alternate which goes first, so drift on a shared machine falls on both.
  const order = round % 2 === 0 ? [0, 1] : [1, 0];
  for (const index of order) {
    const fetchFn = contestants[index][1];
    const start = performance.now();
    for (let i = 0; i < PER_ROUND; i++) {
      const response = await fetchFn(`${origin}/api`);
      if (response.status !== 200) throw new Error(`status ${response.status}`);
      await response.arrayBuffer();
    }
    if (round >= 0) times[index].push(((performance.now() - start) * 1000) / PER_ROUND);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [index, [label]] of contestants.entries()) {
  console.log(`${label}: ${median(times[index]).toFixed(1)} µs/request (median of ${ROUNDS} rounds of ${PER_ROUND})`);
}
const paired = times[1].map((t, i) => t - times[0][i]);
console.log(`OAuth2Auth over loopback, paired median difference: ${median(paired).toFixed(1)} µs/request`);

// The scheme's own work per request, without a socket: the flow run to its first
// request with a token held (scope check, lifecycle, header).
const request = () => ({ method: 'GET', url: `${origin}/api`, headers: new Headers() });
const N = 50_000;
for (let i = 0; i < 2000; i++) await auth.flow(request()).next();
let start = performance.now();
for (let i = 0; i < N; i++) await auth.flow(request()).next();
const flowCost = ((performance.now() - start) * 1000) / N;
start = performance.now();
for (let i = 0; i < N; i++) request().headers.set('authorization', `Bearer ${TOKEN}`);
const handCost = ((performance.now() - start) * 1000) / N;
console.log(
  `OAuth2Auth.flow to its first request: ${flowCost.toFixed(2)} µs; setting the header by hand: ${handCost.toFixed(2)} µs`,
);
server.closeAllConnections();
server.close();
