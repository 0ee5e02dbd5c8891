import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashHex } from './hash-js.js';
import type { HashName } from './hash-name.js';

const NAMES: readonly HashName[] = ['md5', 'sha256', 'sha512', 'sha512-256'];

function reference(name: HashName, data: string | Uint8Array): string {
  return createHash(name).update(data).digest('hex');
}

// RFC 1321 §A.5, and FIPS 180-4's examples (NIST CSRC "Examples with intermediate values").
const VECTORS: ReadonlyArray<readonly [HashName, string, string]> = [
  ['md5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
  ['md5', 'a', '0cc175b9c0f1b6a831c399e269772661'],
  ['md5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
  ['md5', 'message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
  ['md5', 'abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
  ['md5', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
  ['md5', '1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
  ['sha256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  [
    'sha256',
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
  ],
  [
    'sha512',
    'abc',
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  ],
  [
    'sha512',
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909',
  ],
  ['sha512-256', 'abc', '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23'],
  [
    'sha512-256',
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    '3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a',
  ],
];

describe('hash-js: authbelt’s own MD5 and SHA-2', () => {
  it.each(VECTORS)('%s(%j) is the published digest', (name, input, digest) => {
    expect(hashHex(name, input)).toBe(digest);
    expect(hashHex(name, new TextEncoder().encode(input))).toBe(digest);
  });

  it.each(NAMES)('%s: every length from 0 to 300 octets, across the block and length-field boundaries', (name) => {
    for (let length = 0; length <= 300; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length * 7) & 0xff);
      expect(hashHex(name, bytes), `${length} octets`).toBe(reference(name, bytes));
    }
  });

  it.each(NAMES)('%s: a million octets', (name) => {
    const bytes = new Uint8Array(1_000_000).fill(0x61);
    expect(hashHex(name, bytes)).toBe(reference(name, bytes));
  });

  it.each(NAMES)('%s: any bytes, and any string as its UTF-8 octets, as node:crypto', (name) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.string({ unit: 'grapheme', maxLength: 200 }), (bytes, text) => {
        expect(hashHex(name, bytes)).toBe(reference(name, bytes));
        expect(hashHex(name, text)).toBe(reference(name, text));
      }),
      { numRuns: 300 },
    );
  });

  it('a view into a larger buffer hashes only its own octets', () => {
    const buffer = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    const view = buffer.subarray(2, 5);
    for (const name of NAMES) expect(hashHex(name, view)).toBe(reference(name, new Uint8Array([3, 4, 5])));
  });
});
