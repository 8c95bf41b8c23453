import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { parseGimpPalette } from '../../../src/core/palette/formats/gpl.js';
import { parseHexPalette } from '../../../src/core/palette/formats/hex.js';
import { parsePaintNetPalette } from '../../../src/core/palette/formats/paint-net.js';
import { parseJascPalette } from '../../../src/core/palette/formats/pal.js';
import { parsePngStripPalette, serializePngStripPalette } from '../../../src/core/palette/formats/png-strip.js';
import { MAX_PALETTE_COLORS, createPalette, type Palette } from '../../../src/core/palette/palette.js';
import { parsePalette, serializePalette, type PaletteFormat, type Parsed } from '../../../src/core/palette/palette-file.js';
import { applyByteMutations, byteMutationsArb, concatBytes, fuzzParameters } from '../../fixtures/byte-mutations.js';

type Parser = (bytes: Uint8Array) => Parsed<Palette>;

const PARSERS: Record<PaletteFormat, Parser> = {
  hex: (b) => parseHexPalette(b),
  gpl: (b) => parseGimpPalette(b),
  pal: (b) => parseJascPalette(b, { fileName: 'fuzz.pal' }),
  'paint-net': (b) => parsePaintNetPalette(b),
  png: (b) => parsePngStripPalette(b),
};
const TEXT_FORMATS = ['hex', 'gpl', 'pal', 'paint-net'] as const;

/** The contract: a usable palette with string warnings, or a TesseraError. Nothing else. */
function expectPaletteOrTesseraError(parse: Parser, bytes: Uint8Array): void {
  let parsed: Parsed<Palette>;
  try {
    parsed = parse(bytes);
  } catch (e) {
    if (!(e instanceof TesseraError)) throw e;
    return;
  }
  const { rgb, name } = parsed.value;
  expect(rgb).toBeInstanceOf(Uint8Array);
  expect(rgb.length % 3).toBe(0);
  expect(rgb.length / 3).toBeGreaterThanOrEqual(1);
  expect(rgb.length / 3).toBeLessThanOrEqual(MAX_PALETTE_COLORS);
  expect(name).not.toBe('');
  expect(Array.isArray(parsed.warnings)).toBe(true);
  for (const w of parsed.warnings) expect(typeof w).toBe('string');
}

const byte = fc.nat({ max: 255 });
const hex6 = fc.integer({ min: 0, max: 0xffffff }).map((v) => v.toString(16).padStart(6, '0'));
/** Lines every reader knows, lines that look almost right, and plain junk. */
const lineArb: fc.Arbitrary<string> = fc.oneof(
  hex6,
  hex6.map((h) => `#${h.toUpperCase()}`),
  fc.tuple(byte, byte, byte, fc.string({ maxLength: 12 })).map(([r, g, b, n]) => `${r} ${g}\t${b} ${n}`),
  fc.tuple(fc.nat({ max: 99999 }), fc.integer({ min: -300, max: 300 }), byte).map(([r, g, b]) => `${r} ${g} ${b}`),
  fc.tuple(fc.constantFrom('ff', '00', '80', 'FF'), hex6).map(([a, h]) => a + h),
  fc.constantFrom('GIMP Palette', 'JASC-PAL', '0100', '16', ';paint.net Palette File', 'Name: x', 'Columns: 4', '#', ';', '//', ''),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const eolArb = fc.constantFrom('\n', '\r\n', '\r');
const textFileArb: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.boolean(), fc.array(lineArb, { maxLength: 40 }), eolArb)
  .map(([bom, lines, eol]) => new TextEncoder().encode((bom ? '\uFEFF' : '') + lines.join(eol)));

const paletteArb: fc.Arbitrary<Palette> = fc
  .tuple(fc.string({ maxLength: 20 }), fc.uint8Array({ minLength: 3, maxLength: 3 * 40 }))
  .map(([name, bytes]) => createPalette(name || 'P', bytes.subarray(0, bytes.length - (bytes.length % 3))));

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

describe('palette readers fuzz: a palette or a TesseraError, never another error', () => {
  for (const format of TEXT_FORMATS) {
    describe(format, () => {
      const parse = PARSERS[format];
      it('random bytes', () => {
        fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => expectPaletteOrTesseraError(parse, bytes)), fuzzParameters(1500));
      });
      it('text mixing colour lines of every format with junk', () => {
        fc.assert(fc.property(textFileArb, (bytes) => expectPaletteOrTesseraError(parse, bytes)), fuzzParameters(1500));
      });
      it('mutations of valid files', () => {
        fc.assert(
          fc.property(paletteArb, byteMutationsArb(40), (palette, mutations) =>
            expectPaletteOrTesseraError(parse, applyByteMutations(serializePalette(palette, format), mutations)),
          ),
          fuzzParameters(1500),
        );
      });
    });
  }

  describe('png', () => {
    const parse = PARSERS.png;
    it('random bytes, bare and behind the PNG signature', () => {
      const prefix = fc.constantFrom(new Uint8Array(0), PNG_SIGNATURE);
      fc.assert(
        fc.property(prefix, fc.uint8Array({ maxLength: 300 }), (head, tail) => expectPaletteOrTesseraError(parse, concatBytes(head, tail))),
        fuzzParameters(2000),
      );
    });
    it('mutations of valid strips', () => {
      fc.assert(
        fc.property(paletteArb, fc.constantFrom(1, 2, 8), byteMutationsArb(40), (palette, swatchSizePx, mutations) =>
          expectPaletteOrTesseraError(parse, applyByteMutations(serializePngStripPalette(palette, { swatchSizePx }), mutations)),
        ),
        fuzzParameters(1500),
      );
    });
  });

  describe('parsePalette, detecting the format', () => {
    const formatArb = fc.constantFrom<PaletteFormat>('hex', 'gpl', 'pal', 'paint-net', 'png');
    const fileNameArb = fc.option(fc.constantFrom('a.hex', 'a.gpl', 'a.pal', 'a.txt', 'a.png', 'a.ase', 'noext'), { nil: undefined });
    const detect: (fileName: string | undefined) => Parser = (fileName) => (bytes) => parsePalette(bytes, { fileName });
    it('text and random bytes under any file name', () => {
      fc.assert(
        fc.property(fc.oneof(textFileArb, fc.uint8Array({ maxLength: 200 })), fileNameArb, (bytes, fileName) => expectPaletteOrTesseraError(detect(fileName), bytes)),
        fuzzParameters(1500),
      );
    });
    it('mutations of every format under any file name', () => {
      fc.assert(
        fc.property(paletteArb, formatArb, byteMutationsArb(40), fileNameArb, (palette, format, mutations, fileName) =>
          expectPaletteOrTesseraError(detect(fileName), applyByteMutations(serializePalette(palette, format), mutations)),
        ),
        fuzzParameters(1500),
      );
    });
  });
});
