// The `node` build's hashes (hash-node.ts) on a runtime that lacks some of
// node:crypto: one without the one-shot `crypto.hash` (Node before 20.12)
// hashes with a Hash object, and one without MD5 (a FIPS build, where
// createHash('md5') throws) takes MD5 from authbelt's own JavaScript
// (hash-js.ts) and only MD5: every answer is still node:crypto's hex.
import type * as NodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { HashName } from './hash-name.js';

const createHashCalls = vi.hoisted((): string[] => []);

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  const createHash = (name: string): NodeCrypto.Hash => {
    createHashCalls.push(name);
    if (name === 'md5') throw new Error('digital envelope routines::unsupported (FIPS)');
    return actual.createHash(name);
  };
  const runtime = { ...actual, hash: undefined, createHash };
  return { ...runtime, default: runtime };
});

const { createHash } = await vi.importActual<typeof NodeCrypto>('node:crypto');
const { hashHex } = await import('./hash-node.js');

const reference = (name: HashName, data: string | Uint8Array): string => createHash(name).update(data).digest('hex');
const INPUTS = ['', 'abc', 'Jäsøn:r:Circle of Life', new Uint8Array([0, 255, 128, 10])] as const;

describe('the node build, on a runtime without crypto.hash and without MD5 (FIPS)', () => {
  it('MD5 comes from hash-js, as node:crypto would give it', () => {
    expect(hashHex('md5', 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    for (const data of INPUTS) expect(hashHex('md5', data)).toBe(reference('md5', data));
  });

  it.each(['sha256', 'sha512-256', 'sha512'] as const)('%s comes from a node:crypto Hash object, as hex', (name) => {
    for (const data of INPUTS) {
      createHashCalls.length = 0;
      const hex = hashHex(name, data);
      expect(typeof hex).toBe('string');
      expect(hex).toBe(reference(name, data));
      expect(createHashCalls.at(-1)).toBe(name);
    }
  });
});
