import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.js';
import { alphaPlane, finishBand, isOpaque, opaquePadded } from '../../../src/runtime/upscale/stage-image.js';
import { pixelAt } from '../../fixtures/images.js';

function sample() {
  const image = createImage(3, 2);
  image.data.set([10, 20, 30, 255, 40, 50, 60, 128, 70, 80, 90, 0, 1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255]);
  return image;
}

describe('the stage images', () => {
  it('opaquePadded keeps colours, whitens fully transparent pixels and repeats the last row and column', () => {
    const image = sample();
    const before = new Uint8ClampedArray(image.data);
    const out = opaquePadded(image, { width: 8, height: 8 });
    expect([out.width, out.height]).toEqual([8, 8]);
    expect(pixelAt(out, 0, 0)).toEqual([10, 20, 30, 255]);
    expect(pixelAt(out, 1, 0)).toEqual([40, 50, 60, 255]); // half transparent: its own colour, not blended
    expect(pixelAt(out, 2, 0)).toEqual([255, 255, 255, 255]); // transparent: white
    expect(pixelAt(out, 7, 0)).toEqual([255, 255, 255, 255]); // the last column repeated
    expect(pixelAt(out, 0, 7)).toEqual([1, 2, 3, 255]); // the last row repeated
    expect(pixelAt(out, 7, 7)).toEqual([7, 8, 9, 255]);
    expect(image.data).toEqual(before); // a copy
  });

  it('opaquePadded in place changes the caller’s image only when told and when no padding is needed', () => {
    const image = sample();
    expect(opaquePadded(image, { width: 3, height: 2 }, { inPlace: true })).toBe(image);
    expect(isOpaque(image)).toBe(true);
    expect(pixelAt(image, 2, 0)).toEqual([255, 255, 255, 255]);
    const other = sample();
    expect(opaquePadded(other, { width: 8, height: 8 }, { inPlace: true })).not.toBe(other);
  });

  it('finishBand crops to the image and puts the alpha back from the right rows', () => {
    const band = opaquePadded(sample(), { width: 8, height: 8 });
    const alpha = alphaPlane(sample());
    expect(Array.from(alpha)).toEqual([255, 128, 0, 255, 255, 255]);
    const row1 = finishBand({ width: 8, height: 1, data: band.data.subarray(8 * 4, 16 * 4) }, 3, 1, alpha, 1);
    expect([row1.width, row1.height]).toEqual([3, 1]);
    expect(Array.from(row1.data)).toEqual([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 255]);
    const row0 = finishBand(band, 3, 1, alpha, 0);
    expect(Array.from(row0.data.filter((_, i) => i % 4 === 3))).toEqual([255, 128, 0]);
    expect(isOpaque(finishBand(band, 3, 2, null, 0))).toBe(true);
  });
});
