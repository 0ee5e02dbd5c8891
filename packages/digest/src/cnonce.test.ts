import { describe, expect, it } from 'vitest';
import { randomCnonce } from './cnonce.js';

describe('randomCnonce', () => {
  // 2,000 draws span several refills of the 4 KiB pool (256 cnonces each).
  const draws = Array.from({ length: 2000 }, () => randomCnonce());

  it('is 128 bits as 32 lower-case hex digits', () => {
    for (const cnonce of draws) expect(cnonce).toMatch(/^[0-9a-f]{32}$/);
  });

  it('never repeats, across refills of its pool', () => {
    expect(new Set(draws).size).toBe(draws.length);
  });

  it('uses every hex digit in every position (no stuck or zeroed octets)', () => {
    // Missing one of 16 digits at one of 32 positions in 2,000 random draws: (15/16)^2000, about 1e-56.
    for (let position = 0; position < 32; position++) {
      const seen = new Set(draws.map((cnonce) => cnonce[position]));
      expect(seen.size, `position ${position}`).toBe(16);
    }
  });
});
