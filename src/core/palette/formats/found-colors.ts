import { TesseraError } from '../../errors.js';
import { MAX_PALETTE_COLORS, createPalette, type Palette } from '../palette.js';
import type { Parsed } from '../palette-file.js';
import { quoteLine } from './text-lines.js';

/**
 * What a palette reader has found so far. Colours are deduplicated as they arrive (rather than
 * with dedupePalette afterwards) because a Palette cannot hold more than 256 colours, and a file
 * with 300 lines of which 60 repeat should keep all 240 distinct ones.
 */
export interface FoundColors {
  /** Distinct r, g, b triples in file order, at most MAX_PALETTE_COLORS of them. */
  readonly rgb: number[];
  readonly seen: Set<number>;
  duplicates: number;
  /** Colours after the 256th distinct one, dropped. */
  overflow: number;
  skippedLines: number;
  readonly warnings: string[];
}

/** A file of random bytes has thousands of junk lines; nobody reads more than a screenful. */
const MAX_LINE_WARNINGS = 20;

export function createFoundColors(): FoundColors {
  return { rgb: [], seen: new Set(), duplicates: 0, overflow: 0, skippedLines: 0, warnings: [] };
}

export function addColor(found: FoundColors, r: number, g: number, b: number): void {
  const key = (r << 16) | (g << 8) | b;
  if (found.seen.has(key)) {
    found.duplicates++;
  } else if (found.rgb.length / 3 >= MAX_PALETTE_COLORS) {
    found.overflow++;
  } else {
    found.seen.add(key);
    found.rgb.push(r, g, b);
  }
}

/** Records a line that is not a colour: `line 7: "hello" is not a colour, skipped`. */
export function skipLine(found: FoundColors, lineNumber: number, line: string, why = 'is not a colour'): void {
  found.skippedLines++;
  if (found.skippedLines <= MAX_LINE_WARNINGS) found.warnings.push(`line ${lineNumber}: ${quoteLine(line)} ${why}, skipped`);
}

export interface FinishOptions {
  /** How the file was read, for messages: "GIMP .gpl". */
  readonly formatLabel: string;
  /** The name stored in the file, if the format has one. */
  readonly nameInFile?: string;
  readonly fileName?: string;
}

/** The palette and its warnings; throws `unsupported-format` when not one colour was usable. */
export function finishPalette(found: FoundColors, options: FinishOptions): Parsed<Palette> {
  if (found.rgb.length === 0) {
    throw new TesseraError(
      'unsupported-format',
      `No colours found in this palette file (read as ${options.formatLabel}). Tessera reads .hex, GIMP .gpl, JASC .pal, paint.net .txt and PNG swatch palettes.`,
      { details: { format: options.formatLabel, skippedLines: found.skippedLines } },
    );
  }
  const warnings = [...found.warnings];
  const unreported = found.skippedLines - MAX_LINE_WARNINGS;
  if (unreported > 0) warnings.push(`…and ${unreported} more unreadable line${plural(unreported)} skipped`);
  if (found.duplicates > 0) warnings.push(`Removed ${found.duplicates} repeated colour${plural(found.duplicates)}.`);
  if (found.overflow > 0) {
    warnings.push(`The file has more than ${MAX_PALETTE_COLORS} colours; kept the first ${MAX_PALETTE_COLORS} (Tessera palettes hold at most ${MAX_PALETTE_COLORS}).`);
  }
  return { value: createPalette(resolvePaletteName(options), found.rgb), warnings };
}

/** Names end up in layer names and menus; a runaway `Name:` line must not. */
const MAX_NAME_LENGTH = 80;

/** The name written in the file, else the file name without folder and extension, else "Imported". */
export function resolvePaletteName(options: { nameInFile?: string; fileName?: string }): string {
  const base = (options.fileName ?? '').split(/[\\/]/).pop() ?? '';
  const name = options.nameInFile?.trim() || base.replace(/\.[^.]*$/, '').trim() || 'Imported';
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
