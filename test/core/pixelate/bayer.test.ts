import { describe, expect, it } from 'vitest';
import { BAYER_2, BAYER_4, BAYER_8 } from '../../../src/core/pixelate/bayer.js';

describe('Bayer matrices', () => {
  it('are the standard 2×2, 4×4 and 8×8 threshold maps', () => {
    expect([...BAYER_2]).toEqual([0, 2, 3, 1]);
    expect([...BAYER_4]).toEqual([0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5]);
    expect([...BAYER_8]).toEqual([
      0, 32, 8, 40, 2, 34, 10, 42, 48, 16, 56, 24, 50, 18, 58, 26, 12, 44, 4, 36, 14, 46, 6, 38, 60, 28, 52, 20, 62, 30, 54, 22,
      3, 35, 11, 43, 1, 33, 9, 41, 51, 19, 59, 27, 49, 17, 57, 25, 15, 47, 7, 39, 13, 45, 5, 37, 63, 31, 55, 23, 61, 29, 53, 21,
    ]);
  });

  it('hold each threshold exactly once', () => {
    for (const m of [BAYER_2, BAYER_4, BAYER_8]) expect([...m].sort((a, b) => a - b)).toEqual(Array.from({ length: m.length }, (_, i) => i));
  });
});
