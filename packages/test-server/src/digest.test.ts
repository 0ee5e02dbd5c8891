// The test server's Digest checks on their own, with answers computed here
// from RFC 7616 with node:crypto.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DigestGuard } from './digest.js';
import { decodeRawUtf8, parseAuthorization } from './parse.js';

const md5 = (text: string | Buffer) => createHash('md5').update(text).digest('hex');
const user = 'Jäsøn Doe';
const password = 'pässwörd€';

/** An MD5 qop=auth answer for `GET /x`, the username as the octets `usernameOnWire` (one character per octet). */
function answer(guard: DigestGuard, usernameOnWire: string, nc = '00000001', nonce = guard.issueNonce()): string {
  const ha1 = md5(Buffer.from(`${user}:r:${password}`, 'utf8'));
  const response = md5(`${ha1}:${nonce}:${nc}:c:auth:${md5('GET:/x')}`);
  return `Digest username="${usernameOnWire}", realm="r", nonce="${nonce}", uri="/x", response="${response}", qop=auth, nc=${nc}, cnonce="c"`;
}

describe('DigestGuard', () => {
  const guard = () => new DigestGuard('r', { [user]: password }, { opaque: false });
  const verify = (g: DigestGuard, header: string) =>
    g.verify(parseAuthorization(header), 'GET', '/x', new Uint8Array());

  it('reads a non-ASCII username as the raw UTF-8 octets of the quoted-string (as Node gives them, one per character)', () => {
    const g = guard();
    const octets = Buffer.from(user, 'utf8').toString('latin1');
    expect(verify(g, answer(g, octets))).toMatchObject({ kind: 'ok', user });
  });

  it('refuses the same name in latin1 octets (not UTF-8)', () => {
    const g = guard();
    expect(verify(g, answer(g, Buffer.from(user, 'latin1').toString('latin1')))).toMatchObject({
      kind: 'fail',
      reason: 'unknown user',
    });
  });

  it('nextnonceRing hands out the same nonces in turn, each with its own nc replay record', () => {
    const g = new DigestGuard('r', { [user]: password }, { opaque: false, nextnonce: true, nextnonceRing: 3 });
    const octets = Buffer.from(user, 'utf8').toString('latin1');
    const next: string[] = [];
    let nonce = g.issueNonce();
    for (let i = 0; i < 6; i++) {
      const verdict = verify(g, answer(g, octets, `0000000${Math.floor(i / 3) + 1}`, nonce));
      expect(verdict.kind).toBe('ok');
      nonce = /nextnonce="([^"]+)"/.exec((verdict as { authInfo: string }).authInfo)?.[1] as string;
      next.push(nonce);
    }
    expect(next.slice(3)).toEqual(next.slice(0, 3));
    expect(new Set(next).size).toBe(3);
    // The ring's first nonce, used with nc 1 above, is a replay with nc 1 again.
    expect(verify(g, answer(g, octets, '00000001', next[0])).kind).toBe('replay');
  });
});

describe('decodeRawUtf8', () => {
  it.each([
    ['ascii', 'ascii'],
    [Buffer.from('jürgen', 'utf8').toString('latin1'), 'jürgen'],
    ['j\u00fcrgen', undefined],
    ['\u20ac', undefined],
  ])('%j -> %j', (input, expected) => {
    expect(decodeRawUtf8(input)).toBe(expected);
  });
});
