import { describe, expect, it } from 'vitest';
import { gaussianLatents, latentSize } from '../../../src/core/diffusion/latents.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/random.js';

describe('gaussianLatents', () => {
  it('gives the same values for the same seed and others for another seed', () => {
    const a = gaussianLatents([1, 4, 8, 8], 1234);
    const b = gaussianLatents([1, 4, 8, 8], 1234);
    const c = gaussianLatents([1, 4, 8, 8], 1235);
    expect(a).toBeInstanceOf(Float32Array);
    expect(a.length).toBe(256);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('draws from createRng(seed).fork("latents") in NCHW order', () => {
    const rng = createRng(99).fork('latents');
    const expected = Float32Array.from({ length: 2 * 3 * 5 }, () => rng.normal());
    expect(Array.from(gaussianLatents([1, 2, 3, 5], 99))).toEqual(Array.from(expected));
    // a smaller latent is a prefix of a larger one with the same seed
    expect(Array.from(gaussianLatents([1, 1, 2, 2], 99))).toEqual(Array.from(expected.slice(0, 4)));
  });

  it('is standard normal: mean ≈ 0, variance ≈ 1 over a 64×64 latent', () => {
    const z = gaussianLatents([1, 4, 64, 64], 7);
    let sum = 0, sumSq = 0;
    for (const v of z) {
      sum += v;
      sumSq += v * v;
    }
    const mean = sum / z.length, variance = sumSq / z.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.03); // 4σ for n = 16384 is 0.031
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('rejects shapes that are not positive integers', () => {
    expect(() => gaussianLatents([1, 4, 0, 8], 1)).toThrow(TesseraError);
    expect(() => gaussianLatents([1, 4, 8.5, 8], 1)).toThrow(TesseraError);
    expect(() => latentSize([1, 4, 65536, 65536])).toThrow(TesseraError);
    expect(latentSize([1, 4, 64, 64])).toBe(16384);
  });
});
