import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { TokenLifecycle } from './lifecycle.js';

/** A provider whose answers the test releases one at a time. */
function gated() {
  const releases: Array<(value: string) => void> = [];
  let calls = 0;
  const provider = () => {
    calls++;
    return new Promise<string>((resolve) => releases.push(resolve));
  };
  return { provider, releases, calls: () => calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('TokenLifecycle sharing one renewal', () => {
  it('a request during the renewal of a refused token waits for the new token, never gets the refused one', async () => {
    const { provider, releases, calls } = gated();
    const lifecycle = new TokenLifecycle(provider, 0);
    const first = lifecycle.token();
    releases[0]?.('t1');
    const refused = await first;
    const replaced = lifecycle.replace(refused);
    const meanwhile = lifecycle.token();
    expect(meanwhile).toBeInstanceOf(Promise);
    releases[1]?.('t2');
    expect((await replaced).value).toBe('t2');
    expect((await meanwhile).value).toBe('t2');
    expect(calls()).toBe(2);
  });

  it('a token refused after another request replaced it gets the current one, without a provider call', async () => {
    let calls = 0;
    const lifecycle = new TokenLifecycle(async () => `t${++calls}`, 0);
    const old = await lifecycle.token();
    const current = await lifecycle.replace(old);
    expect(current.value).toBe('t2');
    expect(lifecycle.replace(old)).toBe(current);
    expect(calls).toBe(2);
  });

  it('a provider that throws before returning a promise is ERR_TOKEN_PROVIDER with its error as cause, and the next call tries again', async () => {
    const cause = new Error('no keychain');
    let calls = 0;
    const lifecycle = new TokenLifecycle(() => {
      calls++;
      if (calls === 1) throw cause;
      return 't2';
    }, 0);
    const error = await Promise.resolve(lifecycle.token()).catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_TOKEN_PROVIDER');
    expect((error as Error).message).toBe('The token provider failed');
    expect((error as Error).cause).toBe(cause);
    expect((await lifecycle.token()).value).toBe('t2');
  });

  it('code the provider left running after it returned is no longer inside the provider', async () => {
    let lifecycle: TokenLifecycle | undefined;
    let duringCall: boolean | undefined;
    let afterCall: Promise<boolean> | undefined;
    lifecycle = new TokenLifecycle(async () => {
      await Promise.resolve();
      duringCall = lifecycle?.insideProvider();
      afterCall = new Promise((resolve) => setTimeout(() => resolve(lifecycle?.insideProvider() ?? true), 5));
      return 't1';
    }, 0);
    await lifecycle.token();
    await settle();
    expect(duringCall).toBe(true);
    expect(await afterCall).toBe(false);
    expect(lifecycle.insideProvider()).toBe(false);
  });

  it('a static token is not renewable; a provider is', () => {
    expect(new TokenLifecycle('t', 0).renewable).toBe(false);
    expect(new TokenLifecycle(async () => 't', 0).renewable).toBe(true);
  });
});
