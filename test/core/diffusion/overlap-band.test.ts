import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reflectIndex } from '../../../src/core/diffusion/latent-window.js';
import {
  WRITE_AVERAGE,
  WRITE_KEEP,
  WRITE_NEW,
  defaultBandWidth,
  writeBackCodesInto,
  writeBackInto,
} from '../../../src/core/diffusion/overlap-band.js';

/**
 * Pixelsmith's `create_gradient_border` as written (algorithms.md §2.5 step 8): blur the fresh mask
 * with a (2b+1)² box over reflect padding, smoothed = mask + (1 − mask)·blur clamped to [0, 1], then
 * 1 → new, 0 → keep, anything between → average.
 */
function pixelsmithCodes(mask: Uint8Array, height: number, width: number, band: number): Uint8Array {
  const out = new Uint8Array(height * width);
  const side = 2 * band + 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -band; dy <= band; dy++) {
        for (let dx = -band; dx <= band; dx++) sum += mask[reflectIndex(y + dy, height) * width + reflectIndex(x + dx, width)];
      }
      const m = mask[y * width + x];
      const smoothed = Math.min(1, Math.max(0, m + (1 - m) * (sum / (side * side))));
      out[y * width + x] = smoothed === 1 ? WRITE_NEW : smoothed === 0 ? WRITE_KEEP : WRITE_AVERAGE;
    }
  }
  return out;
}

describe('writeBackCodesInto', () => {
  it("matches Pixelsmith's blurred-mask rule on random masks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (h, w, band, seed, density) => {
          // A random fresh region: a rectangle (as patches make) plus scattered pixels.
          const mask = new Uint8Array(h * w);
          let s = seed;
          const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
          const y0 = Math.floor(rand() * h), x0 = Math.floor(rand() * w);
          for (let y = y0; y < h; y++) for (let x = x0; x < w; x++) mask[y * w + x] = 1;
          for (let i = 0; i < mask.length; i++) if (rand() < density * 0.2) mask[i] = 1;
          const codes = new Uint8Array(h * w);
          writeBackCodesInto(codes, mask, h, w, band);
          const expected = band === 0
            ? mask.map((m) => (m ? WRITE_NEW : WRITE_KEEP))
            : pixelsmithCodes(mask, h, w, band);
          expect(Array.from(codes)).toEqual(Array.from(expected));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('averages exactly the stepped pixels within the band around the fresh region', () => {
    // 8 × 8 box, fresh on its right half: the band of 2 covers columns 2 and 3.
    const mask = new Uint8Array(64).map((_, i) => (i % 8 >= 4 ? 1 : 0));
    const codes = new Uint8Array(64);
    writeBackCodesInto(codes, mask, 8, 8, 2);
    const row = Array.from(codes.subarray(0, 8));
    expect(row).toEqual([WRITE_KEEP, WRITE_KEEP, WRITE_AVERAGE, WRITE_AVERAGE, WRITE_NEW, WRITE_NEW, WRITE_NEW, WRITE_NEW]);
  });
});

describe('writeBackInto', () => {
  it('writes new values, averages the band and keeps the rest, in every channel', () => {
    const latent = new Float32Array(2 * 3 * 4).fill(10); // 2 channels, 3 × 4
    const patch = new Float32Array(2 * 2 * 2).fill(20); // 2 channels, window 2 × 2 at (1, 1)
    const codes = Uint8Array.of(WRITE_NEW, WRITE_AVERAGE, WRITE_KEEP, WRITE_NEW);
    writeBackInto(latent, 2, 3, 4, { top: 1, left: 1, height: 2, width: 2 }, patch, codes);
    for (let c = 0; c < 2; c++) {
      const plane = Array.from(latent.subarray(c * 12, c * 12 + 12));
      expect(plane).toEqual([10, 10, 10, 10, 10, 20, 15, 10, 10, 10, 20, 10]);
    }
  });
});

describe('defaultBandWidth', () => {
  it("is Pixelsmith's 10 pixels at 128-pixel patches, scaled with the patch", () => {
    expect(defaultBandWidth(128)).toBe(10);
    expect(defaultBandWidth(64)).toBe(5);
    expect(defaultBandWidth(32)).toBe(3);
  });
});
