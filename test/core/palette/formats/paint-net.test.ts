import { describe, expect, it } from 'vitest';
import { parsePaintNetPalette, serializePaintNetPalette } from '../../../../src/core/palette/formats/paint-net.js';
import { createPalette } from '../../../../src/core/palette/palette.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('paint.net .txt palettes', () => {
  it('reads Lospec\'s layout, the name comment, 6-digit colours, and ignores alpha with a warning', () => {
    const file = [
      ';paint.net Palette File',
      ';Downloaded from Lospec.com/palette-list',
      ';Palette Name: Pear36',
      ';Description: A palette.',
      ';Colors: 4',
      'FF5E315B',
      '80ff0000',
      '00ff00',
      '00000000',
      'GG000000',
    ].join('\r\n');
    const parsed = parsePaintNetPalette(text(file));
    expect(parsed.value.name).toBe('Pear36');
    expect([...parsed.value.rgb]).toEqual([0x5e, 0x31, 0x5b, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
    expect(parsed.warnings).toEqual(['line 10: "GG000000" is not a colour, skipped', '2 colours are not fully opaque; the alpha was ignored.']);
  });

  it('writes the magic, name and count comments, then FFRRGGBB lines', () => {
    const bytes = serializePaintNetPalette(createPalette('Duo', [0xab, 0xcd, 0xef, 0, 0, 0]));
    expect(new TextDecoder().decode(bytes)).toBe(';paint.net Palette File\r\n;Palette Name: Duo\r\n;Colors: 2\r\nFFABCDEF\r\nFF000000\r\n');
  });
});
