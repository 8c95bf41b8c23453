import { hasPngSignature } from '../codecs/png.js';
import { parseGimpPalette, serializeGimpPalette, GPL_MAGIC } from './formats/gpl.js';
import { parseHexPalette, serializeHexPalette } from './formats/hex.js';
import { parsePaintNetPalette, serializePaintNetPalette } from './formats/paint-net.js';
import { parseJascPalette, serializeJascPalette, JASC_MAGIC } from './formats/pal.js';
import { parsePngStripPalette, serializePngStripPalette } from './formats/png-strip.js';
import type { Palette } from './palette.js';

/** Palette files Tessera reads and writes (quantization.md §1.6, Lospec's downloads). */
export type PaletteFormat = 'hex' | 'gpl' | 'pal' | 'paint-net' | 'png';

/** What a parser of a user file returns: the result, and what it had to skip or change. */
export interface Parsed<T> {
  readonly value: T;
  readonly warnings: readonly string[];
}

export interface PaletteParseOptions {
  /** Used to guess the format and, when the file has no name field, the palette name. */
  readonly fileName?: string;
}

type PaletteParser = (bytes: Uint8Array, options?: PaletteParseOptions) => Parsed<Palette>;
type PaletteSerializer = (palette: Palette) => Uint8Array;

const PARSERS: Record<PaletteFormat, PaletteParser> = {
  hex: parseHexPalette,
  gpl: parseGimpPalette,
  pal: parseJascPalette,
  'paint-net': parsePaintNetPalette,
  png: parsePngStripPalette,
};

const SERIALIZERS: Record<PaletteFormat, PaletteSerializer> = {
  hex: serializeHexPalette,
  gpl: serializeGimpPalette,
  pal: serializeJascPalette,
  'paint-net': serializePaintNetPalette,
  png: (palette) => serializePngStripPalette(palette),
};

const EXTENSIONS = new Map<string, PaletteFormat>([
  ['hex', 'hex'],
  ['gpl', 'gpl'],
  ['pal', 'pal'],
  ['txt', 'paint-net'],
  ['png', 'png'],
]);

/** Reads a palette file; throws `unsupported-format` only when nothing usable is in it. */
export function parsePalette(bytes: Uint8Array, options: PaletteParseOptions & { format?: PaletteFormat } = {}): Parsed<Palette> {
  const format = options.format ?? detectPaletteFormat(bytes, options.fileName);
  return PARSERS[format](bytes, { fileName: options.fileName });
}

export function serializePalette(palette: Palette, format: PaletteFormat): Uint8Array {
  return SERIALIZERS[format](palette);
}

/** `.hex`, `.gpl`, `.pal`, `.txt` (paint.net) or `.png`, any case; null for anything else. */
export function paletteFormatFromFileName(fileName: string): PaletteFormat | null {
  const extension = /\.([^./\\]+)$/.exec(fileName.trim())?.[1].toLowerCase();
  return extension === undefined ? null : (EXTENSIONS.get(extension) ?? null);
}

/**
 * Content wins over the name (a GIMP palette saved as .txt is still a GIMP palette), then the
 * extension; a bare list of colours is paint.net if its first colour has eight digits, else .hex.
 */
export function detectPaletteFormat(bytes: Uint8Array, fileName?: string): PaletteFormat {
  if (hasPngSignature(bytes)) return 'png';
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith(GPL_MAGIC)) return 'gpl';
  if (head.toUpperCase().startsWith(JASC_MAGIC)) return 'pal';
  if (head.toLowerCase().startsWith(';paint.net')) return 'paint-net';
  const byName = fileName ? paletteFormatFromFileName(fileName) : null;
  if (byName) return byName;
  const firstColor = head.split(/\r\n|\r|\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith(';') && !l.startsWith('//'));
  return firstColor !== undefined && /^[0-9a-f]{8}$/i.test(firstColor) ? 'paint-net' : 'hex';
}
