import fc from 'fast-check';
import { encode as encodePngRaw } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/core/codecs/decode-image.js';
import { encodeJpeg } from '../../../src/core/codecs/jpeg.js';
import { encodePng } from '../../../src/core/codecs/png.js';
import { TesseraError } from '../../../src/core/errors.js';
import type { RgbaImage } from '../../../src/core/image.js';
import { applyByteMutations, byteMutationsArb, concatBytes, fuzzParameters } from '../../fixtures/byte-mutations.js';
import { hueSweepImage, noiseImage } from '../../fixtures/images.js';

/** The contract: an image whose data matches its size, or a TesseraError. Nothing else. */
function expectImageOrTesseraError(bytes: Uint8Array): void {
  let image: RgbaImage;
  try {
    image = decodeImage(bytes);
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    return;
  }
  expect(image.width * image.height * 4).toBe(image.data.length);
  expect(image.width).toBeGreaterThan(0);
}

const rgbaImageArb: fc.Arbitrary<RgbaImage> = fc
  .record({ width: fc.integer({ min: 1, max: 12 }), height: fc.integer({ min: 1, max: 12 }) })
  .chain(({ width, height }) =>
    fc
      .uint8Array({ minLength: width * height * 4, maxLength: width * height * 4 })
      .map((bytes) => ({ width, height, data: new Uint8ClampedArray(bytes.buffer) })),
  );

/** PNGs of every colour type and depth, so the mutations reach every decoding path. */
const pngArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  rgbaImageArb.map((image) => encodePng(image)),
  fc
    .record({
      width: fc.integer({ min: 1, max: 10 }),
      height: fc.integer({ min: 1, max: 10 }),
      channels: fc.constantFrom(1, 2, 3, 4),
      depth: fc.constantFrom(8 as const, 16 as const),
      adam7: fc.boolean(),
    })
    .chain((p) => {
      const n = p.width * p.height * p.channels;
      const data = p.depth === 16 ? fc.array(fc.nat({ max: 65535 }), { minLength: n, maxLength: n }).map((a) => Uint16Array.from(a)) : fc.uint8Array({ minLength: n, maxLength: n });
      return data.map((d) => encodePngRaw({ ...p, data: d }, { interlace: p.adam7 ? 'Adam7' : 'null' }));
    }),
  fc
    .record({ width: fc.integer({ min: 1, max: 10 }), height: fc.integer({ min: 1, max: 10 }), depth: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const) })
    .chain((p) => {
      const colors = 1 << p.depth;
      const rowBytes = Math.ceil((p.width * p.depth) / 8);
      return fc.uint8Array({ minLength: rowBytes * p.height, maxLength: rowBytes * p.height }).map((data) =>
        encodePngRaw({
          ...p,
          channels: 1,
          data,
          palette: Array.from({ length: colors }, (_, i) => [i, 255 - i, (i * 7) & 255, i === 0 ? 0 : 255]),
        }),
      );
    }),
);

/**
 * jpeg-js spends ~20 ms building its tables on every encode, so JPEGs come from a fixed corpus
 * built once (sizes across the 8×8 block edges, three qualities) and only the mutations vary.
 */
const JPEG_CORPUS: readonly Uint8Array[] = (() => {
  const sizes = [[1, 1], [7, 9], [8, 8], [9, 17], [16, 3], [23, 16]];
  return sizes.flatMap(([width, height], seed) => {
    const image = seed % 2 ? noiseImage(width, height, seed) : hueSweepImage(width, height);
    return [10, 50, 92].map((quality) => encodeJpeg(image, quality));
  });
})();
const jpegArb: fc.Arbitrary<Uint8Array> = fc.constantFrom(...JPEG_CORPUS);

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const JPEG_SOI = Uint8Array.of(0xff, 0xd8, 0xff);

describe('decodeImage fuzz: an image or a TesseraError, never another error', () => {
  it('mutated PNGs (header and data)', () => {
    fc.assert(
      fc.property(pngArb, byteMutationsArb(40), (png, mutations) => expectImageOrTesseraError(applyByteMutations(png, mutations))),
      fuzzParameters(4000),
    );
  });

  it('mutated JPEGs', () => {
    fc.assert(
      fc.property(jpegArb, byteMutationsArb(200), (jpeg, mutations) => expectImageOrTesseraError(applyByteMutations(jpeg, mutations))),
      fuzzParameters(4000),
    );
  });

  it('random bytes, bare and behind a PNG or JPEG signature', () => {
    const prefix = fc.constantFrom(new Uint8Array(0), PNG_SIGNATURE, JPEG_SOI);
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 300 }), (head, tail) => expectImageOrTesseraError(concatBytes(head, tail))),
      fuzzParameters(3000),
    );
  });
});
