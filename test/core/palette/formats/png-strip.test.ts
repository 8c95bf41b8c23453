import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../../src/core/codecs/png.js';
import { TesseraError } from '../../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../../src/core/image.js';
import { detectSwatchSize, parsePngStripPalette, serializePngStripPalette } from '../../../../src/core/palette/formats/png-strip.js';
import { createPalette } from '../../../../src/core/palette/palette.js';
import { PALETTE_PRESETS } from '../../../../src/core/palette/presets.js';

/** A grid of `size`-px swatches; null cells are fully transparent, with junk RGB underneath. */
function swatchGrid(cells: readonly (readonly (readonly number[] | null)[])[], size: number): RgbaImage {
  const image = createImage(cells[0].length * size, cells.length * size);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const cell = cells[Math.floor(y / size)][Math.floor(x / size)];
      image.data.set(cell ? [...cell.slice(0, 3), cell[3] ?? 255] : [x, y, 7, 0], (y * image.width + x) * 4);
    }
  }
  return image;
}

describe('PNG swatch palettes', () => {
  const pico8 = PALETTE_PRESETS[0].palette;

  for (const swatchSizePx of [1, 8, 32]) {
    it(`reads back a ${swatchSizePx}× strip, detecting the swatch size`, () => {
      const png = serializePngStripPalette(pico8, { swatchSizePx });
      const parsed = parsePngStripPalette(png, { fileName: `pico-8-${swatchSizePx}x.png` });
      expect(parsed.value.rgb).toEqual(pico8.rgb);
      expect(parsed.value.name).toBe(`pico-8-${swatchSizePx}x`);
      expect(parsed.warnings).toEqual([]);
    });
  }

  it('reads a grid in reading order and skips transparent swatches', () => {
    const red = [255, 0, 0], green = [0, 255, 0], blue = [0, 0, 255], white = [255, 255, 255];
    const image = swatchGrid([[red, null, green], [null, blue, white]], 8);
    expect(detectSwatchSize(image)).toBe(8);
    const parsed = parsePngStripPalette(encodePng(image));
    expect([...parsed.value.rgb]).toEqual([...red, ...green, ...blue, ...white]);
    expect(parsed.warnings).toEqual([]);
  });

  it('finds odd swatch sizes, and the block size when neighbours repeat a colour', () => {
    const a = [10, 20, 30], b = [40, 50, 60];
    expect(detectSwatchSize(swatchGrid([[a, b, a]], 5))).toBe(5);
    expect(detectSwatchSize(swatchGrid([[a, a, b]], 4))).toBe(4);
    expect(detectSwatchSize(swatchGrid([[a, a], [a, a]], 3))).toBe(6);
  });

  it('reads any small image pixel by pixel, with a warning for repeats', () => {
    const image = createImage(3, 2, Uint8ClampedArray.from([1, 1, 1, 255, 2, 2, 2, 255, 1, 1, 1, 255, 3, 3, 3, 255, 1, 1, 1, 255, 2, 2, 2, 255]));
    expect(detectSwatchSize(image)).toBe(1);
    const parsed = parsePngStripPalette(encodePng(image));
    expect([...parsed.value.rgb]).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(parsed.warnings).toEqual(['Removed 3 repeated colours.']);
  });

  it('ignores partial alpha with a warning', () => {
    const parsed = parsePngStripPalette(encodePng(swatchGrid([[[9, 8, 7, 128], [1, 2, 3]]], 2)));
    expect([...parsed.value.rgb]).toEqual([9, 8, 7, 1, 2, 3]);
    expect(parsed.warnings).toEqual(['1 swatch is partly transparent; the alpha was ignored.']);
  });

  it('throws unsupported-format for a fully transparent image and for bytes that are not a PNG', () => {
    for (const bytes of [encodePng(swatchGrid([[null, null]], 4)), new TextEncoder().encode('ffffff\n')]) {
      let error: unknown;
      try {
        parsePngStripPalette(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TesseraError);
      expect((error as TesseraError).code).toBe('unsupported-format');
    }
  });

  it('writes one row of square swatches', () => {
    const png = serializePngStripPalette(createPalette('P', [1, 2, 3, 4, 5, 6]), { swatchSizePx: 3 });
    const parsed = parsePngStripPalette(png);
    expect([...parsed.value.rgb]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
