// RFC 7616 rules of one answer, through digestAuthorization and DigestAuth:
// userhash and charset as servers write them, which user-ids a quoted-string
// cannot carry, the range of nc, and the reason given for a challenge that
// cannot be answered. Hashes are checked against node:crypto.
import { createHash } from 'node:crypto';
import { isAuthError, parseCredentials } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth, type DigestAuthOptions } from './digest-auth.js';
import { digestAuthorization } from './digest-authorization.js';
import { get, response } from './test-helpers.js';

const base = { method: 'GET', uri: '/x', username: 'Mufasa', password: 'Circle of Life', cnonce: 'c', nc: 1 };
const sha256 = (data: string): string => createHash('sha256').update(data).digest('hex');

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}

describe('userhash (RFC 7616 §3.4.4) as a server writes it', () => {
  it.each([
    'true',
    'TRUE',
    'True',
    ' true ',
  ])('userhash=%j: the username goes hashed, with userhash=true', (userhash) => {
    const header = digestAuthorization({
      ...base,
      challenge: { realm: 'r', nonce: 'n', qop: 'auth', algorithm: 'SHA-256', userhash },
    });
    expect(parseCredentials(header).params.username).toBe(sha256('Mufasa:r'));
    expect(header).toMatch(/, userhash=true$/);
  });

  it.each(['false', 'yes', ''])('userhash=%j: the username goes as it is', (userhash) => {
    const header = digestAuthorization({
      ...base,
      challenge: { realm: 'r', nonce: 'n', qop: 'auth', algorithm: 'SHA-256', userhash },
    });
    expect(parseCredentials(header).params.username).toBe('Mufasa');
    expect(header).not.toContain('userhash');
  });
});

describe('charset (RFC 7616 §3.3) and the user-ids a quoted-string cannot carry', () => {
  const answer = (username: string, charset?: string) =>
    digestAuthorization({
      ...base,
      username,
      challenge: { realm: 'r', nonce: 'n', qop: 'auth', ...(charset === undefined ? {} : { charset }) },
    });

  it.each(['UTF-8', 'utf-8', ' Utf-8 '])('charset=%j: a non-ASCII user-id goes as username*', (charset) => {
    expect(answer('Jäsøn', charset)).toContain("username*=UTF-8''J%C3%A4s%C3%B8n,");
  });

  it.each([
    undefined,
    'ISO-8859-1',
    'UTF-16',
  ])('charset %j: a non-ASCII user-id goes as its raw UTF-8 octets', (charset) => {
    expect(answer('Jäsøn', charset)).toContain('username="J\u00c3\u00a4s\u00c3\u00b8n",');
  });

  it.each([
    ['DEL', 'Jä\u007f', "UTF-8''J%C3%A4%7F"],
    ['US (0x1f)', 'Jä\u001f', "UTF-8''J%C3%A4%1F"],
    ['SOH', 'Jä\u0001', "UTF-8''J%C3%A4%01"],
  ])('a user-id with %s, a control character, goes as username* without charset', (_name, username, ext) => {
    expect(answer(username)).toContain(`username*=${ext},`);
  });

  it('a horizontal tab is not a control character a quoted-string refuses: the raw octets go in username', () => {
    expect(answer('Jä\tb')).toContain('username="J\u00c3\u00a4\tb",');
  });
});

describe('nc (RFC 7616 §3.4: 8 hex digits)', () => {
  const challenge = { realm: 'r', nonce: 'n', qop: 'auth' };
  it('goes from 1 (the default) to ffffffff', () => {
    expect(digestAuthorization({ ...base, nc: undefined, challenge })).toContain('nc=00000001,');
    expect(digestAuthorization({ ...base, nc: 0xffffffff, challenge })).toContain('nc=ffffffff,');
  });

  it.each([0, -1, 1.5, 2 ** 32, Number.NaN])('nc %d is refused', (nc) => {
    expect(reason(() => digestAuthorization({ ...base, nc, challenge }))).toBe(
      'ERR_INVALID_ARGUMENT: nc must be an integer from 1 to 0xffffffff',
    );
  });
});

describe('the reason a challenge cannot be answered', () => {
  it.each([
    [{ realm: 'r' }, 'ERR_INVALID_CHALLENGE: The Digest challenge has no nonce'],
    [{ nonce: 'n' }, 'ERR_INVALID_CHALLENGE: The Digest challenge has no realm'],
    [
      { realm: 'r', nonce: 'n', algorithm: 'SHA3-256' },
      'ERR_UNSUPPORTED_ALGORITHM: Unsupported Digest algorithm "SHA3-256"',
    ],
    [{ realm: 'r', nonce: 'n', qop: '' }, 'ERR_UNSUPPORTED_QOP: The Digest challenge offers an empty qop list'],
    [{ realm: 'r', nonce: 'n', qop: ' , ' }, 'ERR_UNSUPPORTED_QOP: The Digest challenge offers an empty qop list'],
    [
      { realm: 'r', nonce: 'n', qop: 'auth-conf, X-Y' },
      'ERR_UNSUPPORTED_QOP: The Digest challenge offers only qop auth-conf, x-y',
    ],
  ])('%o: %s', (challenge, message) => {
    expect(reason(() => digestAuthorization({ ...base, challenge }))).toBe(message);
  });

  it.each([
    'auth-int',
    ' AUTH-INT ',
  ])('qop %j with a body that cannot be read first: only auth-int, which it needs', async (qop) => {
    expect(await flowReason(`Digest realm="r", nonce="n", qop="${qop}"`, {}, false)).toBe(
      'ERR_UNSUPPORTED_QOP: The Digest challenge offers only auth-int, which needs a body that can be read before it is sent',
    );
  });

  it('an unknown qop with a body that cannot be read first: the qops offered, not auth-int, are the reason', async () => {
    expect(await flowReason('Digest realm="r", nonce="n", qop="auth-conf"', {}, false)).toBe(
      'ERR_UNSUPPORTED_QOP: The Digest challenge offers only qop auth-conf',
    );
  });

  it('a CR, LF or NUL in a credential: the error gives its position, never the value', () => {
    let caught: unknown;
    try {
      digestAuthorization({ ...base, password: 'Circle\nof Life', challenge: { realm: 'r', nonce: 'n', qop: 'auth' } });
    } catch (error) {
      caught = error;
    }
    expect(isAuthError(caught) && caught.code).toBe('ERR_INVALID_CREDENTIALS');
    expect(isAuthError(caught) && caught.position).toBe(6);
    expect((caught as Error).message).toBe('Digest password has a control character at position 6');
  });

  it('a qop list offering auth among others is answered with auth', () => {
    const header = digestAuthorization({ ...base, challenge: { realm: 'r', nonce: 'n', qop: 'x, AUTH ,y' } });
    expect(parseCredentials(header).params.qop).toBe('auth');
  });

  it('no qop (RFC 2069) while requireQop holds, and an algorithm outside the allowed ones', async () => {
    expect(await flowReason('Digest realm="r", nonce="n"', {}, true)).toBe(
      'ERR_UNSUPPORTED_QOP: The Digest challenge offers no qop (RFC 2069); refused because requireQop is true',
    );
    expect(
      await flowReason(
        'Digest realm="r", nonce="n", qop="auth", algorithm=md5',
        { algorithms: ['SHA-256', 'SHA-512-256'] },
        true,
      ),
    ).toBe(
      'ERR_UNSUPPORTED_ALGORITHM: The Digest algorithm MD5 is not among the allowed algorithms (SHA-256, SHA-512-256)',
    );
  });
});

async function flowReason(
  challenge: string,
  options: DigestAuthOptions,
  replayable: boolean,
): Promise<string | undefined> {
  const body = { replayable, bytes: async () => new Uint8Array() };
  const flow = new DigestAuth('Mufasa', 'Circle of Life', options).flow(
    get('http://a.test/x', { method: 'POST', body }),
  );
  await flow.next();
  try {
    await flow.next(response(401, { 'www-authenticate': challenge }));
  } catch (error) {
    return isAuthError(error) ? `${error.code}: ${error.message}` : `not an AuthError: ${String(error)}`;
  }
  return undefined;
}
