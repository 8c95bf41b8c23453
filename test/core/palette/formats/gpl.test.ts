import { describe, expect, it } from 'vitest';
import { parseGimpPalette, serializeGimpPalette } from '../../../../src/core/palette/formats/gpl.js';
import { createPalette } from '../../../../src/core/palette/palette.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('GIMP .gpl palettes', () => {
  it('reads a real-world file: Name, Columns, comments, colour names, CRLF', () => {
    const file = [
      'GIMP Palette',
      'Name: Sweetie 16',
      'Columns: 8',
      '#',
      '# Downloaded from Lospec.com',
      ' 26  28  44\tblack',
      ' 93  39  93\t#5d275d dark purple',
      '177\t62\t83',
      '',
      'not a colour',
      '300 0 0 too bright',
      '1 2',
    ].join('\r\n');
    const parsed = parseGimpPalette(text(file), { fileName: 'other-name.gpl' });
    expect(parsed.value.name).toBe('Sweetie 16');
    expect([...parsed.value.rgb]).toEqual([26, 28, 44, 93, 39, 93, 177, 62, 83]);
    expect(parsed.warnings).toEqual([
      'line 10: "not a colour" is not a colour, skipped',
      'line 11: "300 0 0 too bright" is not a colour, skipped',
      'line 12: "1 2" is not a colour, skipped',
    ]);
  });

  it('reads a file without its magic line, with a warning, and names it after the file', () => {
    const parsed = parseGimpPalette(text('0 0 0\n255 255 255\n'), { fileName: 'mono.gpl' });
    expect(parsed.value.name).toBe('mono');
    expect(parsed.value.rgb.length).toBe(6);
    expect(parsed.warnings).toEqual(['The file does not start with "GIMP Palette"; reading it anyway.']);
  });

  it('writes GIMP\'s layout', () => {
    const bytes = serializeGimpPalette(createPalette('Two', [0, 128, 255, 26, 28, 44]));
    expect(new TextDecoder().decode(bytes)).toBe(
      'GIMP Palette\nName: Two\nColumns: 2\n# 2 colours, exported by Tessera\n  0 128 255\t#0080ff\n 26  28  44\t#1a1c2c\n',
    );
  });
});
