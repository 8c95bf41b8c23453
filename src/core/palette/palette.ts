import { parseHexColor, toHexColor, type Vec3 } from '../color.js';
import { TesseraError } from '../errors.js';

/** An ordered list of 8-bit sRGB colours. Index order is meaningful (it is the file's order). */
export interface Palette {
  readonly name: string;
  /** r, g, b triples. */
  readonly rgb: Uint8Array;
}

/** Index maps are bytes, so a palette holds at most 256 colours (as GIF, PNG-8 and Aseprite do). */
export const MAX_PALETTE_COLORS = 256;

export function createPalette(name: string, rgb: Uint8Array | readonly number[]): Palette {
  const bytes = rgb instanceof Uint8Array ? new Uint8Array(rgb) : Uint8Array.from(rgb);
  const size = bytes.length / 3;
  if (!Number.isInteger(size) || size < 1) {
    throw new TesseraError('invalid-input', `The palette "${name}" has no colours.`, { details: { bytes: bytes.length } });
  }
  if (size > MAX_PALETTE_COLORS) {
    throw new TesseraError('invalid-input', `The palette "${name}" has ${size} colours; Tessera uses at most ${MAX_PALETTE_COLORS}.`, {
      details: { colors: size },
    });
  }
  return { name, rgb: bytes };
}

export function paletteSize(palette: Palette): number {
  return palette.rgb.length / 3;
}

export function paletteColor(palette: Palette, index: number): Vec3 {
  const i = index * 3;
  return [palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]];
}

/** '#rrggbb' strings in palette order. */
export function paletteToHex(palette: Palette): string[] {
  const out: string[] = [];
  for (let i = 0; i < palette.rgb.length; i += 3) out.push(toHexColor(palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]));
  return out;
}

export function paletteFromHex(name: string, hexes: readonly string[]): Palette {
  const rgb: number[] = [];
  for (const h of hexes) {
    const c = parseHexColor(h);
    if (!c) throw new TesseraError('invalid-input', `"${h}" is not a #rrggbb colour.`, { details: { color: h } });
    rgb.push(c[0], c[1], c[2]);
  }
  return createPalette(name, rgb);
}

/** The same colours without repeats (first occurrence kept), and how many were dropped. */
export function dedupePalette(palette: Palette): { palette: Palette; removed: number } {
  const seen = new Set<number>();
  const rgb: number[] = [];
  for (let i = 0; i < palette.rgb.length; i += 3) {
    const key = (palette.rgb[i] << 16) | (palette.rgb[i + 1] << 8) | palette.rgb[i + 2];
    if (seen.has(key)) continue;
    seen.add(key);
    rgb.push(palette.rgb[i], palette.rgb[i + 1], palette.rgb[i + 2]);
  }
  const removed = paletteSize(palette) - rgb.length / 3;
  return { palette: removed ? createPalette(palette.name, rgb) : palette, removed };
}
