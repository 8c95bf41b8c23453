import type { RgbaImage } from '../../core/image.js';
import { runSliced } from '../../core/progress.js';
import { resizeLanczosLeanSteps } from '../../core/resize-lean.js';
import { resizeImage } from '../../core/resize.js';
import type { ModelRunner } from '../model-runner.js';
import { upscale2xTiled } from '../upsample/tiled-upscale2x.js';
import type { Size } from './upscale-plan.js';

/** How a stage enlarges its input before refinement: the user-facing names (panel values, CLI flag). */
export const UPSAMPLERS = ['lanczos', 'learned'] as const;
export type Upsampler = (typeof UPSAMPLERS)[number];

export interface UpsampleOptions {
  readonly signal?: AbortSignal;
  /** 0..1 */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * `image` enlarged to `size`: Lanczos-3 in linear light (resize-lean.ts, sliced so it can be
 * cancelled and leaves a panel responsive), or with `learned`, the
 * ×2 network applied until both sides reach the size (once for ×2 stages) and then, only when
 * that overshoots, resampled to the exact size (area when both sides shrink, else Lanczos-3).
 * The network does not see alpha; upscale2x carries it with Lanczos-3. The input is not changed.
 */
export async function upsampleTo(image: RgbaImage, size: Size, learned: ModelRunner | null, options: UpsampleOptions = {}): Promise<RgbaImage> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  const lanczos = (from: RgbaImage, onFraction?: (f: number) => void) =>
    runSliced(resizeLanczosLeanSteps(from, size.width, size.height), { signal, onProgress: onFraction && ((p) => onFraction(p.fraction)) });
  if (!learned) {
    const out = image.width === size.width && image.height === size.height ? image : await lanczos(image, onProgress);
    onProgress?.(1);
    return out;
  }
  let doublings = 0;
  for (let w = image.width, h = image.height; w < size.width || h < size.height; w *= 2, h *= 2) doublings++;
  let current = image;
  for (let i = 0; i < doublings; i++) {
    current = await upscale2xTiled(current, learned, { signal, onProgress: (f) => onProgress?.((i + f) / doublings) });
  }
  if (current.width !== size.width || current.height !== size.height) {
    const shrinking = size.width <= current.width && size.height <= current.height;
    current = shrinking ? resizeImage(current, size.width, size.height, 'area') : await lanczos(current);
  }
  onProgress?.(1);
  return current;
}
