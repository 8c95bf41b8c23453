import type { RgbaImage } from '../src/core/image.js';
import { gaussianBlur, meanDeltaE } from '../src/core/metrics.js';
import type { Palette } from '../src/core/palette/palette.js';
import { resolvePixelateOptions } from '../src/core/pixelate/options.js';
import { pixelateImageSync } from '../src/core/pixelate/pipeline.js';

/** ΔE figures of a full-resolution result against its source (same size). */
export interface FullResolutionScore {
  /** Mean ΔE in OKLab, pixel by pixel. */
  readonly deltaE: number;
  /** Mean ΔE in OKLab after a Gaussian blur (σ = 1 px, linear light) of both: fair to dithering. */
  readonly blurredDeltaE: number;
}

/**
 * A scorer for one source. measureQuality's CIEDE2000 and SSIM take seconds at 1024×1024, so at
 * full resolution we compute only the two ΔE figures, and blur the source once.
 */
export function createFullResolutionScorer(source: RgbaImage): (result: RgbaImage) => FullResolutionScore {
  const blurredSource = gaussianBlur(source, 1);
  return (result) => ({
    deltaE: meanDeltaE(source, result),
    blurredDeltaE: meanDeltaE(blurredSource, gaussianBlur(result, 1)),
  });
}

/**
 * Every pixel of `image` to its nearest `palette` colour in OKLab, no dithering, via Tessera's
 * own pipeline at one cell per pixel. Used for every palette alike, so only the palette differs.
 */
export function mapToPaletteNearest(image: RgbaImage, palette: Palette): RgbaImage {
  const options = resolvePixelateOptions({
    grid: { kind: 'cell-size', px: 1 },
    palette: { kind: 'fixed', palette },
    dither: 'none',
    output: 'grid',
  });
  return pixelateImageSync(image, options).grid;
}
