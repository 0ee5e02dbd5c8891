import { isAuthError } from '@authbelt/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TokenLifecycle } from './lifecycle.js';
import type { BearerToken, HeldToken } from './token.js';

// When a held token is renewed, read from the public HeldToken a TokenLifecycle hands out.
const NOW = 1_700_000_000_000;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const held = async (provided: unknown, renewBefore = 60_000): Promise<HeldToken> =>
  new TokenLifecycle(async () => provided as BearerToken, renewBefore).token();

const refusal = async (provided: unknown): Promise<unknown> => held(provided).catch((error: unknown) => error);

const b64url = (text: string) => Buffer.from(text).toString('base64url');
/** An unsigned JWT (header.payload.signature) whose payload is `claims` as written. */
const jwt = (claims: string) => `${b64url('{"alg":"none"}')}.${b64url(claims)}.c2ln`;

describe('when a provided token is renewed', () => {
  it('renewBefore ahead of a long-lived token’s expiry, at half the lifetime of a short-lived one', async () => {
    expect(await held({ accessToken: 'a', expiresIn: 3600 })).toEqual({ value: 'a', renewAt: NOW + 3_540_000 });
    expect(await held({ accessToken: 'a', expiresIn: 100 })).toEqual({ value: 'a', renewAt: NOW + 50_000 });
    expect(await held({ accessToken: 'a', expiresIn: 100 }, 0)).toEqual({ value: 'a', renewAt: NOW + 100_000 });
    expect(await held({ accessToken: 'a', expiresAt: NOW + 600_000 })).toEqual({ value: 'a', renewAt: NOW + 540_000 });
    expect(await held({ accessToken: 'a', expiresAt: new Date(NOW + 600_000) })).toEqual({
      value: 'a',
      renewAt: NOW + 540_000,
    });
    // A string is a token without a known expiry.
    expect(await held('a')).toEqual({ value: 'a', renewAt: undefined });
  });

  it('expiresIn wins over expiresAt and over a JWT’s exp', async () => {
    const token = jwt(`{"exp":${NOW / 1000 + 600}}`);
    expect((await held({ accessToken: token, expiresIn: 100, expiresAt: NOW + 600_000 }, 0)).renewAt).toBe(
      NOW + 100_000,
    );
    expect((await held({ accessToken: token, expiresAt: NOW + 300_000 }, 0)).renewAt).toBe(NOW + 300_000);
  });

  it('a token that expires now or earlier by our clock is held until the server rejects it; one a millisecond later is not', async () => {
    expect((await held({ accessToken: 'a', expiresIn: 0 })).renewAt).toBeUndefined();
    expect((await held({ accessToken: 'a', expiresAt: NOW })).renewAt).toBeUndefined();
    expect((await held({ accessToken: 'a', expiresAt: NOW + 1 })).renewAt).toBe(NOW + 0.5);
    expect((await held({ accessToken: jwt(`{"exp":${NOW / 1000}}`) })).renewAt).toBeUndefined();
  });

  it('is used up to the millisecond before renewAt and renewed at it', async () => {
    let calls = 0;
    const lifecycle = new TokenLifecycle(async () => ({ accessToken: `t${++calls}`, expiresIn: 100 }), 0);
    expect((await lifecycle.token()).value).toBe('t1');
    vi.setSystemTime(NOW + 99_999);
    expect((await lifecycle.token()).value).toBe('t1');
    vi.setSystemTime(NOW + 100_000);
    expect((await lifecycle.token()).value).toBe('t2');
    expect(calls).toBe(2);
  });

  it.each([
    ['a negative expiresIn', { expiresIn: -1 }, 'expiresIn'],
    ['a NaN expiresIn', { expiresIn: Number.NaN }, 'expiresIn'],
    ['an infinite expiresIn', { expiresIn: Number.POSITIVE_INFINITY }, 'expiresIn'],
    ['expiresIn as a string', { expiresIn: '60' }, 'expiresIn'],
    ['expiresAt in seconds', { expiresAt: NOW / 1000 }, 'expiresAt'],
    ['expiresAt a millisecond before 1e11 ms', { expiresAt: 1e11 - 1 }, 'expiresAt'],
    ['an infinite expiresAt', { expiresAt: Number.POSITIVE_INFINITY }, 'expiresAt'],
    ['an invalid Date', { expiresAt: new Date(Number.NaN) }, 'expiresAt'],
    ['expiresAt as a string', { expiresAt: String(NOW) }, 'expiresAt'],
  ])('refuses %s with ERR_TOKEN_PROVIDER naming the field', async (_name, expiry, field) => {
    const error = await refusal({ accessToken: 'a', ...expiry });
    expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
    expect((error as Error).message).toBe(
      field === 'expiresIn'
        ? 'The token provider returned an expiresIn that is not seconds ≥ 0'
        : 'The token provider returned an expiresAt that is neither a Date nor milliseconds since the epoch',
    );
  });

  it('takes expiresAt from 1e11 ms (March 1973) on', async () => {
    expect(await held({ accessToken: 'a', expiresAt: 1e11 })).toEqual({ value: 'a', renewAt: undefined });
  });

  it.each([
    ['null', null],
    ['a number', 42],
    ['an object without accessToken', { token: 'a' }],
  ])('refuses %s from the provider with ERR_TOKEN_PROVIDER, without echoing it', async (_name, provided) => {
    const error = await refusal(provided);
    expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
    expect((error as Error).message).toBe('The token provider returned neither a string nor { accessToken }');
  });

  it('refuses an accessToken that is not a b64token with ERR_INVALID_CREDENTIALS and its position, not its value', async () => {
    const error = await refusal({ accessToken: 'secret\r\nx' });
    expect(isAuthError(error) && error.code).toBe('ERR_INVALID_CREDENTIALS');
    expect((error as Error).message).toBe(
      'The token from the provider has a character outside RFC 6750 b64token at position 6',
    );
  });
});

describe('a JWT’s exp (RFC 7519 §4.1.4) when the provider gives no expiry', () => {
  const exp = NOW / 1000 + 600;
  // Payloads of every base64url length (mod 4: 0, 2, 3), one with several "-" and "_" among its characters.
  const payloads = [
    `{"exp":${exp}}`,
    `{"exp":${exp},"a":1}`,
    `{"exp":${exp},"a":12}`,
    `{"exp":${exp},"n":"~~~"}`,
    `{"exp":${exp},"n":"\u00ff\u00fe"}`,
    `{"exp":${exp},"n":"??>"}`,
    `{"exp":${exp},"n":">>>???>>>???"}`,
  ];

  it('covers every base64url padding and, several times, both characters base64 spells otherwise', () => {
    const encoded = payloads.map(b64url);
    expect(new Set(encoded.map((p) => p.length % 4))).toEqual(new Set([0, 2, 3]));
    expect(encoded.some((p) => p.split('-').length > 2 && p.split('_').length > 2)).toBe(true);
  });

  it.each(payloads)('reads exp from %s', async (claims) => {
    expect((await held(jwt(claims), 0)).renewAt).toBe(exp * 1000);
  });

  it.each([
    ['two parts', `${b64url('{}')}.${b64url(`{"exp":${exp}}`)}`],
    ['four parts', `${jwt(`{"exp":${exp}}`)}.x`],
    ['a string exp', jwt(`{"exp":"${exp}"}`)],
    ['an exp too large to be finite', jwt('{"exp":1e400}')],
    ['a payload that is null', jwt('null')],
    ['a payload that is not JSON', jwt('{"exp":')],
    ['a payload that is not base64url', `${b64url('{}')}.a.c2ln`],
    ['a payload over 16 384 characters', jwt(`{"exp":${exp},"p":"${'x'.repeat(12_288)}"}`)],
  ])('ignores %s: the token is held until the server rejects it', async (_name, token) => {
    expect((await held(token, 0)).renewAt).toBeUndefined();
  });

  it('reads a payload of exactly 16 384 characters', async () => {
    const head = `{"exp":${exp},"p":"`;
    const claims = `${head}${'x'.repeat(12_288 - head.length - 2)}"}`;
    expect(b64url(claims)).toHaveLength(16_384);
    expect((await held(jwt(claims), 0)).renewAt).toBe(exp * 1000);
  });

  it('a static JWT is sent until the scheme is replaced, whatever its exp says', async () => {
    const lifecycle = new TokenLifecycle(jwt(`{"exp":${NOW / 1000 + 30}}`), 60_000);
    expect(lifecycle.renewable).toBe(false);
    expect((await lifecycle.token()).renewAt).toBeUndefined();
    vi.setSystemTime(NOW + 3_600_000);
    expect((await lifecycle.token()).value).toBe(jwt(`{"exp":${NOW / 1000 + 30}}`));
  });
});
