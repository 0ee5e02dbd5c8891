import { withAuth } from '@authbelt/adapter-fetch';
import { BasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthRequest, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthHandler, type Strategy } from './auth-handler.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return isAuthError(error) ? error.code : 'not an AuthError';
  }
  return undefined;
};

describe('AuthHandler keys', () => {
  const basic = new BasicAuth('u', 'p');
  const handler = new AuthHandler({
    'https://API.github.com:443/': ['user', 'pass'],
    'https://example.com/v2/': basic,
    'https://example.com/v2/admin': ['admin', 'secret'],
    'http://127.0.0.1:8080': (request) => request.headers.set('X-Key', 'k'),
  });

  it.each([
    ['https://api.github.com/user', true],
    ['https://api.github.com:443/user', true],
    ['HTTPS://API.GITHUB.COM/', true],
    ['https://api.github.com.evil.test/', false],
    ['http://api.github.com/', false],
    ['https://api.github.com:8443/', false],
    ['https://evilapi.github.com/', false],
    ['http://127.0.0.1:8080/x', true],
    ['http://127.0.0.1/x', false],
  ])('%s has a strategy: %s', (url, has) => {
    expect(handler.getStrategyFor(url) !== undefined).toBe(has);
  });

  it('matches path prefixes on whole segments, longest first', () => {
    expect(handler.getStrategyFor('https://example.com/v2')).toBe(basic);
    expect(handler.getStrategyFor('https://example.com/v2/things')).toBe(basic);
    expect(handler.getStrategyFor('https://example.com/v20')).toBeUndefined();
    expect(handler.getStrategyFor('https://example.com/')).toBeUndefined();
    const admin = handler.getStrategyFor('https://example.com/v2/admin/users');
    expect(admin).toBeInstanceOf(BasicAuth);
    expect(admin).not.toBe(basic);
  });

  it('adds and removes strategies', () => {
    const h = new AuthHandler();
    expect(h.getStrategyFor('https://a.test/')).toBeUndefined();
    h.addStrategy('https://a.test', ['u', 'p']);
    expect(h.getStrategyFor('https://a.test/x')).toBeInstanceOf(BasicAuth);
    expect(h.removeStrategy('https://A.test:443/')).toBe(true);
    expect(h.removeStrategy('https://a.test')).toBe(false);
    expect(h.getStrategyFor('https://a.test/x')).toBeUndefined();
  });

  it('names both spellings when a key has no scheme', () => {
    expect(() => new AuthHandler({ 'api.github.com': ['u', 'p'] })).toThrow(
      'write "https://api.github.com" or "http://api.github.com"',
    );
  });

  it.each<[string, () => unknown]>([
    ['no scheme', () => new AuthHandler({ 'api.github.com': ['u', 'p'] })],
    ['ftp', () => new AuthHandler({ 'ftp://a.test': ['u', 'p'] })],
    ['credentials in the key', () => new AuthHandler({ 'https://u:p@a.test': ['u', 'p'] })],
    ['a query', () => new AuthHandler({ 'https://a.test/?x=1': ['u', 'p'] })],
    ['a one-element tuple', () => new AuthHandler({ 'https://a.test': ['u'] as never })],
    ['a tuple of numbers', () => new AuthHandler({ 'https://a.test': [1, 2] as never })],
    ['a string strategy', () => new AuthHandler({ 'https://a.test': 'token' as never })],
    ['null strategy', () => new AuthHandler({ 'https://a.test': null as never })],
    ['not an object', () => new AuthHandler('https://a.test' as never)],
    ['a scheme’s class instead of an instance', () => new AuthHandler({ 'https://a.test': BasicAuth as never })],
    ['a Map with a key that is not a string', () => new AuthHandler(new Map([[1, ['u', 'p']]]) as never)],
    ['a Map with a bad strategy', () => new AuthHandler(new Map([['https://a.test', 'token' as never]]))],
  ])('rejects %s at construction with ERR_INVALID_ARGUMENT', (_name, make) => {
    expect(codeOf(make)).toBe('ERR_INVALID_ARGUMENT');
  });

  // Each of these used to give an empty handler: every request then went without credentials.
  it.each<[string, unknown, string]>([
    ['null', null, 'null'],
    ['an array of pairs', [['https://a.test', ['u', 'p']]], 'an array'],
    ['a scheme', new BasicAuth('u', 'p'), 'a BasicAuth'],
    ['a class instance', new URLSearchParams({ 'https://a.test': 'x' }), 'a URLSearchParams'],
    ['a Set', new Set(['https://a.test']), 'a Set'],
    ['a Headers', new Headers({ 'x-a': 'b' }), 'a Headers'],
  ])('refuses %s as the table, naming what it got', (_name, strategies, kind) => {
    let message = '';
    try {
      new AuthHandler(strategies as never);
    } catch (error) {
      message = isAuthError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    expect(message).toBe(
      `ERR_INVALID_ARGUMENT: AuthHandler takes an object { 'https://host': strategy } or a Map of them, not ${kind}`,
    );
  });

  it('takes a Map of site → strategy, as it takes an object', () => {
    const basic = new BasicAuth('u', 'p');
    const handler = new AuthHandler(
      new Map<string, Strategy>([
        ['https://a.test', basic],
        ['https://b.test/v2', ['u', 'p']],
      ]),
    );
    expect(handler.getStrategyFor('https://a.test/x')).toBe(basic);
    expect(handler.getStrategyFor('https://b.test/v2/x')).toBeInstanceOf(BasicAuth);
    expect(handler.getStrategyFor('https://b.test/')).toBeUndefined();
  });

  it('takes an object with no prototype, and no table at all', () => {
    const table = Object.assign(Object.create(null) as Record<string, Strategy>, { 'https://a.test': ['u', 'p'] });
    expect(new AuthHandler(table).getStrategyFor('https://a.test/')).toBeInstanceOf(BasicAuth);
    expect(new AuthHandler().getStrategyFor('https://a.test/')).toBeUndefined();
  });

  it('never puts a strategy’s value in a message', () => {
    let message = '';
    try {
      new AuthHandler({ 'https://a.test': 'hunter2-secret' as never });
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toContain('not a string');
    expect(message).not.toContain('hunter2');
  });

  it('rejects bad Basic credentials in a tuple at construction', () => {
    expect(codeOf(() => new AuthHandler({ 'https://a.test': ['a:b', 'p'] }))).toBe('ERR_INVALID_CREDENTIALS');
  });
});

describe('AuthHandler over the wire', () => {
  let site: TestServer;
  let other: TestServer;
  let secure: TestServer;

  class TokenAuth extends AuthBase {
    override authorize(request: AuthRequest): void {
      request.headers.set('X-TokenAuth', 'tok');
    }
  }

  beforeAll(async () => {
    other = await startTestServer({
      routes: { '/basic': { auth: 'basic', realm: 'o', users: { o: 'op' } }, '/open': {} },
    });
    site = await startTestServer({
      routes: {
        '/basic': { auth: 'basic', realm: 'r', users: { u: 'p' } },
        '/to-other': { auth: 'basic', realm: 'r', users: { u: 'p' }, redirect: { location: `${other.url}/basic` } },
        '/to-open': {
          auth: 'header',
          header: { name: 'X-TokenAuth', value: 'tok' },
          redirect: { location: `${other.url}/open` },
        },
      },
    });
    secure = await startTestServer({
      tls: true,
      routes: {
        '/to-http': { auth: 'basic', realm: 's', users: { u: 'p' }, redirect: { location: `${other.url}/open` } },
      },
    });
  });
  afterAll(async () => {
    await Promise.all([site.close(), other.close(), secure.close()]);
  });
  beforeEach(() => {
    site.reset();
    other.reset();
    secure.reset();
  });

  it('gives each hop of a redirect chain its own origin’s strategy', async () => {
    const handler = new AuthHandler({ [site.url]: ['u', 'p'], [other.url]: ['o', 'op'] });
    const response = await withAuth(fetch, handler)(`${site.url}/to-other`);
    expect(response.status).toBe(200);
    expect(site.requests[0]?.user).toBe('u');
    expect(other.requests[0]?.user).toBe('o');
  });

  it('a Map of site → strategy answers over the wire like an object', async () => {
    const handler = new AuthHandler(
      new Map<string, Strategy>([
        [site.url, ['u', 'p']],
        [other.url, ['o', 'op']],
      ]),
    );
    const response = await withAuth(fetch, handler)(`${site.url}/to-other`);
    expect(response.status).toBe(200);
    expect(site.requests[0]?.user).toBe('u');
    expect(other.requests[0]?.user).toBe('o');
  });

  it('sends nothing to an origin without a strategy, not even a header the caller set', async () => {
    const handler = new AuthHandler({ [site.url]: new TokenAuth() });
    const response = await withAuth(fetch, handler)(`${site.url}/to-open`, {
      headers: { Authorization: 'Bearer mine', Cookie: 'sid=1' },
    });
    expect(response.status).toBe(200);
    const landed = other.requests[0]?.headers ?? {};
    expect(landed.authorization).toBeUndefined();
    expect(landed.cookie).toBeUndefined();
    expect(landed['x-tokenauth']).toBeUndefined();
  });

  it('sends nothing when no key matches', async () => {
    const handler = new AuthHandler({ 'https://api.github.com': ['u', 'p'] });
    const response = await withAuth(fetch, handler)(`${site.url}/basic`);
    expect(response.status).toBe(401);
    expect(site.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends nothing from https down to http', async () => {
    const handler = new AuthHandler({ [secure.url]: ['u', 'p'] });
    const dispatcher = new Agent({ connect: { ca: secure.ca ?? '' } });
    const authFetch = withAuth(undiciFetch, handler);
    const response = await authFetch(`${secure.url}/to-http`, { dispatcher, headers: { Cookie: 'sid=1' } });
    expect(response.status).toBe(200);
    expect(secure.requests[0]?.user).toBe('u');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
    expect(other.requests[0]?.headers.cookie).toBeUndefined();
    await dispatcher.close();
  });
});
