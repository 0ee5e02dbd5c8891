import { withAuth } from '@authbelt/adapter-fetch';
import { BasicAuth } from '@authbelt/basic';
import { AuthBase, type AuthRequest, isAuthError } from '@authbelt/core';
import { startTestServer, type TestServer } from '@authbelt/test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthHandler, type Strategy } from './auth-handler.js';

// What constructing a handler from `strategies` throws: the code and message, or '' when it does not.
const refusal = (strategies: Readonly<Record<string, Strategy>>): string => {
  try {
    new AuthHandler(strategies);
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : `not an AuthError: ${String(error)}`;
  }
  return '';
};

const request = (url: string): AuthRequest => ({ method: 'GET', url, headers: new Headers() });

describe('AuthHandler keys name one origin and path, or are refused with what to write', () => {
  it.each([
    ['', 'An AuthHandler key must be a non-empty URL string'],
    ['   ', 'An AuthHandler key must be a non-empty URL string'],
    [
      'api.github.com',
      'AuthHandler key "api.github.com" has no scheme: write "https://api.github.com" or "http://api.github.com"',
    ],
    [
      '//api.github.com',
      'AuthHandler key "//api.github.com" has no scheme: write "https://api.github.com" or "http://api.github.com"',
    ],
    [
      'localhost:8080',
      'AuthHandler key "localhost:8080" has no scheme: write "https://localhost:8080" or "http://localhost:8080"',
    ],
    ['http:a.test', 'AuthHandler key "http:a.test" has no scheme: write "https://http:a.test" or "http://http:a.test"'],
    [
      'a.test/?next=https://b.test',
      'AuthHandler key "a.test/?next=https://b.test" has no scheme: write "https://a.test/?next=https://b.test" or "http://a.test/?next=https://b.test"',
    ],
    ['https://a b.test', 'AuthHandler key "https://a b.test" is not a valid URL'],
    ['ftp://a.test', 'AuthHandler key "ftp://a.test" must be an http or https URL'],
    ['ws://a.test', 'AuthHandler key "ws://a.test" must be an http or https URL'],
    ['https://u@a.test', 'AuthHandler keys must not carry credentials; give them as the strategy'],
    ['https://:p@a.test', 'AuthHandler keys must not carry credentials; give them as the strategy'],
    ['https://a.test/?x=1', 'AuthHandler key "https://a.test/?x=1" must not have a query or fragment'],
    ['https://a.test/#x', 'AuthHandler key "https://a.test/#x" must not have a query or fragment'],
  ])('refuses the key %j: %s', (key, message) => {
    expect(refusal({ [key]: ['u', 'p'] })).toBe(`ERR_INVALID_ARGUMENT: ${message}`);
  });

  it('keeps the URL parser’s reason as the cause of an invalid key', () => {
    let cause: unknown;
    try {
      new AuthHandler({ 'https://a b.test': ['u', 'p'] });
    } catch (error) {
      cause = (error as Error).cause;
    }
    expect(cause).toBeInstanceOf(TypeError);
  });

  it('reads a key with surrounding blanks and an upper-case scheme as the origin it names', () => {
    const handler = new AuthHandler({ '  HTTPS://a.test/v2  ': ['u', 'p'], 'HTTP://b.test': ['u', 'p'] });
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBeInstanceOf(BasicAuth);
    expect(handler.getStrategyFor('http://b.test/')).toBeInstanceOf(BasicAuth);
    expect(handler.getStrategyFor('https://b.test/')).toBeUndefined();
  });

  it('drops every trailing slash of a key’s path, and still matches on whole segments', () => {
    const handler = new AuthHandler({ 'https://a.test/v2//': ['u', 'p'] });
    expect(handler.getStrategyFor('https://a.test/v2')).toBeInstanceOf(BasicAuth);
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBeInstanceOf(BasicAuth);
    expect(handler.getStrategyFor('https://a.test/v20')).toBeUndefined();
    expect(handler.getStrategyFor('https://a.test/')).toBeUndefined();
  });
});

describe('AuthHandler strategies are checked at construction, naming what was wrong but never its value', () => {
  const pair = 'must be a [username, password] pair of two strings';
  it.each<[string, unknown]>([
    ['a password that is not a string', ['u', 1]],
    ['a username that is not a string', [1, 'p']],
    ['three strings', ['u', 'p', 'x']],
    ['no strings', []],
  ])('refuses a tuple with %s', (_name, strategy) => {
    expect(refusal({ 'https://a.test': strategy as never })).toBe(
      `ERR_INVALID_ARGUMENT: The strategy for "https://a.test" ${pair}`,
    );
  });

  it.each<[string, unknown]>([
    ['undefined', undefined],
    ['a plain object', {}],
    ['an object whose flow is not a function', { flow: 'GET' }],
  ])('refuses %s as a strategy', (_name, strategy) => {
    expect(refusal({ 'https://a.test': strategy as never })).toMatch(
      /^ERR_INVALID_ARGUMENT: The strategy for "https:\/\/a.test" must be a \[username, password\] pair, an AuthBase or a function, not /,
    );
  });

  it.each<[string, unknown, string]>([
    ['a number', 42, 'a number'],
    ['an object with no prototype', Object.create(null), 'an object'],
    ['an object whose prototype has no constructor', Object.create(Object.create(null)), 'an object'],
    ['an instance of an anonymous class', new (class {})(), 'an object'],
    ['an instance of a named class', new URL('https://a.test'), 'a URL'],
  ])('refuses %s as a strategy, naming its kind', (_name, strategy, kind) => {
    expect(refusal({ 'https://a.test': strategy as never })).toBe(
      `ERR_INVALID_ARGUMENT: The strategy for "https://a.test" must be a [username, password] pair, an AuthBase or a function, not ${kind}`,
    );
  });

  it('names the class when given a scheme’s class instead of an instance', () => {
    expect(refusal({ 'https://a.test': BasicAuth as never })).toBe(
      'ERR_INVALID_ARGUMENT: The strategy for "https://a.test" is a scheme\'s class: pass an instance (new BasicAuth(...))',
    );
    const anonymous = [class extends AuthBase {}][0];
    expect(refusal({ 'https://a.test': anonymous as never })).toBe(
      'ERR_INVALID_ARGUMENT: The strategy for "https://a.test" is a scheme\'s class: pass an instance (new Scheme(...))',
    );
  });

  it('takes a scheme from another copy of core by its flow', () => {
    const foreign = { flow: new BasicAuth('u', 'p').flow };
    expect(new AuthHandler({ 'https://a.test': foreign as never }).getStrategyFor('https://a.test/')).toBe(foreign);
  });

  it('refuses a function as the table, whatever its prototype', () => {
    const table = Object.setPrototypeOf(() => undefined, null) as never;
    let message = '';
    try {
      new AuthHandler(table);
    } catch (error) {
      message = isAuthError(error) ? `${error.code}: ${error.message}` : String(error);
    }
    expect(message).toBe(
      "ERR_INVALID_ARGUMENT: AuthHandler takes an object { 'https://host': strategy } or a Map of them, not a function",
    );
  });
});

describe('AuthHandler add, replace and remove', () => {
  it('replaces the strategy of a site spelled another way', () => {
    const first = new BasicAuth('a', 'a');
    const second = new BasicAuth('b', 'b');
    const handler = new AuthHandler({ 'https://a.test/v2': first });
    handler.addStrategy('HTTPS://A.TEST:443/v2/', second);
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBe(second);
  });

  it('picks the longest path prefix whatever order the sites were added in', () => {
    const root = new BasicAuth('root', 'r');
    const v2 = new BasicAuth('v2', 'r');
    const admin = new BasicAuth('admin', 'r');
    const handler = new AuthHandler();
    handler.addStrategy('https://a.test/v2/admin', admin);
    handler.addStrategy('https://a.test', root);
    handler.addStrategy('https://a.test/v2', v2);
    expect(handler.getStrategyFor('https://a.test/v2/admin/x')).toBe(admin);
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBe(v2);
    expect(handler.getStrategyFor('https://a.test/x')).toBe(root);
  });

  it('removes one path of an origin and keeps its others', () => {
    const root = new BasicAuth('root', 'r');
    const v2 = new BasicAuth('v2', 'r');
    const handler = new AuthHandler({ 'https://a.test': root, 'https://a.test/v2': v2 });
    expect(handler.removeStrategy('https://a.test/v3')).toBe(false);
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBe(v2);
    expect(handler.removeStrategy('https://a.test/v2/')).toBe(true);
    expect(handler.getStrategyFor('https://a.test/v2/x')).toBe(root);
    expect(handler.removeStrategy('https://b.test')).toBe(false);
    expect(handler.getStrategyFor('https://a.test/')).toBe(root);
  });

  it('has no strategy for what is not a URL, and takes a URL object', () => {
    const handler = new AuthHandler({ 'https://a.test': ['u', 'p'] });
    expect(handler.getStrategyFor('not a url')).toBeUndefined();
    expect(handler.getStrategyFor(new URL('https://a.test/x'))).toBeInstanceOf(BasicAuth);
  });
});

describe('AuthHandler flow, driven by hand', () => {
  it('sends a request to a site without a strategy once, as it is', async () => {
    const handler = new AuthHandler({ 'https://a.test': ['u', 'p'] });
    const sent = request('https://b.test/x');
    const flow = handler.flow(sent);
    const first = await flow.next();
    expect(first.done).toBe(false);
    expect(first.value).toBe(sent);
    expect([...sent.headers]).toEqual([]);
    expect((await flow.next({ status: 401, url: sent.url, headers: new Headers() })).done).toBe(true);
  });

  it('hands a site’s request to that site’s strategy', async () => {
    const handler = new AuthHandler({ 'https://a.test': ['u', 'p'] });
    const first = await handler.flow(request('https://a.test/x')).next();
    expect(first.done).toBe(false);
    expect((first.value as AuthRequest).headers.get('authorization')).toBe(`Basic ${btoa('u:p')}`);
  });

  it('applies to a hop only where a strategy does', () => {
    const handler = new AuthHandler({ 'https://a.test/v2': ['u', 'p'] });
    const start = new URL('https://a.test/v2/x');
    expect(handler.appliesTo(new URL('https://a.test/v2/y'), start)).toBe(true);
    expect(handler.appliesTo(new URL('https://a.test/v3'), start)).toBe(false);
  });
});

describe('AuthHandler request editors over the wire', () => {
  let site: TestServer;

  beforeAll(async () => {
    site = await startTestServer({
      routes: { '/data': { auth: 'header', header: { name: 'X-API-Key', value: 'k-1' } } },
    });
  });
  afterAll(async () => {
    await site.close();
  });
  beforeEach(() => {
    site.reset();
  });

  it('sends what a function strategy sets on the request', async () => {
    const handler = new AuthHandler({ [site.url]: (r) => r.headers.set('X-API-Key', 'k-1') });
    expect((await withAuth(fetch, handler)(`${site.url}/data`)).status).toBe(200);
    expect(site.requests[0]?.headers['x-api-key']).toBe('k-1');
  });

  it('waits for an async function strategy before sending', async () => {
    const handler = new AuthHandler({
      [site.url]: async (r) => {
        await new Promise((resolve) => setTimeout(resolve, 10));
        r.headers.set('X-API-Key', 'k-1');
      },
    });
    expect((await withAuth(fetch, handler)(`${site.url}/data`)).status).toBe(200);
    expect(site.requests).toHaveLength(1);
  });
});
