import { paletteSize, type Palette } from '../palette.js';
import type { Parsed, PaletteParseOptions } from '../palette-file.js';
import { addColor, createFoundColors, finishPalette, skipLine, type FoundColors } from './found-colors.js';
import { toHex6 } from './hex.js';
import { decodeTextLines, encodeTextLines, singleLine } from './text-lines.js';

export const GPL_MAGIC = 'GIMP Palette';

/** `R G B` decimals, then an optional colour name (which may contain spaces). */
const COLOR_LINE = /^(\d{1,3})\s+(\d{1,3})\s+(\d{1,3})(?:\s.*)?$/;

/**
 * GIMP palette: `GIMP Palette`, optional `Name:` and `Columns:` headers, `#` comments, then
 * `R G B name` lines. A missing magic line only warns: the user chose the file, and the colour
 * lines are what matter.
 */
export function parseGimpPalette(bytes: Uint8Array, options: PaletteParseOptions = {}): Parsed<Palette> {
  const found = createFoundColors();
  const lines = decodeTextLines(bytes);
  const first = lines.findIndex((l) => l.trim() !== '');
  if (first >= 0 && lines[first].trim() !== GPL_MAGIC) found.warnings.push(`The file does not start with "${GPL_MAGIC}"; reading it anyway.`);
  let nameInFile: string | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (i === first && line === GPL_MAGIC) return;
    if (line === '' || line.startsWith('#')) return;
    const header = /^(Name|Columns):\s*(.*)$/i.exec(line);
    if (header) {
      if (header[1].toLowerCase() === 'name') nameInFile = header[2];
      return;
    }
    if (!readDecimalColor(found, line)) skipLine(found, i + 1, raw);
  });
  return finishPalette(found, { formatLabel: 'GIMP .gpl', nameInFile, fileName: options.fileName });
}

/** Adds `R G B …` (each 0..255) to `found`; false if the line is not one. Shared with JASC-PAL. */
export function readDecimalColor(found: FoundColors, line: string): boolean {
  const m = COLOR_LINE.exec(line);
  if (!m) return false;
  const r = Number(m[1]), g = Number(m[2]), b = Number(m[3]);
  if (r > 255 || g > 255 || b > 255) return false;
  addColor(found, r, g, b);
  return true;
}

/** GIMP's own layout: right-aligned decimals, a tab, then the hex code as the colour's name. */
export function serializeGimpPalette(palette: Palette): Uint8Array {
  const size = paletteSize(palette);
  const lines = [GPL_MAGIC, `Name: ${singleLine(palette.name)}`, `Columns: ${Math.min(size, 16)}`, `# ${size} colours, exported by Tessera`];
  for (let i = 0; i < palette.rgb.length; i += 3) {
    const [r, g, b] = [palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]];
    lines.push(`${pad3(r)} ${pad3(g)} ${pad3(b)}\t#${toHex6(r, g, b)}`);
  }
  return encodeTextLines(lines);
}

function pad3(v: number): string {
  return String(v).padStart(3, ' ');
}
