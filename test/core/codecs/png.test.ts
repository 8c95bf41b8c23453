import { encode as encodePngRaw } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, hasPngSignature } from '../../../src/core/codecs/png.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { ihdrData, insertAfterIhdr, pngChunk } from '../../fixtures/png-chunks.js';

/** Pixels as [r, g, b, a] tuples, for readable expectations. */
function pixels(image: RgbaImage): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < image.data.length; i += 4) out.push([...image.data.subarray(i, i + 4)]);
  return out;
}

function gradientImage(width: number, height: number): RgbaImage {
  const image = createImage(width, height);
  for (let i = 0; i < width * height; i++) image.data.set([(i * 37) & 255, (i * 11) & 255, 255 - (i & 255), (i * 53) & 255], i * 4);
  return image;
}

function expectTesseraError(run: () => unknown, code: TesseraError['code']): TesseraError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).code).toBe(code);
    return e as TesseraError;
  }
  throw new Error('expected a TesseraError');
}

describe('decodePng', () => {
  it('round-trips RGBA exactly, at every compression level', () => {
    const image = gradientImage(13, 7);
    for (const compressionLevel of [0, 6, 9]) {
      const decoded = decodePng(encodePng(image, { compressionLevel }));
      expect(decoded.width).toBe(13);
      expect(decoded.height).toBe(7);
      expect(decoded.data).toEqual(image.data);
    }
  });

  it('reads 8-bit grey and grey+alpha as opaque or straight-alpha RGBA', () => {
    const grey = encodePngRaw({ width: 3, height: 1, channels: 1, depth: 8, data: Uint8Array.of(0, 128, 255) });
    expect(pixels(decodePng(grey))).toEqual([[0, 0, 0, 255], [128, 128, 128, 255], [255, 255, 255, 255]]);
    const greyAlpha = encodePngRaw({ width: 2, height: 1, channels: 2, depth: 8, data: Uint8Array.of(10, 0, 200, 77) });
    expect(pixels(decodePng(greyAlpha))).toEqual([[10, 10, 10, 0], [200, 200, 200, 77]]);
  });

  it('scales 16-bit samples to 8 bits by rounding', () => {
    const rgba16 = encodePngRaw({ width: 1, height: 1, channels: 4, depth: 16, data: Uint16Array.of(0x1234, 0xffff, 0x0080, 0x8000) });
    expect(pixels(decodePng(rgba16))).toEqual([[18, 255, 0, 128]]);
    const grey16 = encodePngRaw({ width: 2, height: 1, channels: 1, depth: 16, data: Uint16Array.of(0, 0xffff) });
    expect(pixels(decodePng(grey16))).toEqual([[0, 0, 0, 255], [255, 255, 255, 255]]);
  });

  it('unpacks 1-, 2- and 4-bit grey, with rows padded to whole bytes', () => {
    // 3 pixels a row, 2 rows: the second row starts on a new byte.
    const oneBit = encodePngRaw({ width: 3, height: 2, channels: 1, depth: 1, data: Uint8Array.of(0b1010_0000, 0b0110_0000) });
    expect(pixels(decodePng(oneBit)).map((p) => p[0])).toEqual([255, 0, 255, 0, 255, 255]);
    const twoBit = encodePngRaw({ width: 4, height: 1, channels: 1, depth: 2, data: Uint8Array.of(0b00_01_10_11) });
    expect(pixels(decodePng(twoBit)).map((p) => p[0])).toEqual([0, 85, 170, 255]);
    const fourBit = encodePngRaw({ width: 3, height: 1, channels: 1, depth: 4, data: Uint8Array.of(0x0f, 0x70) });
    expect(pixels(decodePng(fourBit)).map((p) => p[0])).toEqual([0, 255, 119]);
  });

  it('reads indexed images at 1, 2, 4 and 8 bits, with tRNS alpha per entry', () => {
    // fast-png writes tRNS for the entries whose alpha is not 255, so those come first.
    const palette = [[255, 0, 0, 0], [0, 255, 0, 128], [0, 0, 255, 255], [9, 9, 9, 255]];
    const cases = [
      { depth: 1 as const, data: Uint8Array.of(0b0100_0000), width: 2 },
      { depth: 2 as const, data: Uint8Array.of(0b00_01_10_11), width: 4 },
      { depth: 4 as const, data: Uint8Array.of(0x01, 0x23), width: 4 },
      { depth: 8 as const, data: Uint8Array.of(0, 1, 2, 3), width: 4 },
    ];
    for (const { depth, data, width } of cases) {
      const png = encodePngRaw({ width, height: 1, channels: 1, depth, data, palette: palette.slice(0, Math.min(4, 1 << depth)) });
      expect(pixels(decodePng(png)), `depth ${depth}`).toEqual(palette.slice(0, width));
    }
  });

  it('applies a tRNS colour key to grey and RGB images', () => {
    const grey = encodePngRaw({ width: 2, height: 1, channels: 1, depth: 8, data: Uint8Array.of(7, 8) });
    const greyKeyed = insertAfterIhdr(grey, pngChunk('tRNS', Uint8Array.of(0, 7)));
    expect(pixels(decodePng(greyKeyed))).toEqual([[7, 7, 7, 0], [8, 8, 8, 255]]);
    // fast-png 8.0 compares the key's 3 values with the pixel count, so an RGB key needs 3+ pixels.
    const rgb = encodePngRaw({ width: 3, height: 1, channels: 3, depth: 8, data: Uint8Array.of(1, 2, 3, 1, 2, 4, 1, 2, 3) });
    const rgbKeyed = insertAfterIhdr(rgb, pngChunk('tRNS', Uint8Array.of(0, 1, 0, 2, 0, 3)));
    expect(pixels(decodePng(rgbKeyed))).toEqual([[1, 2, 3, 0], [1, 2, 4, 255], [1, 2, 3, 0]]);
  });

  it('decodes Adam7-interlaced files like plain ones', () => {
    const image = gradientImage(11, 9);
    const png = encodePngRaw({ width: 11, height: 9, channels: 4, depth: 8, data: image.data }, { interlace: 'Adam7' });
    expect(decodePng(png).data).toEqual(image.data);
  });

  // Regression: toRgba used to treat any image with a PLTE chunk as indexed.
  it('reads an RGB image that carries a suggested palette as RGB', () => {
    const rgb = encodePngRaw({ width: 2, height: 1, channels: 3, depth: 8, data: Uint8Array.of(10, 20, 30, 40, 50, 60) });
    const withPlte = insertAfterIhdr(rgb, pngChunk('PLTE', Uint8Array.of(1, 2, 3)));
    expect(pixels(decodePng(withPlte))).toEqual([[10, 20, 30, 255], [40, 50, 60, 255]]);
  });
});

describe('decodePng refuses damaged and forged files with typed errors', () => {
  const small = encodePng(gradientImage(8, 8));

  it('checks the signature and the header', () => {
    expect(hasPngSignature(small)).toBe(true);
    expectTesseraError(() => decodePng(new Uint8Array(0)), 'unsupported-format');
    expectTesseraError(() => decodePng(small.subarray(0, 20)), 'unsupported-format');
    expectTesseraError(() => decodePng(small.subarray(0, small.length - 30)), 'unsupported-format');
  });

  it('refuses a header over the pixel limit before decoding', () => {
    const forged = new Uint8Array(small);
    new DataView(forged.buffer).setUint32(16, 0x10000);
    new DataView(forged.buffer).setUint32(20, 0x10000);
    expectTesseraError(() => decodePng(forged), 'invalid-input');
  });

  // Regression: a flipped bit made fast-png allocate 512 MB for this 16777224×8 "image".
  it('refuses a size that the image data is far too short to hold', () => {
    const forged = new Uint8Array(small);
    forged[16] = 1;
    const error = expectTesseraError(() => decodePng(forged), 'unsupported-format');
    expect(error.details).toEqual({ format: 'png' });
  });

  // Regression: fast-png honours a second IHDR, whose size our first check never saw.
  it('refuses a second IHDR chunk', () => {
    const forged = insertAfterIhdr(small, pngChunk('IHDR', ihdrData(16000, 16000, 8, 6)));
    expectTesseraError(() => decodePng(forged), 'unsupported-format');
  });

  it('refuses an indexed image without a palette', () => {
    const indexed = encodePngRaw({ width: 2, height: 1, channels: 1, depth: 8, data: Uint8Array.of(0, 1), palette: [[0, 0, 0], [9, 9, 9]] });
    const plteAt = indexed.findIndex((_, i) => String.fromCharCode(...indexed.subarray(i, i + 4)) === 'PLTE') - 4;
    const withoutPlte = new Uint8Array([...indexed.subarray(0, plteAt), ...indexed.subarray(plteAt + 12 + 6)]);
    expectTesseraError(() => decodePng(withoutPlte), 'unsupported-format');
  });
});
