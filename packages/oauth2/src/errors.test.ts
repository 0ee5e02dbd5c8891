import { withAuth } from '@authbelt/adapter-fetch';
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { OAuth2Auth } from './oauth2-auth.js';
import type { OAuth2AuthOptions } from './options.js';
import {
  type Answer,
  clientOptions,
  json,
  type OptionChanges,
  type ScriptServer,
  serveScripts,
} from './script-server.test-helper.js';

let server: ScriptServer;
serveScripts((started) => {
  server = started;
});

const SECRET = 'client-secret-never-printed';
const options = (extra: OptionChanges = {}) => clientOptions(server, SECRET, extra);

/** What a request through a client credentials OAuth2Auth fails with when the token endpoint answers `answer`. */
async function grantFailure(answer: Answer, extra: Partial<OAuth2AuthOptions> = {}): Promise<Error> {
  server.answer((request) => (request.path === '/token' ? answer : { status: 200 }));
  const error = await withAuth(
    fetch,
    new OAuth2Auth(options(extra)),
  )(`${server.url}/api`).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAuthError(error)).toBe(true);
  return error as Error;
}

describe('token endpoint errors: a clear AuthError that repeats only a readable error code', () => {
  it.each([
    ['invalid_scope', 'invalid_scope'],
    ['a code of 64 characters', 'x'.repeat(64)],
    ['every allowed punctuation', ' !#[]~'],
  ])('an OAuth error %s is ERR_OAUTH_ERROR with the status and code', async (_name, code) => {
    const error = await grantFailure(json(400, { error: code }));
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_ERROR');
    expect(error.message).toBe(`The authorization server answered the client credentials grant with 400 ${code}`);
  });

  it.each([
    ['a code of 65 characters', 'x'.repeat(65)],
    ['a quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a line break', 'a\nb'],
    ['a character outside ASCII', 'é'],
  ])('an OAuth error code with %s is not repeated', async (_name, code) => {
    const error = await grantFailure(json(400, { error: code }));
    expect(error.message).toBe(
      'The authorization server answered the client credentials grant with 400 (unreadable error code)',
    );
  });

  it('invalid_grant is ERR_INVALID_GRANT: sign in again', async () => {
    const error = await grantFailure(json(400, { error: 'invalid_grant' }));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_GRANT');
    expect(error.message).toBe(
      'The authorization server refused the client credentials grant (invalid_grant): sign in again',
    );
  });

  it('a 401 with a challenge is reported with its schemes, never answered', async () => {
    const error = await grantFailure(
      json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="a", Bearer realm="b"' }),
    );
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_ERROR');
    expect(error.message).toBe(
      'The authorization server refused the client for the client credentials grant (401, challenge basic, bearer): check clientId, clientSecret and clientAuth',
    );
    expect(server.seen).toHaveLength(1);
  });

  it('an answer that is not a token response is ERR_OAUTH_RESPONSE with its HTTP status', async () => {
    const error = await grantFailure({ status: 502, body: '<h1>bad gateway</h1>' });
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(error.message).toMatch(
      /^The authorization server's answer to the client credentials grant is not usable \(HTTP 502\): ./,
    );
  });

  it('an answer whose body is not a token response names no HTTP status: a 200 is not the failure', async () => {
    const error = await grantFailure(json(200, { token_type: 'Bearer' }));
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(error.message).toMatch(
      /^The authorization server's answer to the client credentials grant is not usable: "response" body "access_token" property must be a string$/,
    );
  });

  it('a token_type oauth4webapi does not know is ERR_OAUTH_RESPONSE, without the token', async () => {
    const error = await grantFailure(json(200, { access_token: 'good-secret', token_type: 'mac' }));
    expect(isAuthError(error) && error.code).toBe('ERR_OAUTH_RESPONSE');
    expect(error.message).toMatch(
      /^The authorization server's answer to the client credentials grant is not usable: ./,
    );
    expect(error.message).not.toContain('good-secret');
    expect(error.cause).toBeUndefined();
  });

  it('a network error is ERR_TOKEN_PROVIDER, the request that failed and its cause behind it', async () => {
    const cause = new TypeError('fetch failed');
    const error = await grantFailure(json(200, {}), { fetch: () => Promise.reject(cause) });
    expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
    const request = error.cause as Error;
    expect(isAuthError(request) && request.code).toBe('ERR_TOKEN_PROVIDER');
    expect(request.message).toBe('The request for the client credentials grant failed');
    expect(request.cause).toBe(cause);
  });
});
