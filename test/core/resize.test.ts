import { describe, expect, it } from 'vitest';
import { createImage } from '../../src/core/image.js';
import { resizeImage } from '../../src/core/resize.js';
import { checkerImage, hueSweepImage, noiseImage, pixelAt, solidImage } from '../fixtures/images.js';

describe('area resize', () => {
  it('averages in linear light: a black/white checker becomes sRGB 188, not 128', () => {
    const out = resizeImage(checkerImage(8, 8, 1, [0, 0, 0], [255, 255, 255]), 4, 4, 'area');
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(pixelAt(out, x, y)).toEqual([188, 188, 188, 255]);
  });

  it('weights by alpha: transparent pixels do not darken their neighbours', () => {
    const img = createImage(2, 1);
    img.data.set([255, 0, 0, 255, 0, 0, 0, 0]);
    expect(pixelAt(resizeImage(img, 1, 1, 'area'), 0, 0)).toEqual([255, 0, 0, 128]);
  });

  it('handles cells that are not a whole number of pixels (7 px → 3) by exact coverage', () => {
    const img = createImage(7, 1);
    for (let x = 0; x < 7; x++) img.data.set(x < 3 ? [255, 255, 255, 255] : [0, 0, 0, 255], x * 4);
    const out = resizeImage(img, 3, 1, 'area');
    // cell 0 = px 0..2.33 (all white), cell 1 = px 2.33..4.67 (2/3 of px 2 white = 0.667/2.333 of the cell).
    expect(pixelAt(out, 0, 0)).toEqual([255, 255, 255, 255]);
    const expected = Math.round(255 * (1.055 * (0.6667 / 2.3333) ** (1 / 2.4) - 0.055));
    expect(Math.abs(pixelAt(out, 1, 0)[0] - expected)).toBeLessThanOrEqual(1);
    expect(pixelAt(out, 2, 0)).toEqual([0, 0, 0, 255]);
  });

  it('the fast box path and the general path agree (upscale one axis, shrink the other)', () => {
    const img = hueSweepImage(37, 23);
    const shrink = resizeImage(img, 10, 7, 'area');
    expect([shrink.width, shrink.height]).toEqual([10, 7]);
    const mixed = resizeImage(img, 50, 7, 'area'); // general path: wider, shorter
    expect([mixed.width, mixed.height]).toEqual([50, 7]);
    // Same column average either way within one code value.
    const a = pixelAt(resizeImage(img, 1, 7, 'area'), 0, 3);
    const b = pixelAt(resizeImage(mixed, 1, 7, 'area'), 0, 3);
    for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThanOrEqual(2);
  });
});

describe('lanczos3 and nearest', () => {
  it('keeps a flat colour flat (weights sum to one)', () => {
    const out = resizeImage(solidImage(13, 9, [40, 120, 200, 255]), 31, 5, 'lanczos3');
    for (let i = 0; i < out.data.length; i += 4) expect([...out.data.subarray(i, i + 4)]).toEqual([40, 120, 200, 255]);
  });

  it('nearest ×3 repeats each pixel into a 3×3 block', () => {
    const img = noiseImage(4, 3, 7);
    const out = resizeImage(img, 12, 9, 'nearest');
    for (let y = 0; y < 9; y++) for (let x = 0; x < 12; x++) expect(pixelAt(out, x, y)).toEqual(pixelAt(img, Math.floor(x / 3), Math.floor(y / 3)));
  });

  it('refuses a 0-sized target', () => {
    expect(() => resizeImage(noiseImage(4, 4, 1), 0, 4, 'lanczos3')).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
  });
});
