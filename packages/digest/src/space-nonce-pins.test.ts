// A protection space's current nonce keeps its count while the space is
// remembered, whatever else comes and goes (RFC 7616 §3.4: a server that
// remembers (nonce, nc) takes a repeated pair for a replay); forgetting a
// space that was already replaced leaves its successor alone.
import { describe, expect, it } from 'vitest';
import { NonceCounts, RETIRED_NONCE_COUNTS } from './nonce-counts.js';
import { ProtectionSpaces } from './protection-space.js';

describe('protection spaces and the counts of their current nonces', () => {
  it('a nonce made current by nextnonce keeps its count however many other nonces come after it', () => {
    const spaces = new ProtectionSpaces(4);
    const space = spaces.adopt('o', { realm: 'r', nonce: 'a' }, undefined);
    space.useNonce('b');
    expect([space.take('b'), space.take('b')]).toEqual([1, 2]);
    for (let i = 0; i < RETIRED_NONCE_COUNTS + 10; i++) spaces.counts.take('other', `x-${i}`);
    expect(space.take('b')).toBe(3);
    // The nonce it replaced is one of the retired ones: long gone.
    expect(space.take('a')).toBe(1);
  });

  it('two spaces holding the same nonce: forgetting one leaves the other’s count pinned', () => {
    const spaces = new ProtectionSpaces(4);
    const one = spaces.adopt('o', { realm: 'one', nonce: 'n' }, undefined);
    const two = spaces.adopt('o', { realm: 'two', nonce: 'n' }, undefined);
    expect([one.take('n'), two.take('n')]).toEqual([1, 2]);
    spaces.forget(one);
    for (let i = 0; i < RETIRED_NONCE_COUNTS + 10; i++) spaces.counts.take('other', `x-${i}`);
    expect(two.take('n')).toBe(3);
  });

  it('forgetting a space already replaced by a new one for the same realm leaves the new one', () => {
    const spaces = new ProtectionSpaces(4);
    const old = spaces.adopt('o', { realm: 'r', nonce: 'a' }, undefined);
    spaces.forget(old);
    const renewed = spaces.adopt('o', { realm: 'r', nonce: 'b' }, undefined);
    // A late answer of the old space is refused: it forgets the old space again.
    spaces.forget(old);
    expect(spaces.current('o', 'o/x')).toBe(renewed);
    expect(spaces.size).toBe(1);
    for (let i = 0; i < RETIRED_NONCE_COUNTS + 10; i++) spaces.counts.take('other', `x-${i}`);
    expect([renewed.take('b'), renewed.take('b')]).toEqual([1, 2]);
    expect(spaces.counts.size).toBe(RETIRED_NONCE_COUNTS + 1);
  });

  it('a retired nonce used again moves behind the others: the least recently used goes first', () => {
    const counts = new NonceCounts();
    expect(counts.take('o', 'a')).toBe(1);
    for (let i = 1; i < RETIRED_NONCE_COUNTS; i++) counts.take('o', `x-${i}`);
    // "a" is the oldest of exactly RETIRED_NONCE_COUNTS; using it makes x-1 the oldest.
    expect(counts.take('o', 'a')).toBe(2);
    counts.take('o', 'y');
    expect(counts.take('o', 'a')).toBe(3);
    expect(counts.take('o', 'x-1')).toBe(1);
  });
});

describe('nonce counts per origin', () => {
  it('the same nonce on another origin right after has its own count', () => {
    const counts = new NonceCounts();
    expect([counts.take('http://a', 'n'), counts.take('http://b', 'n'), counts.take('http://a', 'n')]).toEqual([
      1, 1, 2,
    ]);
  });

  it('a space renewed by a new challenge retires its old nonce (no pin left behind)', () => {
    const spaces = new ProtectionSpaces(4);
    const space = spaces.adopt('o', { realm: 'r', nonce: 'a' }, undefined);
    expect(space.take('a')).toBe(1);
    const renewed = spaces.adopt('o', { realm: 'r', nonce: 'b' }, undefined);
    expect(renewed).toBe(space);
    for (let i = 0; i < RETIRED_NONCE_COUNTS + 10; i++) spaces.counts.take('other', `x-${i}`);
    expect(spaces.counts.size).toBe(RETIRED_NONCE_COUNTS + 1);
    expect(renewed.take('b')).toBe(1);
  });
});

describe('the end of a nonce’s counts (RFC 7616 §3.4: nc is 8 hex digits, 2^32 - 1 at most)', () => {
  it('a nonce that has taken its last nc takes no more, and the others go on', () => {
    // The real end is 2^32 - 1, beyond a test's reach: the same class with a lower end.
    const counts = new NonceCounts(3);
    expect([1, 2, 3, 4, 5].map(() => counts.take('o', 'n'))).toEqual([1, 2, 3, undefined, undefined]);
    expect(counts.take('o', 'm')).toBe(1);
    counts.pin('o', 'p');
    expect([1, 2, 3, 4].map(() => counts.take('o', 'p'))).toEqual([1, 2, 3, undefined]);
  });
});
