import { describe, expect, it } from 'vitest';
import { resizeLanczosLean } from '../../src/core/resize-lean.js';
import { resizeImage } from '../../src/core/resize.js';
import { discSprite, hueSweepImage, noiseImage } from '../fixtures/images.js';

describe('resizeLanczosLean', () => {
  it.each([
    ['×2 of a hue sweep', hueSweepImage(37, 23), 74, 46],
    ['×4 of noise', noiseImage(16, 12, 3), 64, 48],
    ['a custom size, one axis shrinking', hueSweepImage(40, 30), 57, 19],
    ['a sprite with transparent corners and soft edges', discSprite(24, [0x29, 0xad, 0xff]), 61, 61],
    ['a shrink', noiseImage(50, 40, 9), 17, 13],
  ])('gives resizeImage’s lanczos3 bytes exactly: %s', (_, src, width, height) => {
    const lean = resizeLanczosLean(src, width, height);
    const reference = resizeImage(src, width, height, 'lanczos3');
    expect([lean.width, lean.height]).toEqual([width, height]);
    expect(Buffer.from(lean.data).equals(Buffer.from(reference.data))).toBe(true);
  });

  it('refuses an empty size like every image constructor', () => {
    expect(() => resizeLanczosLean(hueSweepImage(4, 4), 0, 8)).toThrow(/no pixels/);
  });
});
