/** A user-id and password outside ASCII, for `/digest-utf8`. */
export const NON_ASCII = { username: 'Jäsøn Doe', password: 'pässwörd€' };

/** The smoke suites' credentials: RFC 7616 §3.9.1's user, known to every route. */
export const SMOKE_CREDENTIALS = { username: 'Mufasa', password: 'Circle of Life' };

/**
 * Starts `@authbelt/test-server` from the built workspace (it is the server
 * side, never installed from a tarball or a registry) with the routes the
 * runtimes suite and the release rehearsal exchange with: `/basic`,
 * `/digest` (SHA-256, qop auth, rspauth in Authentication-Info),
 * `/digest-int` (qop auth-int only) and, in Bearer mode, a `/login` endpoint
 * issuing tokens for `/bearer`.
 */
export async function startSmokeServer(credentials = SMOKE_CREDENTIALS) {
  const { startTestServer } = await import('@authbelt/test-server');
  const users = { [credentials.username]: credentials.password };
  return startTestServer({
    routes: {
      '/basic': { auth: 'basic', realm: 'runtimes', users },
      '/digest': {
        auth: 'digest',
        realm: 'runtimes',
        users,
        algorithms: ['SHA-256'],
        qop: ['auth'],
        // rspauth in Authentication-Info: the client checks it (the browser only if it is exposed).
        authInfo: true,
      },
      // A non-ASCII user-id where the server announces no charset: it goes as raw
      // UTF-8 octets in username="…", as curl sends it (Apache and squid take it).
      '/digest-utf8': {
        auth: 'digest',
        realm: 'runtimes-utf8',
        users: { [NON_ASCII.username]: NON_ASCII.password },
        algorithms: ['SHA-256'],
        qop: ['auth'],
      },
      // qop=auth-int only: the answer hashes the body, which the server echoes.
      '/digest-int': {
        auth: 'digest',
        realm: 'runtimes-int',
        users,
        algorithms: ['SHA-256'],
        qop: ['auth-int'],
      },
    },
    bearer: { users, routes: { '/bearer': {} } },
  });
}
