import * as iq from 'image-q';
import type { RgbaImage } from '../../src/core/image.js';
import { createPalette, paletteSize, type Palette } from '../../src/core/palette/palette.js';

/** image-q 4.0.0 (ibezkrovnyi/image-quantization), driven through its basic API as its README shows. */
export const IMAGE_Q_DISTANCE: iq.ColorDistanceFormula = 'euclidean-bt709';

/**
 * A fresh image-q palette per call: image-q caches the nearest colour per RGBA value inside the
 * Palette object, so reusing one across timed runs would time a warm cache, not the mapping.
 */
export function toImageQPalette(palette: Palette): iq.utils.Palette {
  const out = new iq.utils.Palette();
  for (let i = 0; i < paletteSize(palette); i++) {
    out.add(iq.utils.Point.createByRGBA(palette.rgb[i * 3], palette.rgb[i * 3 + 1], palette.rgb[i * 3 + 2], 255));
  }
  return out;
}

/** Maps every pixel to `palette` with `applyPaletteSync` (RGBA in, RGBA out, conversions included). */
export function imageQApplyPalette(image: RgbaImage, palette: Palette, dither: iq.ImageQuantization): RgbaImage {
  const points = iq.utils.PointContainer.fromUint8Array(image.data, image.width, image.height);
  const mapped = iq.applyPaletteSync(points, toImageQPalette(palette), { colorDistanceFormula: IMAGE_Q_DISTANCE, imageQuantization: dither });
  const bytes = mapped.toUint8Array();
  return { width: image.width, height: image.height, data: new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, bytes.length) };
}

/** `colors` colours from `buildPaletteSync` with the given palette quantizer. */
export function imageQBuildPalette(image: RgbaImage, colors: number, method: iq.PaletteQuantization): Palette {
  const points = iq.utils.PointContainer.fromUint8Array(image.data, image.width, image.height);
  const built = iq.buildPaletteSync([points], { colors, paletteQuantization: method, colorDistanceFormula: IMAGE_Q_DISTANCE });
  const rgb: number[] = [];
  for (const p of built.getPointContainer().getPointArray()) rgb.push(p.r, p.g, p.b);
  return createPalette(`image-q ${method}`, rgb);
}
