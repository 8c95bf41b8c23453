import { createImage, type RgbaImage } from '../../core/image.js';
import type { Size } from './upscale-plan.js';

/**
 * Pixel plumbing around one refinement stage: the VAE sees an opaque image padded to multiples
 * of 8; the result is cropped back and gets the upsampled image's alpha.
 */

/** True when every pixel is fully opaque (the result then needs no alpha plane). */
export function isOpaque(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}

/** The alpha channel as one byte per pixel. */
export function alphaPlane(image: RgbaImage): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  const d = image.data;
  for (let p = 0, i = 3; p < out.length; p++, i += 4) out[p] = d[i];
  return out;
}

/**
 * What the VAE encodes: `image` padded to `padded` by repeating its last row and column, with
 * every pixel made opaque. Partly transparent pixels keep their own colour (compositing them
 * over a background would bleed that background into the edges once the alpha is put back);
 * fully transparent ones, whose colour means nothing, become white. With `inPlace`, an image
 * that needs no padding is changed itself instead of copied (the caller must own it).
 */
export function opaquePadded(image: RgbaImage, padded: Size, options: { inPlace?: boolean } = {}): RgbaImage {
  if (options.inPlace && padded.width === image.width && padded.height === image.height) return makeOpaqueInPlace(image);
  const out = createImage(padded.width, padded.height);
  const { width, height, data: src } = image;
  const od = out.data;
  for (let y = 0; y < padded.height; y++) {
    const sy = Math.min(y, height - 1);
    for (let x = 0; x < padded.width; x++) {
      const s = (sy * width + Math.min(x, width - 1)) * 4, o = (y * padded.width + x) * 4;
      if (src[s + 3] === 0) {
        od[o] = od[o + 1] = od[o + 2] = 255;
      } else {
        od[o] = src[s];
        od[o + 1] = src[s + 1];
        od[o + 2] = src[s + 2];
      }
      od[o + 3] = 255;
    }
  }
  return out;
}

/** opaquePadded's colours without padding, written over `image` itself (which the caller owns). */
function makeOpaqueInPlace(image: RgbaImage): RgbaImage {
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) d[i] = d[i + 1] = d[i + 2] = 255;
    d[i + 3] = 255;
  }
  return image;
}

/**
 * Rows [0, rows) and columns [0, width) of `band`, with alpha from `alpha` (rows starting at
 * `alphaRow` of a plane `width` wide), or as they are when `alpha` is null (the decoder's bands
 * are opaque). `band` is consumed: when nothing is cut off, it is changed and returned itself.
 */
export function finishBand(band: RgbaImage, width: number, rows: number, alpha: Uint8Array | null, alphaRow: number): RgbaImage {
  const out = band.width === width && band.height === rows ? band : createImage(width, rows);
  const rowBytes = width * 4;
  if (out !== band) for (let y = 0; y < rows; y++) out.data.set(band.data.subarray(y * band.width * 4, y * band.width * 4 + rowBytes), y * rowBytes);
  if (alpha) {
    const od = out.data;
    for (let p = 0, a = alphaRow * width, i = 3; p < width * rows; p++, a++, i += 4) od[i] = alpha[a];
  }
  return out;
}
