import { TesseraError } from '../../core/errors.js';
import { VAE_SCALE } from '../../core/diffusion/image-tensor.js';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The sizes each refinement stage produces, the last being `target`. Pixelsmith refines at most
 * ×2 per stage (algorithms.md §2.3: ×4 is ×2 then ×2), because the guidance image's detail must
 * be close enough to the model's scale for it to add more. So the number of stages is
 * ⌈log₂ f⌉ for the larger of the two axis factors f, and stage k of n aims at target / 2^(n−k)
 * per axis: ×4 gives ×2, ×2; ×3 gives ×1.5, ×2; ×8 three doublings. Intermediate sizes are
 * rounded to whole pixels and never smaller than the previous stage on either axis (an axis
 * that grows less, when the aspect ratio changes, simply grows less per stage). `oneStep` makes
 * it one stage straight to the target, as the project page shows for large factors.
 */
export function planStages(source: Size, target: Size, oneStep: boolean): Size[] {
  const factor = Math.max(target.width / source.width, target.height / source.height);
  const stages = oneStep || factor <= 2 ? 1 : Math.ceil(Math.log2(factor) - 1e-9);
  const sizes: Size[] = [];
  let previous = source;
  for (let k = 1; k <= stages; k++) {
    const divisor = 2 ** (stages - k);
    const next = {
      width: Math.min(target.width, Math.max(previous.width, Math.round(target.width / divisor))),
      height: Math.min(target.height, Math.max(previous.height, Math.round(target.height / divisor))),
    };
    sizes.push(next);
    previous = next;
  }
  return sizes;
}

/** `size` rounded up to multiples of 8, the VAE's block: what a stage encodes before cropping back. */
export function paddedToVaeBlock(size: Size): Size {
  const up = (v: number) => Math.ceil(v / VAE_SCALE) * VAE_SCALE;
  return { width: up(size.width), height: up(size.height) };
}

/** Throws `invalid-input` unless `target` is at least `source` on both axes. */
export function checkUpscaleTarget(source: Size, target: Size): void {
  if (target.width < source.width || target.height < source.height) {
    throw new TesseraError(
      'invalid-input',
      `Upscale makes images larger: ${target.width}×${target.height} is smaller than the ${source.width}×${source.height} it starts from. Choose a size at least that large.`,
      { details: { field: 'scale', sourceWidth: source.width, sourceHeight: source.height, width: target.width, height: target.height } },
    );
  }
}
