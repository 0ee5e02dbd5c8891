import { readFileSync } from 'node:fs';
import { type AuthResponse, isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { BasicAuth, ProxyBasicAuth } from './basic-auth.js';
import { basicCredentials } from './credentials.js';

interface BasicVector {
  source: string;
  username: string;
  password: string;
  charset: string;
  credentials: string;
}
const vectors: BasicVector[] = JSON.parse(
  readFileSync(new URL('../../../../shared/vectors/basic.json', import.meta.url), 'utf8'),
).vectors;

const request = (url = 'http://a.test/') => ({ method: 'GET', url, headers: new Headers() });

describe('basicCredentials', () => {
  it.each(vectors)('$source', ({ username, password, charset, credentials }) => {
    const ours = charset === 'latin1' ? 'latin1' : 'utf-8';
    expect(basicCredentials(username, password, ours)).toBe(credentials);
    const r = request();
    new BasicAuth(username, password, { charset: ours }).authorize(r);
    expect(r.headers.get('authorization')).toBe(`Basic ${credentials}`);
  });
});

describe('BasicAuth', () => {
  it.each([
    ['a colon in the user-id', 'a:b', 'hunter2'],
    ['CR in the password', 'a', 'hunter2\r\nX-Evil: 1'],
    ['LF in the user-id', 'a\n', 'hunter2'],
    ['NUL in the password', 'a', 'hunter2\0'],
    ['DEL in the password', 'a', 'hunter2\x7f'],
  ])('rejects %s at construction without echoing it', (_name, username, password) => {
    let caught: unknown;
    try {
      new BasicAuth(username, password);
    } catch (error) {
      caught = error;
    }
    expect(isAuthError(caught) && caught.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((caught as Error).message).not.toContain('hunter2');
  });

  it('rejects latin1 for characters latin1 cannot encode', () => {
    expect(() => new BasicAuth('Jäsøn€', 'p', { charset: 'latin1' })).toThrow(/latin1/);
    expect(() => new BasicAuth('u', 'p', { charset: 'koi8' as never })).toThrow(/charset/);
  });

  it('answers a charset="UTF-8" challenge once more in UTF-8 when configured for latin1', async () => {
    const auth = new BasicAuth('test', '123£', { charset: 'latin1' });
    const flow = auth.flow(request());
    const first = await flow.next();
    expect(first.value?.headers.get('authorization')).toBe('Basic dGVzdDoxMjOj');
    const challenge: AuthResponse = {
      status: 401,
      url: 'http://a.test/',
      headers: new Headers({ 'www-authenticate': 'Basic realm="r", charset="UTF-8"' }),
    };
    const second = await flow.next(challenge);
    expect(second.value?.headers.get('authorization')).toBe('Basic dGVzdDoxMjPCow==');
    expect((await flow.next(challenge)).done).toBe(true);
  });

  it.each([
    [undefined, 'Basic dGVzdDoxMjPCow=='],
    ['utf-8', 'Basic dGVzdDoxMjPCow=='],
    ['UTF-8', 'Basic dGVzdDoxMjPCow=='],
    ['latin1', 'Basic dGVzdDoxMjOj'],
    ['ISO-8859-1', 'Basic dGVzdDoxMjOj'],
  ] as const)('encodes the credentials in the charset option %s names', (charset, header) => {
    const r = request();
    new BasicAuth('test', '123£', charset === undefined ? {} : { charset }).authorize(r);
    expect(r.headers.get('authorization')).toBe(header);
  });

  it.each([
    ['a plain 401', () => new BasicAuth('u', 'p'), 401, 'Basic realm="r"'],
    [
      'a 200 that carries charset="UTF-8" (latin1)',
      () => new BasicAuth('test', '123£', { charset: 'latin1' }),
      200,
      'Basic realm="r", charset="UTF-8"',
    ],
  ] as const)('does not retry %s', async (_what, make, status, challenge) => {
    const flow = make().flow(request());
    await flow.next();
    const done = await flow.next({
      status,
      url: 'http://a.test/',
      headers: new Headers({ 'www-authenticate': challenge }),
    });
    expect(done.done).toBe(true);
  });
});

describe('ProxyBasicAuth', () => {
  it('sends Proxy-Authorization to plain-http requests only', () => {
    const auth = new ProxyBasicAuth('Aladdin', 'open sesame');
    const plain = { ...request('http://a.test/'), proxy: 'http://proxy.test:3128' };
    auth.authorize(plain);
    expect(plain.headers.get('proxy-authorization')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(plain.headers.has('authorization')).toBe(false);
    // https headers travel inside the CONNECT tunnel to the origin: never there.
    const tls = { ...request('https://a.test/'), proxy: 'http://proxy.test:3128' };
    auth.authorize(tls);
    expect(tls.headers.has('proxy-authorization')).toBe(false);
    // Without a proxy the adapter knows, the origin would read them: never.
    const direct = request('http://a.test/');
    auth.authorize(direct);
    expect(direct.headers.has('proxy-authorization')).toBe(false);
    // A CONNECT is read by the proxy itself.
    const connect = {
      method: 'CONNECT',
      url: 'https://a.test/',
      headers: new Headers(),
      proxy: 'http://proxy.test:3128',
    };
    auth.authorize(connect);
    expect(connect.headers.get('proxy-authorization')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  const proxied = (url: string) => ({ ...request(url), proxy: 'http://proxy.test:3128' });
  const answer = (status: number, name: string): AuthResponse => ({
    status,
    url: 'http://a.test/',
    headers: new Headers({ [name]: 'Basic realm="p", charset="UTF-8"' }),
  });

  it('answers a 407 whose Proxy-Authenticate announces charset="UTF-8" once more in UTF-8 when configured for latin1', async () => {
    const flow = new ProxyBasicAuth('test', '123£', { charset: 'latin1' }).flow(proxied('http://a.test/'));
    expect((await flow.next()).value?.headers.get('proxy-authorization')).toBe('Basic dGVzdDoxMjOj');
    const second = await flow.next(answer(407, 'proxy-authenticate'));
    expect(second.value?.headers.get('proxy-authorization')).toBe('Basic dGVzdDoxMjPCow==');
    expect(second.value?.headers.has('authorization')).toBe(false);
    expect((await flow.next(answer(407, 'proxy-authenticate'))).done).toBe(true);
  });

  it("answers no origin's 401 with proxy credentials, charset or not", async () => {
    const flow = new ProxyBasicAuth('test', '123£', { charset: 'latin1' }).flow(proxied('http://a.test/'));
    await flow.next();
    expect((await flow.next(answer(401, 'www-authenticate'))).done).toBe(true);
  });

  it('gives no proxy credentials to a 407 on an https request (it comes from inside the tunnel, from the origin)', async () => {
    const tls = proxied('https://a.test/');
    const flow = new ProxyBasicAuth('test', '123£', { charset: 'latin1' }).flow(tls);
    await flow.next();
    expect((await flow.next(answer(407, 'proxy-authenticate'))).done).toBe(true);
    expect(tls.headers.has('proxy-authorization')).toBe(false);
  });
});

describe('options', () => {
  it.each([
    ['an unknown option', { charst: 'latin1' }, /BasicAuth has no option "charst"/],
    ['an unknown charset', { charset: 'utf-16' }, /Unknown Basic charset "utf-16"/],
    ['options that are not an object', 'latin1', /BasicAuth options must be an object/],
  ])('refuses %s at construction', (_what, options, message) => {
    for (const make of [
      () => new BasicAuth('u', 'p', options as never),
      () => new ProxyBasicAuth('u', 'p', options as never),
    ]) {
      expect(make).toThrow(message);
      try {
        make();
      } catch (error) {
        expect((error as { code?: string }).code).toBe('ERR_INVALID_ARGUMENT');
      }
    }
  });
});
