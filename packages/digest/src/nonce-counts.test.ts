import { describe, expect, it } from 'vitest';
import { NonceCounts, RETIRED_NONCE_COUNTS } from './nonce-counts.js';
import { ProtectionSpaces } from './protection-space.js';

describe('NonceCounts', () => {
  it('counts each nonce on each origin on its own, from 1', () => {
    const counts = new NonceCounts();
    expect([counts.take('a', 'n'), counts.take('a', 'n'), counts.take('a', 'm'), counts.take('b', 'n')]).toEqual([
      1, 2, 1, 1,
    ]);
  });

  it('a ring of nonces that comes round again continues every count (no (nonce, nc) twice)', () => {
    const counts = new NonceCounts();
    const seen = new Set<string>();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < RETIRED_NONCE_COUNTS; i++) {
        const nc = counts.take('o', `ring-${i}`);
        const pair = `ring-${i} ${nc}`;
        expect(seen.has(pair)).toBe(false);
        seen.add(pair);
        expect(nc).toBe(round + 1);
      }
    }
  });

  it('keeps a pinned (current) nonce however many others come after it, and stays bounded', () => {
    const counts = new NonceCounts();
    counts.pin('o', 'current');
    expect(counts.take('o', 'current')).toBe(1);
    for (let i = 0; i < RETIRED_NONCE_COUNTS * 3; i++) counts.take('o', `other-${i}`);
    expect(counts.size).toBe(RETIRED_NONCE_COUNTS + 1);
    expect(counts.take('o', 'current')).toBe(2);
    // Unpinned, it is one of the others: dropped once that many more come after it.
    counts.unpin('o', 'current');
    for (let i = 0; i < RETIRED_NONCE_COUNTS; i++) counts.take('o', `later-${i}`);
    expect(counts.size).toBe(RETIRED_NONCE_COUNTS);
    expect(counts.take('o', 'current')).toBe(1);
  });

  it('costs the same for a long nonce as for a short one (a fixed-size key)', () => {
    const counts = new NonceCounts();
    const long = 'x'.repeat(100_000);
    expect(counts.take('o', long)).toBe(1);
    expect(counts.take('o', `${long}y`)).toBe(1);
    expect(counts.take('o', long)).toBe(2);
  });
});

describe('ProtectionSpaces and nonce counts', () => {
  it('a forgotten space opened again with a nonce it used continues that count', () => {
    const spaces = new ProtectionSpaces(4);
    const space = spaces.adopt('o', { realm: 'r', nonce: 'n' }, undefined);
    expect([space.take('n'), space.take('n')]).toEqual([1, 2]);
    spaces.forget(space);
    const again = spaces.adopt('o', { realm: 'r', nonce: 'n' }, undefined);
    expect(again).not.toBe(space);
    expect(again.take('n')).toBe(3);
  });

  it('nextnonce moves the pin: the old nonce keeps its count among the retired ones', () => {
    const spaces = new ProtectionSpaces(4);
    const space = spaces.adopt('o', { realm: 'r', nonce: 'a' }, undefined);
    space.take('a');
    space.useNonce('b');
    expect(space.take('b')).toBe(1);
    space.useNonce('a');
    expect(space.take('a')).toBe(2);
    // A late nextnonce reaching a forgotten space pins nothing.
    spaces.forget(space);
    space.useNonce('c');
    for (let i = 0; i < RETIRED_NONCE_COUNTS + 10; i++) spaces.counts.take('o', `x-${i}`);
    expect(spaces.counts.size).toBe(RETIRED_NONCE_COUNTS);
  });
});
