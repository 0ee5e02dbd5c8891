import type { AuthRequest } from '@authbelt/core';
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { ApiKeyAuth, type ApiKeyOptions } from './api-key-auth.js';
import { caught } from './test-helpers.js';

const request = (url: string, extra: Partial<AuthRequest> = {}): AuthRequest => ({
  method: 'GET',
  url,
  headers: new Headers(),
  ...extra,
});

/** What the scheme makes of a request to `url`, through its flow (scope included). */
const sent = async (auth: ApiKeyAuth, url: string, extra: Partial<AuthRequest> = {}): Promise<AuthRequest> => {
  const step = await auth.flow(request(url, extra)).next();
  return step.value as AuthRequest;
};

describe('ApiKeyAuth refuses what it cannot send, at construction', () => {
  it.each([
    ['a tab inside', 'k\tey'],
    ['a space inside', 'k ey'],
    ['obs-text up to U+00FF', 'k\u00ffy'],
    ['a single visible character', 'k'],
  ])('takes a header key with %s', async (_name, key) => {
    const auth = new ApiKeyAuth(key, { header: 'X-API-Key' });
    expect((await sent(auth, 'https://api.test/')).headers.get('x-api-key')).toBe(key);
  });

  it.each([
    ['an empty key', '', 'The API key is empty', 0],
    ['a leading space', ' k', 'The API key has a leading or trailing blank at position 0', 0],
    ['a trailing tab', 'k\t', 'The API key has a leading or trailing blank at position 1', 1],
    ['a lone space', ' ', 'The API key has a leading or trailing blank at position 0', 0],
    ['a CR', 'k\rx', 'The API key has a control character at position 1', 1],
    ['a unit separator', 'ke\u001fy', 'The API key has a control character at position 2', 2],
    ['a DEL', 'k\u007f', 'The API key has a control character at position 1', 1],
    [
      'a character above U+00FF',
      'ke\u0100',
      'The API key has a character at position 2 that a header cannot carry (above U+00FF)',
      2,
    ],
  ])('refuses a header key with %s: ERR_INVALID_CREDENTIALS, its position, never the key', (_name, key, message, position) => {
    const error = caught(() => new ApiKeyAuth(key, { header: 'X-API-Key' }));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as Error).message).toBe(message);
    expect(isAuthError(error) && error.position).toBe(position);
  });

  it.each([
    ['not a string', 42, 'The API key must be a string'],
    ['empty', '', 'The API key is empty'],
    ['not a b64token', 'k y', 'The API key has a character outside RFC 6750 b64token at position 1'],
    ['only "="', '==', 'The API key has a character outside RFC 6750 b64token at position 0'],
  ])('refuses a key after a scheme that is %s', (_name, key, message) => {
    const error = caught(() => new ApiKeyAuth(key as string, { header: 'Authorization', scheme: 'Token' }));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as Error).message).toBe(message);
  });

  it('refuses a header key that is not a string', () => {
    const error = caught(() => new ApiKeyAuth(42 as unknown as string, { header: 'X-API-Key' }));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as Error).message).toBe('The API key must be a string');
  });

  it.each([
    ['an empty key', ''],
    ['a key that is not a string', 42],
  ])('refuses a query key that is %s', (_name, key) => {
    const error = caught(() => new ApiKeyAuth(key as string, { query: 'api_key' }));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as Error).message).toBe('The API key is empty');
  });

  it('refuses a lone surrogate in a query key, without the key', () => {
    const error = caught(() => new ApiKeyAuth('k\ud800', { query: 'api_key' }));
    expect((error as Error).message).toBe('The API key is not well-formed Unicode');
  });

  it.each([
    [undefined, 'ApiKeyAuth takes exactly one of the options header and query'],
    [{ header: 42 }, 'ApiKeyAuth option header must be a header name'],
    [{ query: 42 }, 'ApiKeyAuth option query must be a parameter name'],
    [{ header: 'X-API-Key', scheme: 42 }, 'ApiKeyAuth option scheme must be an auth-scheme'],
    [{ header: 'X-API-Key', query: 'api_key' }, 'ApiKeyAuth takes exactly one of the options header and query'],
    [{}, 'ApiKeyAuth takes exactly one of the options header and query'],
    [{ query: 'api_key', scheme: 'Token' }, 'ApiKeyAuth option scheme goes with header, not query'],
    [{ query: '' }, 'ApiKeyAuth option query must be a non-empty parameter name'],
    [{ header: 'X API' }, 'ApiKeyAuth option header must be a header name (RFC 9110 token)'],
    [{ header: 'Authorization', scheme: 'To ken' }, 'ApiKeyAuth option scheme must be an auth-scheme (RFC 9110 token)'],
  ])('refuses options (case %#) with ERR_INVALID_ARGUMENT: %s', (options, message) => {
    const error = caught(() => new ApiKeyAuth('k', options as unknown as ApiKeyOptions));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe(message);
  });
});

describe('ApiKeyAuth in the query', () => {
  it('replaces a parameter of the same name however it is encoded, drops empty pairs, keeps the rest as written', async () => {
    const auth = new ApiKeyAuth('k/1', { query: 'api key' });
    const out = await sent(auth, 'https://api.test/p?&a=1%20b&&api+key=old&api%20key&c=%7E&api%5Fkey=x&%E0%A4%A=y');
    expect(out.url).toBe('https://api.test/p?a=1%20b&c=%7E&api%5Fkey=x&%E0%A4%A=y&api%20key=k%2F1');
  });

  it('moves an absolute-form request-target (through a proxy) with the URL; origin-form stays unset', async () => {
    const auth = new ApiKeyAuth('k', { query: 'key' });
    const proxied = await sent(auth, 'https://api.test/p?a=1', { target: 'https://api.test/p?a=1' });
    expect(proxied.url).toBe('https://api.test/p?a=1&key=k');
    expect(proxied.target).toBe('https://api.test/p?a=1&key=k');
    const direct = await sent(auth, 'https://api.test/p');
    expect(direct.target).toBeUndefined();
    const other = await sent(auth, 'https://api.test/p', { target: 'api.test:443' });
    expect(other.target).toBe('api.test:443');
  });

  it('authorize() adds the key to any request it is given; flow() only within the scope', async () => {
    const auth = new ApiKeyAuth('k', { query: 'key', origins: ['https://api.test'] });
    const outside = request('https://other.test/p');
    auth.authorize(outside);
    expect(outside.url).toBe('https://other.test/p?key=k');
    expect((await sent(auth, 'https://other.test/p')).url).toBe('https://other.test/p');
    expect(auth.appliesTo(new URL('https://other.test/'), new URL('https://api.test/'))).toBe(false);
    expect(auth.appliesTo(new URL('https://api.test/x'), new URL('https://api.test/'))).toBe(true);
  });
});

describe('ApiKeyAuth over plain http', () => {
  it('refuses a listed plain-http origin that is not loopback, naming an API key', () => {
    const error = caught(() => new ApiKeyAuth('k', { header: 'X-API-Key', origins: ['http://api.example.test'] }));
    expect(isAuthError(error) && error.code).toBe('ERR_INSECURE_TRANSPORT');
    expect((error as Error).message).toMatch(/^Refusing to send an API key over plain http to api\.example\.test/);
  });
});

describe('ApiKeyAuth in a header', () => {
  it('sets the header by its name, after the scheme when there is one', async () => {
    const plain = await sent(new ApiKeyAuth('k 1', { header: 'X-API-Key' }), 'https://api.test/');
    expect([...plain.headers]).toEqual([['x-api-key', 'k 1']]);
    const scheme = await sent(
      new ApiKeyAuth('k1==', { header: 'Authorization', scheme: 'Token' }),
      'https://api.test/',
    );
    expect([...scheme.headers]).toEqual([['authorization', 'Token k1==']]);
  });
});
