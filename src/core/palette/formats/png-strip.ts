import { decodePng, encodePng } from '../../codecs/png.js';
import { createImage, type RgbaImage } from '../../image.js';
import { paletteSize, type Palette } from '../palette.js';
import type { Parsed, PaletteParseOptions } from '../palette-file.js';
import { addColor, createFoundColors, finishPalette } from './found-colors.js';

/**
 * PNG swatches: Lospec's 1×, 8× and 32× strips (a row of square swatches), a grid of swatches,
 * or any small image. The swatch size is found, then each swatch is read once in reading order;
 * fully transparent swatches are gaps, not colours. A decode failure is decodePng's typed error.
 */
export function parsePngStripPalette(bytes: Uint8Array, options: PaletteParseOptions = {}): Parsed<Palette> {
  const image = decodePng(bytes);
  const size = detectSwatchSize(image);
  const found = createFoundColors();
  let translucent = 0;
  const d = image.data;
  for (let y = 0; y < image.height; y += size) {
    for (let x = 0; x < image.width; x += size) {
      const i = (y * image.width + x) * 4;
      if (d[i + 3] === 0) continue;
      if (d[i + 3] !== 255) translucent++;
      addColor(found, d[i], d[i + 1], d[i + 2]);
    }
  }
  if (translucent > 0) {
    found.warnings.push(`${translucent} swatch${translucent === 1 ? ' is' : 'es are'} partly transparent; the alpha was ignored.`);
  }
  return finishPalette(found, { formatLabel: 'PNG swatches', fileName: options.fileName });
}

/**
 * The largest s such that the image is made of uniform s×s blocks. Every place where a pixel
 * differs from its left (or upper) neighbour must sit on a block edge, so s is the gcd of the
 * width, the height and all those positions: one pass, no trial divisions.
 */
export function detectSwatchSize(image: RgbaImage): number {
  const { width, height } = image;
  let s = gcd(width, height);
  for (let y = 0; y < height && s > 1; y++) {
    for (let x = 0; x < width; x++) {
      const key = pixelKey(image, x, y);
      if (x > 0 && x % s !== 0 && key !== pixelKey(image, x - 1, y)) s = gcd(s, x);
      if (y > 0 && y % s !== 0 && key !== pixelKey(image, x, y - 1)) s = gcd(s, y);
    }
  }
  return s;
}

/** RGBA as one number, with every fully transparent pixel equal whatever its hidden RGB. */
function pixelKey(image: RgbaImage, x: number, y: number): number {
  const i = (y * image.width + x) * 4;
  const d = image.data;
  return d[i + 3] === 0 ? -1 : d[i] * 16777216 + ((d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]);
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface PngStripOptions {
  /** Side of each square swatch in pixels, 1..256; 8 by default (Lospec's "8×"). */
  readonly swatchSizePx?: number;
}

/** One row of square swatches, in palette order. */
export function serializePngStripPalette(palette: Palette, options: PngStripOptions = {}): Uint8Array {
  const s = Math.max(1, Math.min(256, Math.round(options.swatchSizePx ?? 8)));
  const n = paletteSize(palette);
  const image = createImage(n * s, s);
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < n * s; x++) {
      const c = Math.floor(x / s) * 3;
      image.data.set([palette.rgb[c], palette.rgb[c + 1], palette.rgb[c + 2], 255], (y * n * s + x) * 4);
    }
  }
  return encodePng(image, { compressionLevel: 9 });
}
