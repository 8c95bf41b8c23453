import { describe, expect, it } from 'vitest';
import { linearToSrgb, srgbToLinear } from '../../../src/core/color.js';
import { priorImageToTensor, tensorToPriorImage } from '../../../src/core/refine/prior-tensor.js';
import type { PriorImage } from '../../../src/core/refine/prior.js';

function image(width: number, height: number, colour: (x: number, y: number) => readonly [number, number, number]): PriorImage {
  const linear = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) linear.set(colour(x, y), (y * width + x) * 3);
  return { width, height, linear };
}

describe('prior image → model tensor', () => {
  it('is sRGB in the model’s range, NCHW at the model size', () => {
    const flat = image(3, 2, () => [0.2, 0.5, 1]);
    const t = priorImageToTensor(flat, 24, 16, 'neg-one-to-one');
    expect(t.shape).toEqual([1, 3, 16, 24]);
    const plane = 24 * 16;
    for (let c = 0; c < 3; c++) {
      const expected = linearToSrgb([0.2, 0.5, 1][c]) * 2 - 1;
      for (let p = 0; p < plane; p++) expect(t.data[c * plane + p]).toBeCloseTo(expected, 5);
    }
    expect(priorImageToTensor(flat, 24, 16, 'zero-to-one').data[0]).toBeCloseTo(linearToSrgb(0.2), 5);
  });

  it('upsamples bilinearly with half-pixel centres and clamped edges (align_corners=False)', () => {
    // Two cells, sRGB 0 and 1, to 8 pixels: centres at 1.5 and 5.5 of the output, clamped outside.
    const two = image(2, 1, (x) => [srgbToLinear(x), 0, 0]);
    const t = priorImageToTensor(two, 8, 1, 'zero-to-one');
    expect(Array.from(t.data.subarray(0, 8), (v) => Number(v.toFixed(4)))).toEqual([0, 0, 0.125, 0.375, 0.625, 0.875, 1, 1]);
  });

  it('averages (area) when the model is smaller than the grid', () => {
    const checker = image(4, 4, (x, y) => ((x + y) % 2 ? [1, 1, 1] : [0, 0, 0]));
    const t = priorImageToTensor(checker, 2, 2, 'zero-to-one');
    for (const v of t.data) expect(v).toBeCloseTo(linearToSrgb(0.5), 2); // mean light, in sRGB
  });
});

describe('model tensor → prior image', () => {
  it('averages each cell’s pixels in linear light (fractional coverage), in the model’s range', () => {
    // 16×8 of sRGB 0 and 1 columns, alternating, to 4×2 cells of 4×4 pixels: half the light.
    const data = new Float32Array(3 * 16 * 8);
    for (let c = 0; c < 3; c++) for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) data[c * 128 + y * 16 + x] = x % 2 ? 1 : -1;
    const out = tensorToPriorImage({ data, shape: [1, 3, 8, 16] }, 4, 2, 'neg-one-to-one');
    expect([out.width, out.height, out.linear.length]).toEqual([4, 2, 24]);
    for (const v of out.linear) expect(v).toBeCloseTo(0.5, 3);
    // 16 → 6 columns (not a whole ratio): a flat picture stays flat.
    data.fill(0.2);
    const odd = tensorToPriorImage({ data, shape: [1, 3, 8, 16] }, 6, 3, 'zero-to-one');
    for (const v of odd.linear) expect(v).toBeCloseTo(srgbToLinear(Math.round(0.2 * 255) / 255), 4);
  });
});
