import { paletteSize, type Palette } from '../palette.js';
import type { Parsed, PaletteParseOptions } from '../palette-file.js';
import { createFoundColors, finishPalette, skipLine } from './found-colors.js';
import { readDecimalColor } from './gpl.js';
import { decodeTextLines, encodeTextLines } from './text-lines.js';

export const JASC_MAGIC = 'JASC-PAL';

/**
 * JASC-PAL (Paint Shop Pro): `JASC-PAL`, `0100`, the colour count, then `R G B` lines. Writers
 * often get the count wrong, so a mismatch only warns and the colour lines win.
 */
export function parseJascPalette(bytes: Uint8Array, options: PaletteParseOptions = {}): Parsed<Palette> {
  const found = createFoundColors();
  const lines = decodeTextLines(bytes);
  const header = readHeader(lines);
  found.warnings.push(...header.warnings);
  let colorLines = 0;
  for (let i = header.bodyStart; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (readDecimalColor(found, line)) colorLines++;
    else skipLine(found, i + 1, lines[i]);
  }
  if (header.count !== null && header.count !== colorLines) {
    found.warnings.push(`The file says it has ${header.count} colours but ${colorLines} colour lines were found; used the lines.`);
  }
  return finishPalette(found, { formatLabel: 'JASC .pal', fileName: options.fileName });
}

interface JascHeader {
  readonly count: number | null;
  readonly bodyStart: number;
  readonly warnings: string[];
}

/** Reads the three header lines that are present; whatever is not a header is left to the body. */
function readHeader(lines: readonly string[]): JascHeader {
  const warnings: string[] = [];
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (lines[i]?.trim().toUpperCase() === JASC_MAGIC) i++;
  else warnings.push(`The file does not start with "${JASC_MAGIC}"; reading it anyway.`);
  if (/^\d{4}$/.test(lines[i]?.trim() ?? '')) {
    if (lines[i].trim() !== '0100') warnings.push(`Unknown JASC-PAL version "${lines[i].trim()}"; reading it as 0100.`);
    i++;
  }
  let count: number | null = null;
  if (/^\d+$/.test(lines[i]?.trim() ?? '')) {
    count = Number(lines[i].trim());
    i++;
  }
  return { count, bodyStart: i, warnings };
}

/** CRLF line ends, as Paint Shop Pro wrote them. */
export function serializeJascPalette(palette: Palette): Uint8Array {
  const lines = [JASC_MAGIC, '0100', String(paletteSize(palette))];
  for (let i = 0; i < palette.rgb.length; i += 3) lines.push(`${palette.rgb[i]} ${palette.rgb[i + 1]} ${palette.rgb[i + 2]}`);
  return encodeTextLines(lines, '\r\n');
}
