import { describe, expect, it } from 'vitest';
import { parseHexPalette, serializeHexPalette } from '../../../../src/core/palette/formats/hex.js';
import { createPalette } from '../../../../src/core/palette/palette.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('.hex palettes', () => {
  it('reads a hand-edited file: BOM, #, case, blank lines, comments, CRLF', () => {
    const file = '\uFEFF; my palette\r\n// exported by hand\r\n\r\n#1A1C2C\r\n5d275d\r\n\r\n  b13e53  \r\n';
    const parsed = parseHexPalette(text(file), { fileName: 'sweetie.hex' });
    expect([...parsed.value.rgb]).toEqual([0x1a, 0x1c, 0x2c, 0x5d, 0x27, 0x5d, 0xb1, 0x3e, 0x53]);
    expect(parsed.value.name).toBe('sweetie');
    expect(parsed.warnings).toEqual([]);
  });

  it('skips junk lines with a warning naming the line', () => {
    const parsed = parseHexPalette(text('ff0000\nhello\n#12345\nff00ff00\n0000ff\n'));
    expect([...parsed.value.rgb]).toEqual([255, 0, 0, 0, 0, 255]);
    expect(parsed.warnings).toEqual([
      'line 2: "hello" is not a colour, skipped',
      'line 3: "#12345" is not a colour, skipped',
      'line 4: "ff00ff00" is not a colour, skipped',
    ]);
  });

  it('writes lowercase rrggbb lines ending in a newline', () => {
    const bytes = serializeHexPalette(createPalette('P', [0xab, 0xcd, 0xef, 0, 1, 2]));
    expect(new TextDecoder().decode(bytes)).toBe('abcdef\n000102\n');
  });
});
