import type { AuthRequest, AuthResponse } from '@authbelt/core';
import { isAuthError } from '@authbelt/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BearerAuth, type BearerAuthOptions } from './bearer-auth.js';
import { caught } from './test-helpers.js';

const request = (url = 'https://api.test/'): AuthRequest => ({ method: 'GET', url, headers: new Headers() });
const refusal = (header: string, status = 401): AuthResponse => ({
  status,
  url: 'https://api.test/',
  headers: new Headers({ 'www-authenticate': header }),
});

afterEach(() => {
  vi.useRealTimers();
});

describe('BearerAuth options', () => {
  it.each([
    ['a negative renewBefore', { renewBefore: -1 }],
    ['a NaN renewBefore', { renewBefore: Number.NaN }],
    ['an infinite renewBefore', { renewBefore: Number.POSITIVE_INFINITY }],
    ['renewBefore as a string', { renewBefore: '60' }],
  ])('refuses %s with ERR_INVALID_ARGUMENT', (_name, options) => {
    const error = caught(() => new BearerAuth('t', options as unknown as BearerAuthOptions));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe('BearerAuth option renewBefore must be seconds ≥ 0');
  });

  it('refuses a source that is neither a token nor a provider', () => {
    const error = caught(() => new BearerAuth(42 as unknown as string));
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toBe('BearerAuth takes a token string or a token provider function');
  });

  it('refuses a static token that is not a b64token, with its position and not its value', () => {
    for (const [token, message, position] of [
      ['', 'The token from the provider is empty', 0],
      ['ab c', 'The token from the provider has a character outside RFC 6750 b64token at position 2', 2],
      ['=ab', 'The token from the provider has a character outside RFC 6750 b64token at position 0', 0],
      ['ab=c', 'The token from the provider has a character outside RFC 6750 b64token at position 3', 3],
    ] as const) {
      const error = caught(() => new BearerAuth(token));
      expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
      expect((error as Error).message).toBe(message);
      expect(isAuthError(error) && error.position).toBe(position);
    }
  });

  it.each([
    [undefined, 3540],
    [0, 3600],
    [30, 3570],
  ])('renewBefore %s: a token of an hour is renewed on use %s seconds after it was issued', async (renewBefore, at) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    let calls = 0;
    const auth = new BearerAuth(
      async () => ({ accessToken: `t${++calls}`, expiresIn: 3600 }),
      renewBefore === undefined ? {} : { renewBefore },
    );
    const header = async () => {
      const r = request();
      await auth.authorize(r);
      return r.headers.get('authorization');
    };
    expect(await header()).toBe('Bearer t1');
    vi.setSystemTime(start + at * 1000 - 1);
    expect(await header()).toBe('Bearer t1');
    vi.setSystemTime(start + at * 1000);
    expect(await header()).toBe('Bearer t2');
  });
});

describe('BearerAuth flow', () => {
  it('sends the token within its scope, nothing elsewhere', async () => {
    const auth = new BearerAuth('t1', { origins: ['https://api.test'] });
    const inside = (await auth.flow(request()).next()).value as AuthRequest;
    expect(inside.headers.get('authorization')).toBe('Bearer t1');
    const outside = (await auth.flow(request('https://other.test/')).next()).value as AuthRequest;
    expect(outside.headers.has('authorization')).toBe(false);
  });

  it('renews once on a 401 invalid_token and resends; nothing more after a second 401', async () => {
    let calls = 0;
    const auth = new BearerAuth(async () => `t${++calls}`);
    const flow = auth.flow(request());
    expect(((await flow.next()).value as AuthRequest).headers.get('authorization')).toBe('Bearer t1');
    const again = await flow.next(refusal('Bearer error="invalid_token"'));
    expect((again.value as AuthRequest).headers.get('authorization')).toBe('Bearer t2');
    expect((await flow.next(refusal('Bearer error="invalid_token"'))).done).toBe(true);
    expect(calls).toBe(2);
  });

  it.each([
    ['403 insufficient_scope', refusal('Bearer error="insufficient_scope"', 403)],
    ['400 invalid_request', refusal('Bearer error="invalid_request"', 400)],
    ['401 with a Basic challenge', refusal('Basic realm="x"')],
    ['200', { status: 200, url: 'https://api.test/', headers: new Headers() }],
  ])('never renews on %s', async (_name, response) => {
    let calls = 0;
    const flow = new BearerAuth(async () => `t${++calls}`).flow(request());
    await flow.next();
    expect((await flow.next(response)).done).toBe(true);
    expect(calls).toBe(1);
  });

  it('a static token is never renewed: its 401 ends the flow', async () => {
    const flow = new BearerAuth('t1').flow(request());
    await flow.next();
    expect((await flow.next(refusal('Bearer error="invalid_token"'))).done).toBe(true);
  });

  it('refuses a request from inside its own provider with ERR_PROVIDER_REENTRY and a message that says what to do', async () => {
    let auth: BearerAuth | undefined;
    let inner: unknown;
    auth = new BearerAuth(async () => {
      inner = await auth
        ?.flow(request())
        .next()
        .catch((e: unknown) => e);
      return 't1';
    });
    await auth.flow(request()).next();
    expect(isAuthError(inner) && inner.code).toBe('ERR_PROVIDER_REENTRY');
    expect((inner as Error).message).toBe(
      'The token provider sent a request through the BearerAuth that is waiting for its token; give the provider a client without this scheme',
    );
  });
});
