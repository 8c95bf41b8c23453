import { describe, expect, it } from 'vitest';
import { decodeJpeg, encodeJpeg, hasJpegSignature } from '../../../src/core/codecs/jpeg.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';

function smoothImage(width: number, height: number): RgbaImage {
  const image = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) image.data.set([x * 8, y * 10, 128, 255], (y * width + x) * 4);
  }
  return image;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    return (e as TesseraError).code;
  }
  return 'no error';
}

/** Offset of the SOF0 marker, whose segment holds the frame height and width. */
function sofOffset(jpeg: Uint8Array): number {
  return jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
}

describe('JPEG codec', () => {
  const image = smoothImage(32, 24);
  const jpeg = encodeJpeg(image, 92);

  it('round-trips a smooth image within a few code values, opaque', () => {
    expect(hasJpegSignature(jpeg)).toBe(true);
    const decoded = decodeJpeg(jpeg);
    expect([decoded.width, decoded.height]).toEqual([32, 24]);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < image.data.length; i++) {
      if (i % 4 === 3) {
        expect(decoded.data[i]).toBe(255);
        continue;
      }
      const d = Math.abs(decoded.data[i] - image.data[i]);
      sum += d;
      max = Math.max(max, d);
    }
    expect(sum / (32 * 24 * 3)).toBeLessThan(2);
    expect(max).toBeLessThanOrEqual(12);
  });

  it('refuses a header over the pixel limit', () => {
    const forged = new Uint8Array(jpeg);
    forged.set([0xff, 0xff, 0xff, 0xff], sofOffset(jpeg) + 5);
    expect(codeOf(() => decodeJpeg(forged))).toBe('invalid-input');
  });

  // Regression: 16000×16000 is under the pixel limit, and jpeg-js spent 37 s and 5 GB on this
  // file before failing on its memory limit. The frame size is now checked against the file size.
  it('refuses a header whose size the file is far too short to hold, before decoding', () => {
    const forged = new Uint8Array(jpeg);
    forged.set([0x3e, 0x80, 0x3e, 0x80], sofOffset(jpeg) + 5);
    expect(codeOf(() => decodeJpeg(forged))).toBe('unsupported-format');
  });

  it('refuses truncated and foreign bytes', () => {
    expect(codeOf(() => decodeJpeg(jpeg.subarray(0, 2)))).toBe('unsupported-format');
    expect(codeOf(() => decodeJpeg(new TextEncoder().encode('not a jpeg')))).toBe('unsupported-format');
  });
});
