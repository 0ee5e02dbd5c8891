// DigestAuth's options: what each must be (the exact message a caller reads),
// and the defaults a caller gets without them.
import { isAuthError } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';
import { drive, FakeDigestServer, get } from './test-helpers.js';

function refusal(options: unknown): string | undefined {
  try {
    new DigestAuth('Mufasa', 'Circle of Life', options as DigestAuthOptions);
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}

describe('DigestAuth options: each refused with ERR_INVALID_ARGUMENT saying what it must be', () => {
  it.each([
    [
      { algorithms: 'SHA-256' },
      'algorithms must be a non-empty array of Digest algorithm names (MD5, SHA-256, SHA-512-256, SHA-512, each with or without -sess)',
    ],
    [
      { algorithms: [256] },
      'algorithms must be a non-empty array of Digest algorithm names (MD5, SHA-256, SHA-512-256, SHA-512, each with or without -sess)',
    ],
    [
      { algorithms: ['SHA-256', null] },
      'algorithms must be a non-empty array of Digest algorithm names (MD5, SHA-256, SHA-512-256, SHA-512, each with or without -sess)',
    ],
    [{ qop: 'auth-conf' }, "qop must be 'auth' or 'auth-int'"],
    [{ verifyServer: 'yes' }, 'verifyServer must be a boolean'],
    [{ preemptive: 1 }, 'preemptive must be a boolean'],
    [{ maxProtectionSpaces: 0 }, 'maxProtectionSpaces must be a positive integer'],
    [{ maxProtectionSpaces: 2.5 }, 'maxProtectionSpaces must be a positive integer'],
    [{ cnonce: 'fixed' }, 'cnonce must be a function returning a string'],
  ])('%o', (options, message) => {
    expect(refusal(options)).toBe(`ERR_INVALID_ARGUMENT: DigestAuth option ${message}`);
  });

  it.each(['fast', 64, true])('options that are not an object (%o) are refused', (options) => {
    expect(refusal(options)).toBe('ERR_INVALID_ARGUMENT: DigestAuth options must be an object');
  });

  it('a subclass that declares no options of its own refuses options that are not an object too', () => {
    class LooseDigestAuth extends DigestAuth {}
    expect(() => new LooseDigestAuth('u', 'p', 'fast' as DigestAuthOptions)).toThrowError(
      'LooseDigestAuth options must be an object',
    );
  });

  it('a subclass that declares no options of its own refuses null options as not an object', () => {
    class LooseDigestAuth extends DigestAuth {}
    expect(() => new LooseDigestAuth('u', 'p', null as unknown as DigestAuthOptions)).toThrowError(
      'LooseDigestAuth options must be an object',
    );
  });

  it.each(['auth', 'auth-int'] as const)('qop %j is taken', (qop) => {
    expect(refusal({ qop })).toBe(undefined);
  });

  it('every option at its smallest allowed value is taken', () => {
    expect(refusal({ maxProtectionSpaces: 1, algorithms: ['MD5'], requireQop: false, qop: 'auth-int' })).toBe(
      undefined,
    );
  });
});

describe('DigestAuth defaults', () => {
  it('remembers 64 protection spaces: the 65th origin pushes out the least recently used', async () => {
    const server = new FakeDigestServer({ qop: 'auth' });
    const auth = new DigestAuth('Mufasa', 'Circle of Life');
    const origin = (i: number) => `http://h${i}.test/`;
    for (let i = 0; i < 64; i++) await drive(auth, get(origin(i)), server.handle);
    // All 64 are still answered up front, and using them keeps their order.
    for (let i = 0; i < 64; i++) {
      const legs = await drive(auth, get(origin(i)), server.handle);
      expect(legs.map((leg) => leg.response.status)).toEqual([200]);
    }
    await drive(auth, get(origin(64)), server.handle);
    expect((await drive(auth, get(origin(0)), server.handle)).map((leg) => leg.response.status)).toEqual([401, 200]);
    expect((await drive(auth, get(origin(2)), server.handle)).map((leg) => leg.response.status)).toEqual([200]);
    expect(server.failures).toEqual([]);
  });
});
