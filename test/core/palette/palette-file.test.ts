import { describe, expect, it } from 'vitest';
import { thrownTesseraError as thrown } from '../../fixtures/errors.js';
import { MAX_PALETTE_COLORS, createPalette } from '../../../src/core/palette/palette.js';
import {
  detectPaletteFormat,
  paletteFormatFromFileName,
  parsePalette,
  serializePalette,
  type PaletteFormat,
} from '../../../src/core/palette/palette-file.js';
import { PALETTE_PRESETS } from '../../../src/core/palette/presets.js';

const FORMATS: readonly PaletteFormat[] = ['hex', 'gpl', 'pal', 'paint-net', 'png'];
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('round trips', () => {
  for (const format of FORMATS) {
    it(`every preset survives ${format} byte for byte, without warnings`, () => {
      for (const { palette } of PALETTE_PRESETS) {
        const bytes = serializePalette(palette, format);
        expect(detectPaletteFormat(bytes), palette.name).toBe(format);
        const parsed = parsePalette(bytes, { format });
        expect(parsed.value.rgb, `${palette.name} as ${format}`).toEqual(palette.rgb);
        expect(parsed.warnings).toEqual([]);
      }
    });
  }

  it('keeps the name where the format stores one', () => {
    const palette = createPalette('My Palette: v2', [1, 2, 3, 4, 5, 6]);
    expect(parsePalette(serializePalette(palette, 'gpl')).value.name).toBe('My Palette: v2');
    expect(parsePalette(serializePalette(palette, 'paint-net')).value.name).toBe('My Palette: v2');
    expect(parsePalette(serializePalette(palette, 'hex'), { fileName: 'dir/sweetie-16.hex' }).value.name).toBe('sweetie-16');
    expect(parsePalette(serializePalette(palette, 'pal')).value.name).toBe('Imported');
  });

  it('shortens a runaway name', () => {
    const name = parsePalette(text(`GIMP Palette\nName: ${'n'.repeat(200)}\n0 0 0\n`)).value.name;
    expect(name).toBe(`${'n'.repeat(79)}…`);
  });

  it('writes a name with line breaks on one line', () => {
    const palette = createPalette('two\nlines', [1, 2, 3]);
    const parsed = parsePalette(serializePalette(palette, 'gpl'));
    expect(parsed.value.name).toBe('two lines');
    expect(parsed.warnings).toEqual([]);
  });

  it('round-trips a full 256-colour palette', () => {
    const rgb = Array.from({ length: 256 * 3 }, (_, i) => (i % 3 === 0 ? Math.floor(i / 3) : (i * 7) % 256));
    const palette = createPalette('Full', rgb);
    for (const format of FORMATS) expect(parsePalette(serializePalette(palette, format), { format }).value.rgb, format).toEqual(palette.rgb);
  });
});

describe('detectPaletteFormat', () => {
  it('trusts content over the file name', () => {
    expect(detectPaletteFormat(text('GIMP Palette\n0 0 0\n'), 'colours.txt')).toBe('gpl');
    expect(detectPaletteFormat(text('\uFEFFJASC-PAL\r\n0100\r\n1\r\n0 0 0\r\n'), 'x.hex')).toBe('pal');
    expect(detectPaletteFormat(text(';paint.net Palette File\nFF000000\n'), 'x.gpl')).toBe('paint-net');
    expect(detectPaletteFormat(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), 'x.hex')).toBe('png');
  });

  it('falls back to the extension, then to a guess from the first colour', () => {
    expect(detectPaletteFormat(text('0 0 0\n'), 'old.GPL')).toBe('gpl');
    expect(detectPaletteFormat(text('FF112233\n'), 'p.txt')).toBe('paint-net');
    expect(detectPaletteFormat(text('; comment\nFF112233\n'))).toBe('paint-net');
    expect(detectPaletteFormat(text('112233\n'))).toBe('hex');
    expect(detectPaletteFormat(new Uint8Array(0))).toBe('hex');
  });

  it('maps extensions, any case, and nothing else', () => {
    expect(paletteFormatFromFileName('a.hex')).toBe('hex');
    expect(paletteFormatFromFileName('C:\\x\\a.Gpl')).toBe('gpl');
    expect(paletteFormatFromFileName('a.PAL')).toBe('pal');
    expect(paletteFormatFromFileName('a.txt')).toBe('paint-net');
    expect(paletteFormatFromFileName('pear36-1x.png')).toBe('png');
    expect(paletteFormatFromFileName('a.ase')).toBeNull();
    expect(paletteFormatFromFileName('hex')).toBeNull();
    expect(paletteFormatFromFileName('a.hex/')).toBeNull();
    expect(paletteFormatFromFileName('a.constructor')).toBeNull();
  });
});

describe('parsePalette', () => {
  it('uses the detected format unless one is given', () => {
    const gpl = text('GIMP Palette\nName: P\n10 20 30\n');
    expect([...parsePalette(gpl).value.rgb]).toEqual([10, 20, 30]);
    expect(thrown(() => parsePalette(gpl, { format: 'hex' })).code).toBe('unsupported-format');
  });

  it('throws unsupported-format, naming how it read the file, when nothing is usable', () => {
    for (const format of ['hex', 'gpl', 'pal', 'paint-net'] as const) {
      for (const input of ['', '\n\n', 'hello\nworld\n', '; only a comment\n']) {
        const error = thrown(() => parsePalette(text(input), { format }));
        expect(error.code, `${format} ${JSON.stringify(input)}`).toBe('unsupported-format');
        expect(error.userMessage).toMatch(/No colours found/);
      }
    }
    expect(thrown(() => parsePalette(new Uint8Array(0), { format: 'png' })).code).toBe('unsupported-format');
  });

  it('removes repeated colours with one warning', () => {
    const parsed = parsePalette(text('ff0000\n00ff00\nff0000\nff0000\n'));
    expect([...parsed.value.rgb]).toEqual([255, 0, 0, 0, 255, 0]);
    expect(parsed.warnings).toEqual(['Removed 2 repeated colours.']);
  });

  it('keeps the first 256 distinct colours of a longer file, with a warning', () => {
    const lines = Array.from({ length: 300 }, (_, i) => (i * 40000).toString(16).padStart(6, '0'));
    const parsed = parsePalette(text(lines.join('\n')));
    expect(parsed.value.rgb.length).toBe(MAX_PALETTE_COLORS * 3);
    expect(parsed.value.rgb.subarray(0, 6)).toEqual(Uint8Array.of(0, 0, 0, 0, 0x9c, 0x40));
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toMatch(/more than 256 colours; kept the first 256/);
  });

  it('counts duplicates before the 256 limit, so repeats do not push colours out', () => {
    const distinct = Array.from({ length: 256 }, (_, i) => (i * 65793).toString(16).padStart(6, '0'));
    const parsed = parsePalette(text([...distinct.slice(0, 10), ...distinct.slice(0, 10), ...distinct.slice(10)].join('\n')));
    expect(parsed.value.rgb.length).toBe(256 * 3);
    expect(parsed.warnings).toEqual(['Removed 10 repeated colours.']);
  });

  it('reports the first 20 junk lines and counts the rest', () => {
    const lines = [...Array.from({ length: 25 }, (_, i) => `junk ${i}`), '123456'];
    const parsed = parsePalette(text(lines.join('\n')));
    expect(parsed.warnings).toHaveLength(21);
    expect(parsed.warnings[0]).toBe('line 1: "junk 0" is not a colour, skipped');
    expect(parsed.warnings[20]).toBe('…and 5 more unreadable lines skipped');
  });

  it('truncates long junk lines in warnings', () => {
    const parsed = parsePalette(text(`${'x'.repeat(100)}\n000000\n`));
    expect(parsed.warnings[0]).toBe(`line 1: "${'x'.repeat(39)}…" is not a colour, skipped`);
  });
});
