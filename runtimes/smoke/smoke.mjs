// The smoke suite: one module, run unchanged under every runtime (Node, Deno,
// Bun, Chromium, Firefox, workerd). It imports nothing itself: each runtime's entry
// hands it the packages it loaded, so the same checks see exactly what that
// runtime resolved through the packages' `exports` conditions.
//
// A check returns 'pass', or throws (fail), or throws a Skip (what is missing).

/** A check that cannot run here, and why. */
export class Skip extends Error {
  name = 'Skip';
}

/** The checks, in table order. Entries may add their own (require, types) before these. */
export const CHECKS = [
  'import',
  'parse',
  'basic vector',
  'digest MD5',
  'digest SHA-256',
  'digest SHA-512-256',
  'hash path',
  'live Basic (fetch)',
  'live Digest (fetch)',
  'live Digest non-ASCII user (fetch)',
  'live Basic (ky)',
  'live Digest (ky)',
  'live auth-int POST (fetch)',
  'live auth-int POST (ky)',
  'live Bearer (fetch)',
  'live OAuth2 client credentials (fetch)',
];

/** What each published package must export, checked after import and require(). */
export const EXPECTED_EXPORTS = {
  '@authbelt/core': ['parseChallenges', 'parseAuthParams', 'AuthBase', 'authenticate', 'AuthError', 'isAuthError'],
  '@authbelt/basic': ['BasicAuth', 'ProxyBasicAuth'],
  '@authbelt/digest': ['DigestAuth', 'digestAuthorization'],
  '@authbelt/proxy-digest': ['ProxyDigestAuth'],
  '@authbelt/guess': ['GuessAuth', 'GuessProxyAuth'],
  '@authbelt/handler': ['AuthHandler'],
  '@authbelt/adapter-fetch': ['withAuth'],
  '@authbelt/adapter-fetch/proxy': ['proxyDispatcher'],
  '@authbelt/adapter-axios': ['withAuth'],
  '@authbelt/adapter-ky': ['withAuth', 'authHooks'],
  '@authbelt/bearer': ['BearerAuth', 'ApiKeyAuth', 'isTokenRejection'],
  '@authbelt/oauth2': ['OAuth2Auth'],
  '@authbelt/oauth2/node': ['signInWithLoopback'],
};

/** Missing exports of each loaded package, as "pkg: name" strings. */
export function missingExports(modules) {
  const missing = [];
  for (const [name, module] of Object.entries(modules)) {
    for (const key of EXPECTED_EXPORTS[name] ?? []) {
      if (module === null || module === undefined || typeof module[key] === 'undefined')
        missing.push(`${name}: ${key}`);
    }
  }
  return missing;
}

function need(modules, unavailable, name) {
  const module = modules[name];
  if (module === undefined) throw new Skip(`${name} not packed (${unavailable[name] ?? 'not built'})`);
  return module;
}

/** Live requests get this long: a browser waiting on its own login prompt never answers. */
const LIVE_TIMEOUT_MS = 15_000;

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no response in ${LIVE_TIMEOUT_MS / 1000}s`)), LIVE_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function assertEqual(actual, expected, what) {
  if (actual !== expected)
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function responseParam(header) {
  const match = /(?:^|[ ,])response="([0-9a-f]+)"/.exec(header);
  if (match === null) throw new Error(`no response parameter in ${header}`);
  return match[1];
}

function digestVector(modules, unavailable, vectors, algorithm) {
  const { digestAuthorization } = need(modules, unavailable, '@authbelt/digest');
  const selected = vectors.filter((v) => v.algorithm === algorithm);
  if (selected.length === 0) throw new Error(`no ${algorithm} vector in vectors/digest.json`);
  for (const v of selected) {
    const challenge = { realm: v.realm, nonce: v.nonce, qop: v.qop, algorithm: v.algorithm };
    if (v.opaque !== undefined) challenge.opaque = v.opaque;
    if (v.userhash) challenge.userhash = 'true';
    if (v.charset !== undefined) challenge.charset = v.charset;
    const header = digestAuthorization({
      challenge,
      method: v.method,
      uri: v.uri,
      username: v.username,
      password: v.password,
      cnonce: v.cnonce,
      nc: Number.parseInt(v.nc, 16),
    });
    assertEqual(responseParam(header), v.response, `${v.source} response`);
    if (v.usernameSent !== undefined && !header.includes(`username="${v.usernameSent}"`)) {
      throw new Error(`${v.source}: username should be the userhash ${v.usernameSent}: ${header}`);
    }
  }
  return `${selected.length} vector${selected.length === 1 ? '' : 's'}`;
}

// A body for Digest qop=auth-int: its hash is in the answer, and the server echoes what it got.
const POST_BODY = 'auth-int body, \u00e9, sent twice';

/** The echo of a POST to the test server: 200, and the very bytes sent. */
async function expectEcho(response, what) {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: status ${response.status} ${text.slice(0, 120)}`);
  const sent = Array.from(new TextEncoder().encode(POST_BODY));
  const got = Array.from(atob(JSON.parse(text).bodyBase64), (c) => c.charCodeAt(0));
  assertEqual(got.join(','), sent.join(','), `${what}: body the server got`);
  return `200 OK, ${sent.length}-octet body`;
}

async function expectOk(response, what) {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: status ${response.status} ${text.slice(0, 120)}`);
  return `200 OK`;
}

/**
 * Run every check. `env`:
 * - `modules`: package name -> module namespace, as this runtime loaded it
 * - `unavailable`: package name -> why it is not there (not built)
 * - `vectors`: `{ digest, basic }` arrays from ../shared/vectors, embedded at build time
 * - `serverUrl`: the test server (or CORS proxy) base URL; undefined skips live checks
 * - `credentials`: `{ username, password }` the test server accepts
 * - `expectedHash`: 'node' or 'js', the hash path meant for this runtime
 * - `hashFallback`: how to tell the hash path when @authbelt/digest does not export it
 * - `ky`: the ky module, or an Error saying why it did not load
 * - `fetchInit`, `kyInit`: extra options for the live fetch and ky requests (the browser's credentials mode)
 *
 * Returns `{ [check]: { status: 'pass' | 'fail' | 'skip', detail } }`.
 */
export async function runSmoke(env) {
  const { modules, unavailable = {}, vectors, serverUrl, credentials, fetchInit = {}, kyInit = {} } = env;
  const results = {};
  const run = async (name, fn) => {
    try {
      const detail = await fn();
      results[name] = { status: 'pass', detail: detail ?? '' };
    } catch (error) {
      const skip = error instanceof Skip;
      results[name] = { status: skip ? 'skip' : 'fail', detail: describe(error) };
    }
  };
  const live = () => {
    if (serverUrl === undefined) throw new Skip(env.serverMissing ?? 'no test server URL given');
    return serverUrl;
  };

  await run('import', () => {
    const missing = missingExports(modules);
    if (missing.length > 0) throw new Error(`missing exports: ${missing.join(', ')}`);
    const count = Object.keys(modules).length;
    const absent = Object.keys(unavailable);
    if (absent.length > 0) return `${count} packages (not built: ${absent.join(', ')})`;
    return `${count} packages`;
  });

  await run('parse', () => {
    const { parseChallenges, parseAuthParams, isAuthError } = need(modules, unavailable, '@authbelt/core');
    const challenges = parseChallenges(
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple, with comma", ' +
        'Digest realm="x", nonce="n", algorithm=SHA-256',
    );
    assertEqual(challenges.length, 3, 'challenge count');
    assertEqual(challenges[0].params.title, 'Login to "apps"', 'escaped quoted-string');
    assertEqual(challenges[1].scheme, 'basic', 'scheme (lower-cased)');
    assertEqual(challenges[1].params.realm, 'simple, with comma', 'realm with a comma');
    assertEqual(challenges[2].params.algorithm, 'SHA-256', 'digest algorithm');
    const info = parseAuthParams('rspauth="abc", nextnonce="def", qop=auth');
    assertEqual(info.nextnonce, 'def', 'Authentication-Info nextnonce');
    let thrown;
    try {
      parseChallenges('Basic realm="unterminated');
    } catch (error) {
      thrown = error;
    }
    if (!isAuthError(thrown)) throw new Error('a malformed challenge must throw AuthError');
    assertEqual(thrown.code, 'ERR_CHALLENGE_SYNTAX', 'error code');
    return '3 challenges, Authentication-Info, syntax error';
  });

  await run('basic vector', async () => {
    const { BasicAuth } = need(modules, unavailable, '@authbelt/basic');
    const vector = vectors.basic.find((v) => v.source === 'RFC 7617 section 2');
    const request = { method: 'GET', url: 'https://example.org/', headers: new Headers() };
    await new BasicAuth(vector.username, vector.password).authorize(request);
    assertEqual(request.headers.get('authorization'), `Basic ${vector.credentials}`, 'Authorization');
    return `Basic ${vector.credentials}`;
  });

  await run('digest MD5', () => digestVector(modules, unavailable, vectors.digest, 'MD5'));
  await run('digest SHA-256', () => digestVector(modules, unavailable, vectors.digest, 'SHA-256'));
  await run('digest SHA-512-256', () => digestVector(modules, unavailable, vectors.digest, 'SHA-512-256'));

  await run('hash path', async () => {
    const digest = need(modules, unavailable, '@authbelt/digest');
    let used = digest.hashImplementation;
    let how = 'hashImplementation';
    if (used === undefined) {
      // @authbelt/digest does not export it (yet): tell from the file this runtime resolved.
      if (env.hashFallback === undefined) throw new Error('@authbelt/digest does not export hashImplementation');
      used = await env.hashFallback();
      how = 'resolved file; hashImplementation not exported';
    }
    const label = used === 'node' ? 'node:crypto' : used === 'js' ? 'authbelt JS hashes' : String(used);
    if (used !== env.expectedHash) throw new Error(`${label} (${how}), expected ${env.expectedHash}`);
    return `${label} (${how})`;
  });

  const authOf = (kind) => {
    if (kind === 'basic') {
      const { BasicAuth } = need(modules, unavailable, '@authbelt/basic');
      return new BasicAuth(credentials.username, credentials.password);
    }
    const { DigestAuth } = need(modules, unavailable, '@authbelt/digest');
    return new DigestAuth(credentials.username, credentials.password);
  };

  for (const kind of ['basic', 'digest']) {
    const label = kind === 'basic' ? 'Basic' : 'Digest';
    await run(`live ${label} (fetch)`, async () => {
      const { withAuth } = need(modules, unavailable, '@authbelt/adapter-fetch');
      const base = live();
      const authFetch = withAuth(fetch, authOf(kind));
      // Twice: the second request is answered up front (Digest remembers the protection space).
      await expectOk(await withTimeout(authFetch(`${base}/${kind}`, fetchInit), 'first request'), 'first request');
      const again = await withTimeout(authFetch(`${base}/${kind}?again=1`, fetchInit), 'second request');
      return expectOk(again, 'second request');
    });
  }
  // RFC 7616 with no charset in the challenge: the user-id goes as raw UTF-8
  // octets in username="…" (one character per octet in the header value), which
  // this runtime's fetch must put on the wire unchanged for the server to sign it in.
  await run('live Digest non-ASCII user (fetch)', async () => {
    const { withAuth } = need(modules, unavailable, '@authbelt/adapter-fetch');
    const { DigestAuth } = need(modules, unavailable, '@authbelt/digest');
    const base = live();
    const authFetch = withAuth(fetch, new DigestAuth('Jäsøn Doe', 'pässwörd€'));
    return expectOk(await withTimeout(authFetch(`${base}/digest-utf8`, fetchInit), 'request'), 'request');
  });
  for (const kind of ['basic', 'digest']) {
    const label = kind === 'basic' ? 'Basic' : 'Digest';
    await run(`live ${label} (ky)`, async () => {
      const { withAuth } = need(modules, unavailable, '@authbelt/adapter-ky');
      if (env.ky instanceof Error) throw new Skip(`ky did not load: ${env.ky.message}`);
      if (env.ky === undefined) throw new Skip('ky not given to this runtime');
      const base = live();
      const client = withAuth(env.ky.default ?? env.ky, authOf(kind));
      const response = await withTimeout(
        client.get(`${base}/${kind}`, { throwHttpErrors: false, retry: 0, timeout: false, ...kyInit }),
        'ky request',
      );
      return expectOk(response, 'ky request');
    });
  }
  // Digest auth-int: the body goes out twice (the 401 leg and the answer) and is hashed; a
  // Request is read through a copy (Firefox has no Request.body).
  await run('live auth-int POST (fetch)', async () => {
    const { withAuth } = need(modules, unavailable, '@authbelt/adapter-fetch');
    const { DigestAuth } = need(modules, unavailable, '@authbelt/digest');
    const base = live();
    const authFetch = withAuth(fetch, new DigestAuth(credentials.username, credentials.password, { qop: 'auth-int' }));
    const request = new Request(`${base}/digest-int`, {
      ...fetchInit,
      method: 'POST',
      body: POST_BODY,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    return expectEcho(await withTimeout(authFetch(request), 'POST'), 'POST of a Request');
  });
  await run('live auth-int POST (ky)', async () => {
    const { withAuth } = need(modules, unavailable, '@authbelt/adapter-ky');
    const { DigestAuth } = need(modules, unavailable, '@authbelt/digest');
    if (env.ky instanceof Error) throw new Skip(`ky did not load: ${env.ky.message}`);
    if (env.ky === undefined) throw new Skip('ky not given to this runtime');
    const base = live();
    const client = withAuth(
      env.ky.default ?? env.ky,
      new DigestAuth(credentials.username, credentials.password, { qop: 'auth-int' }),
    );
    const response = await withTimeout(
      client.post(`${base}/digest-int`, {
        body: POST_BODY,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        throwHttpErrors: false,
        retry: 0,
        timeout: false,
        ...kyInit,
      }),
      'ky POST',
    );
    return expectEcho(response, 'ky POST');
  });
  // A login token: the provider first returns a token the server never issued, so the
  // three concurrent requests get 401 invalid_token, share one renewal (a login) and are
  // each sent once more.
  await run('live Bearer (fetch)', async () => {
    const { withAuth } = need(modules, unavailable, '@authbelt/adapter-fetch');
    const { BearerAuth } = need(modules, unavailable, '@authbelt/bearer');
    const base = live();
    let calls = 0;
    const provider = async () => {
      calls++;
      if (calls === 1) return 'never-issued';
      const answer = await fetch(`${base}/login`, {
        ...fetchInit,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: credentials.username, password: credentials.password }),
      });
      const { access_token, expires_in } = await answer.json();
      return { accessToken: access_token, expiresIn: expires_in };
    };
    const api = withAuth(fetch, new BearerAuth(provider));
    const responses = await withTimeout(
      Promise.all([1, 2, 3].map((i) => api(`${base}/bearer?i=${i}`, fetchInit))),
      'Bearer requests',
    );
    for (const response of responses) await expectOk(response, 'Bearer request');
    assertEqual(calls, 2, 'provider calls');
    return '3 concurrent requests: invalid_token, one renewal, each sent once more';
  });
  // OAuth 2.0 client credentials through oauth4webapi against the test server's token
  // endpoint: three concurrent first requests share one grant.
  await run('live OAuth2 client credentials (fetch)', async () => {
    const { withAuth } = need(modules, unavailable, '@authbelt/adapter-fetch');
    const { OAuth2Auth } = need(modules, unavailable, '@authbelt/oauth2');
    const base = live();
    let grants = 0;
    const tokenFetch = (input, init) => {
      grants++;
      return fetch(input, { ...init, ...fetchInit });
    };
    const auth = new OAuth2Auth({
      tokenEndpoint: `${base}/oauth/token`,
      clientId: credentials.username,
      clientSecret: credentials.password,
      fetch: tokenFetch,
    });
    const api = withAuth(fetch, auth);
    const responses = await withTimeout(
      Promise.all([1, 2, 3].map((i) => api(`${base}/bearer?oauth=${i}`, fetchInit))),
      'OAuth2 requests',
    );
    for (const response of responses) await expectOk(response, 'OAuth2 request');
    assertEqual(grants, 1, 'token requests');
    return '3 concurrent requests, one client_credentials grant';
  });
  return results;
}

function describe(error) {
  if (error instanceof Error) {
    const code = typeof error.code === 'string' ? ` [${error.code}]` : '';
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
    return `${error.message}${code}${cause}`;
  }
  return String(error);
}
