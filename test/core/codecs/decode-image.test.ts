import { describe, expect, it } from 'vitest';
import { thrownTesseraError as thrown } from '../../fixtures/errors.js';
import { decodeImage, sniffImageFormat } from '../../../src/core/codecs/decode-image.js';
import { encodeJpeg } from '../../../src/core/codecs/jpeg.js';
import { encodePng } from '../../../src/core/codecs/png.js';
import { createImage } from '../../../src/core/image.js';

describe('decodeImage', () => {
  const image = createImage(4, 3, new Uint8ClampedArray(48).fill(200));

  it('dispatches on the signature, never the name', () => {
    const png = encodePng(image);
    const jpeg = encodeJpeg(image);
    expect(sniffImageFormat(png)).toBe('png');
    expect(sniffImageFormat(jpeg)).toBe('jpeg');
    expect(decodeImage(png).data).toEqual(image.data);
    expect([decodeImage(jpeg).width, decodeImage(jpeg).height]).toEqual([4, 3]);
  });

  it('says an empty file is empty', () => {
    const error = thrown(() => decodeImage(new Uint8Array(0)));
    expect(error.code).toBe('unsupported-format');
    expect(error.details).toEqual({ bytes: 0 });
  });

  it('refuses text and other formats as unsupported', () => {
    expect(sniffImageFormat(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(thrown(() => decodeImage(new TextEncoder().encode('hello, world'))).code).toBe('unsupported-format');
    expect(thrown(() => decodeImage(new TextEncoder().encode('GIF89a\x01\x00\x01\x00'))).code).toBe('unsupported-format');
  });
});
