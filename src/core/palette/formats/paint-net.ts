import { paletteSize, type Palette } from '../palette.js';
import type { Parsed, PaletteParseOptions } from '../palette-file.js';
import { addColor, createFoundColors, finishPalette, skipLine } from './found-colors.js';
import { toHex6 } from './hex.js';
import { decodeTextLines, encodeTextLines, singleLine } from './text-lines.js';

export const PAINT_NET_MAGIC = ';paint.net Palette File';

/** `AARRGGBB`, or `RRGGBB` as some hand-made files have it. */
const COLOR_LINE = /^([0-9a-f]{2})?([0-9a-f]{6})$/i;

/**
 * paint.net .txt: `;` comment lines, then one `AARRGGBB` colour per line. Lospec puts the name in
 * a `;Palette Name:` comment, which we read. Palettes here are opaque, so alpha is dropped (with
 * one warning) rather than refusing the file.
 */
export function parsePaintNetPalette(bytes: Uint8Array, options: PaletteParseOptions = {}): Parsed<Palette> {
  const found = createFoundColors();
  let nameInFile: string | undefined;
  let translucent = 0;
  decodeTextLines(bytes).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    if (line.startsWith(';')) {
      const name = /^;\s*Palette Name:\s*(.*)$/i.exec(line);
      if (name) nameInFile = name[1];
      return;
    }
    const m = COLOR_LINE.exec(line);
    if (!m) return skipLine(found, i + 1, raw);
    if (m[1] !== undefined && m[1].toLowerCase() !== 'ff') translucent++;
    const v = parseInt(m[2], 16);
    addColor(found, (v >> 16) & 255, (v >> 8) & 255, v & 255);
  });
  if (translucent > 0) {
    found.warnings.push(`${translucent} colour${translucent === 1 ? ' is' : 's are'} not fully opaque; the alpha was ignored.`);
  }
  return finishPalette(found, { formatLabel: 'paint.net .txt', nameInFile, fileName: options.fileName });
}

/** Lospec's layout: magic comment, name and count comments, then uppercase `FFRRGGBB` lines. */
export function serializePaintNetPalette(palette: Palette): Uint8Array {
  const lines = [PAINT_NET_MAGIC, `;Palette Name: ${singleLine(palette.name)}`, `;Colors: ${paletteSize(palette)}`];
  for (let i = 0; i < palette.rgb.length; i += 3) lines.push(`FF${toHex6(palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]).toUpperCase()}`);
  return encodeTextLines(lines, '\r\n');
}
