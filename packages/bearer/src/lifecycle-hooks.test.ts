import { AuthError, isAuthError } from '@authbelt/core';
import { describe, expect, it, vi } from 'vitest';
import { TokenLifecycle } from './lifecycle.js';

describe('TokenLifecycle hooks for token schemes built on it', () => {
  it.each([
    'ERR_PROVIDER_REENTRY',
    'ERR_INVALID_GRANT',
    'ERR_OAUTH_ERROR',
    'ERR_OAUTH_RESPONSE',
  ] as const)("passes a provider's %s through unwrapped", async (code) => {
    const lifecycle = new TokenLifecycle(async () => {
      throw new AuthError(code, 'sign in again');
    }, 0);
    const error = await Promise.resolve(lifecycle.token()).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe(code);
  });

  it('still wraps any other provider error in ERR_TOKEN_PROVIDER', async () => {
    const lifecycle = new TokenLifecycle(async () => {
      throw new AuthError('ERR_INVALID_ARGUMENT', 'x');
    }, 0);
    const error = await Promise.resolve(lifecycle.token()).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
  });

  it('forget() makes the next token() ask the provider again', async () => {
    const provider = vi.fn(async () => ({ accessToken: `t${provider.mock.calls.length}`, expiresIn: 3600 }));
    const lifecycle = new TokenLifecycle(provider, 0);
    expect((await lifecycle.token()).value).toBe('t1');
    expect((await lifecycle.token()).value).toBe('t1');
    lifecycle.forget();
    expect((await lifecycle.token()).value).toBe('t2');
    expect(provider).toHaveBeenCalledTimes(2);
  });
});
