// Which Digest challenge is answered, and how: algorithm names as servers
// write them, ties between equal challenges, the reason reported when none can
// be answered, and the form the username goes in. Answers are checked against
// an independent reference written from RFC 7616 §3.4 with node:crypto.
import { createHash } from 'node:crypto';
import { isAuthError, parseCredentials } from '@authbelt/core';
import { describe, expect, it } from 'vitest';
import { DigestAuth } from './digest-auth.js';
import { digestAuthorization } from './digest-authorization.js';
import { drive, get, response, sentParams } from './test-helpers.js';

const URL_A = 'http://a.test/x';
const base = { method: 'GET', uri: '/x', username: 'Mufasa', password: 'Circle of Life', cnonce: 'c0ffee', nc: 1 };

function sha256Sess(realm: string, nonce: string): string {
  const H = (data: string) => createHash('sha256').update(data).digest('hex');
  const ha1 = H(`${H(`${base.username}:${realm}:${base.password}`)}:${nonce}:${base.cnonce}`);
  return H(`${ha1}:${nonce}:00000001:${base.cnonce}:auth:${H(`${base.method}:${base.uri}`)}`);
}

/** The Authorization a fresh DigestAuth sends after a 401 carrying `challenges`, as params. */
async function answerTo(...challenges: string[]): Promise<Record<string, string> | undefined> {
  const auth = new DigestAuth(base.username, base.password, { cnonce: () => base.cnonce });
  const legs = await drive(auth, get(URL_A), (request) =>
    request.headers.has('authorization') ? response(200) : response(401, { 'www-authenticate': challenges.join(', ') }),
  );
  return sentParams(legs[1]?.request.headers as Headers);
}

/** The AuthError a fresh DigestAuth's flow throws on a 401 carrying `challenges`. */
async function refusal(...challenges: string[]): Promise<{ code: string; message: string } | undefined> {
  const flow = new DigestAuth(base.username, base.password).flow(get(URL_A));
  await flow.next();
  try {
    await flow.next(response(401, { 'www-authenticate': challenges.join(', ') }));
  } catch (error) {
    if (isAuthError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

// First in this file, so that it is the test that builds the algorithm table here.
describe('the strongest challenge offered is answered', () => {
  it('SHA-512-256 over SHA-256 over SHA-512 over MD5, and of one hash the plain variant over -sess, in any case', async () => {
    const offer = (algorithm: string) => `Digest realm="r", nonce="${algorithm}", qop="auth", algorithm=${algorithm}`;
    const ranked = [
      'SHA-512-256',
      'SHA-512-256-sess',
      'SHA-256',
      'SHA-256-sess',
      'SHA-512',
      'SHA-512-sess',
      'MD5',
      'MD5-sess',
    ];
    for (let i = 0; i < ranked.length - 1; i++) {
      const [stronger, weaker] = [ranked[i] as string, ranked[i + 1] as string];
      expect((await answerTo(offer(weaker), offer(stronger)))?.algorithm, `${stronger} over ${weaker}`).toBe(stronger);
      // Written in lower case, as some servers do: the same algorithm, echoed as written.
      const lower = stronger.toLowerCase();
      expect((await answerTo(offer(lower), offer(weaker)))?.algorithm, `${lower} over ${weaker}`).toBe(lower);
    }
  });
});

describe('algorithm names as servers write them', () => {
  it.each([
    'Sha-256-Sess',
    'sha-256-SESS',
    ' SHA-256-sess ',
    '\tsha-256-sess',
  ])('%j is SHA-256-sess (any case, surrounding whitespace ignored) and is echoed trimmed', (algorithm) => {
    const header = digestAuthorization({ ...base, challenge: { realm: 'r', nonce: 'n', qop: 'auth', algorithm } });
    const sent = parseCredentials(header).params;
    expect(sent.response).toBe(sha256Sess('r', 'n'));
    expect(sent.algorithm).toBe(algorithm.trim());
    expect(header).toContain(`algorithm=${algorithm.trim()},`);
  });

  it('an option naming algorithms in any case allows those algorithms', async () => {
    const auth = new DigestAuth(base.username, base.password, { algorithms: ['sha-256-SESS' as 'SHA-256-sess'] });
    const legs = await drive(auth, get(URL_A), (request) =>
      request.headers.has('authorization')
        ? response(200)
        : response(401, { 'www-authenticate': 'Digest realm="r", nonce="n", qop="auth", algorithm=SHA-256-sess' }),
    );
    expect(sentParams(legs[1]?.request.headers as Headers)?.algorithm).toBe('SHA-256-sess');
  });
});

describe('equal challenges and refusals', () => {
  it('of two challenges of the same strength, the one offered first is answered (RFC 7616 §3.7: the server’s order)', async () => {
    const sent = await answerTo(
      'Digest realm="first", nonce="n1", qop="auth", algorithm=SHA-256',
      'Digest realm="second", nonce="n2", qop="auth", algorithm=SHA-256',
    );
    expect(sent).toMatchObject({ realm: 'first', nonce: 'n1' });
  });

  it('the closest refusal is reported even when it is offered first', async () => {
    const refused = await refusal(
      'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth-conf"',
      'Digest realm="r", nonce="n", algorithm=SHA3-256, qop="auth"',
      'Digest realm="r", algorithm=SHA-256, qop="auth"',
    );
    expect(refused?.code).toBe('ERR_UNSUPPORTED_QOP');
    const algorithm = await refusal(
      'Digest realm="r", nonce="n", algorithm=SHA3-256, qop="auth"',
      'Digest realm="r", algorithm=SHA-256, qop="auth"',
    );
    expect(algorithm?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
  });

  it('between equally close refusals, the first offered gives the reason', async () => {
    const refused = await refusal(
      'Digest realm="r", nonce="n", algorithm=SHA3-256, qop="auth"',
      'Digest realm="r", nonce="n", algorithm=BLAKE2, qop="auth"',
    );
    expect(refused?.code).toBe('ERR_UNSUPPORTED_ALGORITHM');
    expect(refused?.message).toContain('SHA3-256');
    expect(refused?.message).not.toContain('BLAKE2');
  });
});

describe('the form the username goes in', () => {
  it('an ASCII username with a quote goes escaped in username, also where the server announces charset=UTF-8', () => {
    for (const charset of [undefined, 'UTF-8']) {
      const header = digestAuthorization({
        ...base,
        username: 'Mu"fa\\sa',
        challenge: { realm: 'r', nonce: 'n', qop: 'auth', ...(charset === undefined ? {} : { charset }) },
      });
      expect(header).toContain('username="Mu\\"fa\\\\sa"');
      expect(header).not.toContain('username*');
      expect(parseCredentials(header).params.username).toBe('Mu"fa\\sa');
    }
  });

  it('username* keeps attr-chars as they are and percent-encodes every other octet, in upper-case hex', () => {
    const header = digestAuthorization({
      ...base,
      username: 'Jä!#$&+-.^_`|~ %/\u0001',
      challenge: { realm: 'r', nonce: 'n', qop: 'auth', charset: 'UTF-8' },
    });
    expect(header).toContain("username*=UTF-8''J%C3%A4!#$&+-.^_`|~%20%25%2F%01,");
  });
});
