import { describe, expect, it } from 'vitest';
import { parseJascPalette, serializeJascPalette } from '../../../../src/core/palette/formats/pal.js';
import { createPalette } from '../../../../src/core/palette/palette.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('JASC .pal palettes', () => {
  it('warns, and keeps the colour lines, when the count is wrong', () => {
    const parsed = parseJascPalette(text('JASC-PAL\r\n0100\r\n4\r\n255 0 0\r\n0 255 0\r\n0 0 255\r\n'));
    expect([...parsed.value.rgb]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    expect(parsed.warnings).toEqual(['The file says it has 4 colours but 3 colour lines were found; used the lines.']);
  });

  it('skips junk lines and reads a missing or odd header with warnings', () => {
    const parsed = parseJascPalette(text('0200\n2\n1 2 3\nrgb(1,2,3)\n4 5 6\n'));
    expect([...parsed.value.rgb]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parsed.warnings).toEqual([
      'The file does not start with "JASC-PAL"; reading it anyway.',
      'Unknown JASC-PAL version "0200"; reading it as 0100.',
      'line 4: "rgb(1,2,3)" is not a colour, skipped',
    ]);
  });

  it('writes the header and count with CRLF line ends', () => {
    const bytes = serializeJascPalette(createPalette('P', [1, 2, 3, 255, 254, 253]));
    expect(new TextDecoder().decode(bytes)).toBe('JASC-PAL\r\n0100\r\n2\r\n1 2 3\r\n255 254 253\r\n');
  });
});
