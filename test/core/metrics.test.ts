import { describe, expect, it } from 'vitest';
import { countColors, gaussianBlur, meanDeltaE, meanDeltaE2000, measureQuality, orphanRate, ssim } from '../../src/core/metrics.js';
import { checkerImage, hueSweepImage, noiseImage, solidImage } from '../fixtures/images.js';

describe('metrics', () => {
  it('score an image against itself as perfect', () => {
    const img = hueSweepImage(40, 30);
    expect(meanDeltaE(img, img)).toBe(0);
    expect(meanDeltaE2000(img, img)).toBe(0);
    expect(ssim(img, img)).toBeCloseTo(1, 10);
    const q = measureQuality(img, img);
    expect(q.deltaE).toBe(0);
    expect(q.blurredDeltaE).toBe(0);
  });

  it('measure ΔE between two flat colours as their OKLab distance', () => {
    // White vs black: ΔEOK = 1 (L 1 → 0); mid grey #808080 has L 0.599871.
    expect(meanDeltaE(solidImage(4, 4, [255, 255, 255, 255]), solidImage(4, 4, [0, 0, 0, 255]))).toBeCloseTo(1, 5);
    expect(meanDeltaE(solidImage(4, 4, [128, 128, 128, 255]), solidImage(4, 4, [0, 0, 0, 255]))).toBeCloseTo(0.599871, 5);
    expect(meanDeltaE2000(solidImage(2, 2, [255, 255, 255, 255]), solidImage(2, 2, [0, 0, 0, 255]))).toBeCloseTo(100, 1);
  });

  it('ignore pixels that are transparent in either image', () => {
    expect(meanDeltaE(solidImage(4, 4, [255, 0, 0, 0]), solidImage(4, 4, [0, 0, 255, 255]))).toBe(0);
  });

  it('blurred ΔE sees a fine checker as its average tone; plain ΔE does not', () => {
    const checker = checkerImage(32, 32, 1, [0, 0, 0], [255, 255, 255]);
    const grey = solidImage(32, 32, [188, 188, 188, 255]);
    expect(meanDeltaE(checker, grey)).toBeGreaterThan(0.3);
    expect(meanDeltaE(gaussianBlur(checker, 1), gaussianBlur(grey, 1))).toBeLessThan(0.02);
  });

  it('SSIM falls for noise', () => {
    expect(ssim(hueSweepImage(64, 64), noiseImage(64, 64, 1))).toBeLessThan(0.2);
  });

  it('orphan rate: a 1-px checker has none (diagonals match), random noise is nearly all orphans, flat has none', () => {
    expect(orphanRate(checkerImage(8, 8, 1, [0, 0, 0], [255, 255, 255]))).toBe(0);
    expect(orphanRate(noiseImage(16, 16, 3))).toBeGreaterThan(0.9);
    expect(orphanRate(solidImage(8, 8, [9, 9, 9, 255]))).toBe(0);
  });

  it('counts distinct opaque colours', () => {
    expect(countColors(checkerImage(8, 8, 2, [1, 2, 3], [4, 5, 6]))).toBe(2);
    expect(countColors(solidImage(3, 3, [1, 2, 3, 0]))).toBe(0);
  });

  it('refuse to compare images of different sizes', () => {
    expect(() => meanDeltaE(solidImage(2, 2, [0, 0, 0, 255]), solidImage(3, 2, [0, 0, 0, 255]))).toThrowError(/Cannot compare/);
  });
});
