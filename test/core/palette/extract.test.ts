import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.js';
import { extractPaletteSteps } from '../../../src/core/palette/extract.js';
import { paletteSize, paletteToHex } from '../../../src/core/palette/palette.js';
import { runSync } from '../../../src/core/progress.js';
import { TesseraError } from '../../../src/core/errors.js';
import { hueSweepImage, noiseImage } from '../../fixtures/images.js';

const extract = (...args: Parameters<typeof extractPaletteSteps>) => runSync(extractPaletteSteps(...args));

/** Four flat quadrants of exactly known colours. */
function quadrants(): ReturnType<typeof createImage> {
  const img = createImage(40, 40);
  const colours = [[200, 30, 40], [20, 160, 60], [30, 40, 200], [240, 240, 230]];
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) img.data.set([...colours[(y < 20 ? 0 : 2) + (x < 20 ? 0 : 1)], 255], (y * 40 + x) * 4);
  return img;
}

describe('extractPalette (k-means++ in OKLab)', () => {
  it('recovers the exact colours of an image that has k of them', () => {
    const hex = paletteToHex(extract(quadrants(), { colors: 4, seed: 3 })).sort();
    expect(hex).toEqual(['#1e28c8', '#14a03c', '#c81e28', '#f0f0e6'].sort());
  });

  it('is deterministic for a seed', () => {
    const img = hueSweepImage(64, 48);
    const a = extract(img, { colors: 8, seed: 11 });
    const b = extract(img, { colors: 8, seed: 11 });
    expect(a.rgb).toEqual(b.rgb);
  });

  it('returns at most k colours, sorted dark to light', () => {
    const p = extract(noiseImage(64, 64, 2), { colors: 16, seed: 1 });
    expect(paletteSize(p)).toBeLessThanOrEqual(16);
    expect(paletteSize(p)).toBeGreaterThanOrEqual(12);
    const lum = paletteToHex(p).map((h) => { const v = parseInt(h.slice(1), 16); return 0.2126 * (v >> 16) + 0.7152 * ((v >> 8) & 255) + 0.0722 * (v & 255); });
    expect(lum[0]).toBeLessThan(lum[lum.length - 1]);
  });

  it('never lets transparent pixels shape the palette', () => {
    const img = quadrants();
    // Make the blue quadrant transparent (colour bytes kept, alpha 0) and one quadrant half-transparent.
    for (let y = 20; y < 40; y++) for (let x = 0; x < 20; x++) img.data[(y * 40 + x) * 4 + 3] = 0;
    const hex = paletteToHex(extract(img, { colors: 4, seed: 1 }));
    expect(hex).not.toContain('#1e28c8');
    expect(hex.length).toBe(3);
  });

  it('refuses an image with no opaque pixels, and k outside 1..256', () => {
    expect(() => extract(createImage(4, 4), { colors: 4, seed: 1 })).toThrowError(TesseraError);
    expect(() => extract(quadrants(), { colors: 0, seed: 1 })).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => extract(quadrants(), { colors: 257, seed: 1 })).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
  });
});
