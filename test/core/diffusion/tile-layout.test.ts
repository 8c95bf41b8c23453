import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tilePositions, tileSpan, tileWeights, weightSums } from '../../../src/core/diffusion/tile-layout.js';

/** (length, tile, overlap, align) with everything a multiple of align and 0 ≤ overlap < tile. */
const layouts = fc
  .tuple(fc.constantFrom(1, 8), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 11 }))
  .filter(([, , tile, overlap]) => overlap < tile)
  .map(([align, length, tile, overlap]) => ({ align, length: length * align, tile: tile * align, overlap: overlap * align }));

describe('tilePositions', () => {
  it('covers the axis with the fewest aligned tiles that overlap by at least `overlap`, all inside it', () => {
    fc.assert(
      fc.property(layouts, ({ align, length, tile, overlap }) => {
        const starts = tilePositions(length, tile, overlap, align);
        expect(starts[0]).toBe(0);
        if (length <= tile) {
          expect(starts).toEqual([0]);
          return;
        }
        expect(starts.at(-1)).toBe(length - tile);
        for (const s of starts) expect(s % align).toBe(0);
        for (let i = 1; i < starts.length; i++) {
          expect(starts[i]).toBeGreaterThan(starts[i - 1]);
          expect(starts[i - 1] + tile - starts[i]).toBeGreaterThanOrEqual(overlap);
        }
        // One tile fewer could not cover the axis with that overlap.
        const n = starts.length;
        expect((n - 1) * tile - (n - 2) * overlap).toBeLessThan(length);
      }),
      { numRuns: 500 },
    );
  });

  it('lays 8192 px out in 512 px tiles overlapping by 128 px', () => {
    const starts = tilePositions(8192, 512, 128, 8);
    expect(starts.length).toBe(21); // ⌈(8192 − 128)/384⌉
    expect(starts.at(-1)).toBe(7680);
  });
});

describe('tileWeights and weightSums', () => {
  it('ramp linearly over two tiles overlapping by exactly the ramp, summing to 1', () => {
    const starts = [0, 12], span = 16, length = 28, ramp = 4;
    expect(tilePositions(length, span, ramp)).toEqual(starts);
    const sums = weightSums(starts, span, length, ramp);
    for (const s of sums) expect(s).toBeCloseTo(1, 12);
    expect(Array.from(tileWeights(12, span, length, ramp).subarray(0, 4))).toEqual([0.125, 0.375, 0.625, 0.875]);
    expect(Array.from(tileWeights(0, span, length, ramp).subarray(12))).toEqual([0.875, 0.625, 0.375, 0.125]);
  });

  it('are positive everywhere, with weight 1 at the ends of the axis', () => {
    fc.assert(
      fc.property(layouts, ({ align, length, tile, overlap }) => {
        const starts = tilePositions(length, tile, overlap, align), span = tileSpan(length, tile);
        const sums = weightSums(starts, span, length, overlap);
        for (const s of sums) expect(s).toBeGreaterThan(0);
        expect(tileWeights(starts[0], span, length, overlap)[0]).toBe(1);
        expect(tileWeights(starts.at(-1) as number, span, length, overlap)[span - 1]).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
