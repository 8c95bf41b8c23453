import { describe, expect, it } from 'vitest';
import { createPngRowFilter } from '../../../src/core/codecs/png-rows.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { discSprite, horizontalGradient, noiseImage } from '../../fixtures/images.js';

/** PNG's reconstruction (spec §9.2), written plainly: the inverse the decoder applies. */
function unfilter(scanlines: Uint8Array, width: number, height: number, bpp: number): { rows: Uint8Array; types: number[] } {
  const stride = width * bpp;
  const rows = new Uint8Array(height * stride);
  const types: number[] = [];
  for (let y = 0; y < height; y++) {
    const type = scanlines[y * (stride + 1)];
    types.push(type);
    for (let i = 0; i < stride; i++) {
      const f = scanlines[y * (stride + 1) + 1 + i];
      const a = i >= bpp ? rows[y * stride + i - bpp] : 0;
      const b = y > 0 ? rows[(y - 1) * stride + i] : 0;
      const c = i >= bpp && y > 0 ? rows[(y - 1) * stride + i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type];
      rows[y * stride + i] = (f + predictor) & 0xff;
    }
  }
  return { rows, types };
}

function packed(image: RgbaImage, bpp: 3 | 4): Uint8Array {
  return bpp === 4 ? new Uint8Array(image.data) : Uint8Array.from(image.data.filter((_, i) => i % 4 !== 3));
}

describe('createPngRowFilter', () => {
  it.each([
    ['noise, RGBA', noiseImage(37, 29, 4), 4],
    ['a sprite with alpha, RGBA', discSprite(33, [10, 200, 90]), 4],
    ['a gradient, RGB', horizontalGradient(50, 20), 3],
  ] as const)('writes scanlines that PNG’s reconstruction turns back into the rows: %s', (_, image, bpp) => {
    const filter = createPngRowFilter(image.width, bpp);
    // In bands of uneven heights, as the decoder hands them over.
    const parts: Uint8Array[] = [];
    for (let y = 0, h = 1; y < image.height; y += h, h = h * 2 + 1) {
      const rows = Math.min(h, image.height - y);
      parts.push(filter.filterBand({ width: image.width, height: rows, data: image.data.subarray(y * image.width * 4, (y + rows) * image.width * 4) }));
    }
    const scanlines = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((o, p) => (scanlines.set(p, o), o + p.length), 0);
    const { rows, types } = unfilter(scanlines, image.width, image.height, bpp);
    expect(Buffer.from(rows).equals(Buffer.from(packed(image, bpp)))).toBe(true);
    for (const t of types) expect([0, 1, 2, 4]).toContain(t);
  });

  it('picks the filter that predicts best: Sub along a gradient row, Up under an identical row, None for a flat first row', () => {
    const image = createImage(16, 3);
    for (let x = 0; x < 16; x++) {
      image.data.set([x * 16, x * 16, x * 16, 255], x * 4); // row 0: a ramp
      image.data.set([x * 16, x * 16, x * 16, 255], (16 + x) * 4); // row 1: the same ramp
      image.data.set([0, 0, 0, 0], (32 + x) * 4); // row 2: transparent black, below a ramp
    }
    const types = unfilter(createPngRowFilter(16, 4).filterBand(image), 16, 3, 4).types;
    expect(types).toEqual([1, 2, 0]);
    expect(unfilter(createPngRowFilter(4, 4).filterBand(createImage(4, 1)), 4, 1, 4).types).toEqual([0]);
  });
});
