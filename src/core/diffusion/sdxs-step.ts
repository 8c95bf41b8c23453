import { TesseraError } from '../errors.js';
import { gaussianLatents, latentSize, type LatentShape } from './latents.js';
import { SD_SCHEDULE, addNoise, alphaBar, predictX0, strengthToTimestep } from './noise-schedule.js';

/**
 * The math around SDXS's single UNet call (algorithms.md §3.2–3.3); the command runs the models:
 *
 *   encoded = TAESD_encode(image)           (elsewhere; TAESD latents are UNet latents, no scaling)
 *   plan    = planSdxsStep({ strength, seed, latentShape, encoded })
 *   ε̂       = UNet(sample = plan.zt, timestep = plan.timestep, text)   (elsewhere)
 *   x₀      = finishSdxsStep(plan.zt, ε̂, plan.timestep)
 *   image   = TAESD_decode(x₀)              (elsewhere)
 *
 * Strength 1 (or no source image) is SDXS's own text-to-image step: z = ε ~ N(0, I) fed at
 * t = 999, x₀ = 14.6488·z − 14.6146·ε̂. Below 1 it is SDEdit: the encoded layer is noised to the
 * timestep the strength implies and denoised in the same one step (derived, §3.3: SDXS was
 * trained at t = 999 only, so low strengths are outside what it learned).
 */
export interface SdxsStepOptions {
  /** 0..1: how much of the source image is replaced by noise; 1 ignores the image. Default 1. */
  strength?: number;
  seed: number;
  /** [1, 4, h, w], h and w = image size / 8. */
  latentShape: LatentShape;
  /** The TAESD-encoded source layer, latentShape in size; needed when strength < 1. */
  encoded?: Float32Array;
}

export interface SdxsStepPlan {
  /** The UNet's `sample` input. */
  readonly zt: Float32Array;
  /** The UNet's `timestep` input, an integer 0..999. */
  readonly timestep: number;
  /** The noise drawn from the seed (gaussianLatents(latentShape, seed)). */
  readonly noise: Float32Array;
  /** Whether the source image went into zt (false: text-only from pure noise). */
  readonly imageConditioned: boolean;
}

export function planSdxsStep(options: SdxsStepOptions): SdxsStepPlan {
  const { strength = 1, seed, latentShape, encoded } = options;
  const timestep = strengthToTimestep(strength, SD_SCHEDULE.trainSteps);
  const n = latentSize(latentShape);
  const noise = gaussianLatents(latentShape, seed);
  if (strength === 1 || encoded === undefined) {
    if (strength !== 1) {
      throw new TesseraError('invalid-input', 'A strength below 1 needs a source image to start from.', {
        details: { strength },
      });
    }
    return { zt: noise.slice(), timestep, noise, imageConditioned: false };
  }
  if (encoded.length !== n) {
    throw new TesseraError('model-mismatch', 'The image encoder returned a latent of the wrong size for this model.', {
      details: { expected: n, actual: encoded.length, shape: [...latentShape] },
    });
  }
  return { zt: addNoise(encoded, noise, timestep), timestep, noise, imageConditioned: true };
}

/** x₀ from the UNet's noise estimate: (z_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t, a new buffer for the decoder. */
export function finishSdxsStep(zt: Float32Array, epsHat: Float32Array, timestep: number): Float32Array {
  if (epsHat.length !== zt.length) {
    throw new TesseraError('model-mismatch', 'The diffusion model returned an output of the wrong size.', {
      details: { expected: zt.length, actual: epsHat.length },
    });
  }
  return predictX0(zt, epsHat, timestep);
}

/**
 * The two coefficients of x₀ = a·z_t − b·ε̂ at `timestep`: at 999 they are SDXS's 14.6488 and
 * 14.6146 (algorithms.md §3.2). For a runtime that fuses the step into its own kernel.
 */
export function x0Coefficients(timestep: number): { sample: number; noise: number } {
  const a = alphaBar(timestep);
  return { sample: 1 / Math.sqrt(a), noise: Math.sqrt((1 - a) / a) };
}
