import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { MAX_PIXELS, checkImageSize, createImage, cropImage, isFullyTransparent, pasteImage } from '../../src/core/image.js';
import { noiseImage, pixelAt, solidImage } from '../fixtures/images.js';

describe('image sizes', () => {
  it('refuses 0×0, negative, fractional and absurd sizes with invalid-input', () => {
    for (const [w, h] of [[0, 0], [0, 10], [-1, 5], [2.5, 3], [NaN, 1], [2 ** 15, 2 ** 14 + 1]]) {
      expect(() => checkImageSize(w, h)).toThrowError(TesseraError);
      try {
        checkImageSize(w, h);
      } catch (e) {
        expect((e as TesseraError).code).toBe('invalid-input');
      }
    }
    expect(() => checkImageSize(2 ** 14, 2 ** 14)).not.toThrow();
    expect(2 ** 14 * 2 ** 14).toBe(MAX_PIXELS);
  });

  it('rejects pixel data of the wrong length', () => {
    expect(() => createImage(2, 2, new Uint8ClampedArray(15))).toThrowError(/does not match/);
  });
});

describe('crop and paste', () => {
  it('crops the rectangle, clipped to the image', () => {
    const img = noiseImage(10, 8, 1);
    const crop = cropImage(img, { x: 7, y: 6, width: 5, height: 5 });
    expect([crop.width, crop.height]).toEqual([3, 2]);
    expect(pixelAt(crop, 0, 0)).toEqual(pixelAt(img, 7, 6));
    expect(pixelAt(crop, 2, 1)).toEqual(pixelAt(img, 9, 7));
  });

  it('throws empty-selection for a rectangle outside the image', () => {
    expect(() => cropImage(noiseImage(4, 4, 1), { x: 4, y: 0, width: 2, height: 2 })).toThrowError(
      expect.objectContaining({ code: 'empty-selection' }),
    );
  });

  it('pastes into a copy, leaving the target untouched, and drops what falls outside', () => {
    const target = solidImage(4, 4, [0, 0, 0, 255]);
    const before = new Uint8ClampedArray(target.data);
    const out = pasteImage(target, solidImage(3, 3, [9, 8, 7, 255]), 2, -1);
    expect(target.data).toEqual(before);
    expect(pixelAt(out, 2, 0)).toEqual([9, 8, 7, 255]);
    expect(pixelAt(out, 3, 1)).toEqual([9, 8, 7, 255]);
    expect(pixelAt(out, 1, 0)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(out, 2, 2)).toEqual([0, 0, 0, 255]);
  });

  it('crop then paste back gives the original bytes', () => {
    const img = noiseImage(9, 7, 3);
    const rect = { x: 2, y: 1, width: 4, height: 5 };
    expect(pasteImage(img, cropImage(img, rect), rect.x, rect.y).data).toEqual(img.data);
  });

  it('knows a fully transparent image', () => {
    expect(isFullyTransparent(createImage(3, 3))).toBe(true);
    expect(isFullyTransparent(solidImage(3, 3, [0, 0, 0, 1]))).toBe(false);
  });
});
