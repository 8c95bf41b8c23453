import type { Palette } from '../palette.js';
import type { Parsed, PaletteParseOptions } from '../palette-file.js';
import { addColor, createFoundColors, finishPalette, skipLine } from './found-colors.js';
import { decodeTextLines, encodeTextLines } from './text-lines.js';

const HEX_LINE = /^#?([0-9a-f]{6})$/i;

/**
 * Lospec .hex: one `rrggbb` per line (quantization.md §1.6). Hand-made files add `#`, blank
 * lines and `;` or `//` comments, so those are accepted too. The format has no name field.
 */
export function parseHexPalette(bytes: Uint8Array, options: PaletteParseOptions = {}): Parsed<Palette> {
  const found = createFoundColors();
  decodeTextLines(bytes).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('//')) return;
    const m = HEX_LINE.exec(line);
    if (!m) return skipLine(found, i + 1, raw);
    const v = parseInt(m[1], 16);
    addColor(found, (v >> 16) & 255, (v >> 8) & 255, v & 255);
  });
  return finishPalette(found, { formatLabel: '.hex', fileName: options.fileName });
}

/** Lowercase `rrggbb` lines without `#`, as Lospec writes them (and SD-πXL reads them). */
export function serializeHexPalette(palette: Palette): Uint8Array {
  const lines: string[] = [];
  for (let i = 0; i < palette.rgb.length; i += 3) lines.push(toHex6(palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]));
  return encodeTextLines(lines);
}

/** `rrggbb`, lowercase, zero-padded. */
export function toHex6(r: number, g: number, b: number): string {
  return ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
}
