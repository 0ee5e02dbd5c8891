// The `node` build's hashes (hash-node.ts, what Node, Deno and Bun load): on a
// runtime with node:crypto's one-shot `crypto.hash` and every hash Digest
// uses, each is hashed by node:crypto's one-shot call (DESIGN.md, Hashes:
// several times faster than a Hash object or hash-js on these short inputs).
// node:crypto is wrapped only to record which of its calls hash the data.
import type * as NodeCrypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { HashName } from './hash-name.js';

const oneShotCalls = vi.hoisted((): string[] => []);

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof NodeCrypto>();
  const hash = (name: string, data: string | Uint8Array, encoding: 'hex'): string => {
    oneShotCalls.push(name);
    return actual.hash(name, data, encoding);
  };
  return { ...actual, hash, default: { ...actual, hash } };
});

const { createHash } = await vi.importActual<typeof NodeCrypto>('node:crypto');
const { hashHex, hashImplementation } = await import('./hash-node.js');

const NAMES: readonly HashName[] = ['md5', 'sha256', 'sha512-256', 'sha512'];

describe('the node build, on a runtime with crypto.hash and every hash', () => {
  it('is the node implementation', () => {
    expect(hashImplementation).toBe('node');
  });

  it.each(NAMES)('%s goes through crypto.hash, with its hex for strings (as UTF-8) and octets', (name) => {
    for (const data of ['', 'abc', 'Jäsøn:r:Circle of Life', new Uint8Array([0, 255, 128, 10])]) {
      oneShotCalls.length = 0;
      expect(hashHex(name, data)).toBe(createHash(name).update(data).digest('hex'));
      expect(oneShotCalls).toEqual([name]);
    }
  });
});
