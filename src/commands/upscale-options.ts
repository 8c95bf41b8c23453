import { rescaleSlider } from '../core/diffusion/pixelsmith.js';
import { TesseraError } from '../core/errors.js';
import { UPSAMPLERS, type Upsampler } from '../runtime/upscale/upsample.js';
import type { Size } from '../runtime/upscale/upscale-plan.js';

/** Panel or CLI values for one Upscale run, before validation. */
export interface UpscaleRequest {
  /** Default 2. A size is the new document's (scope 'canvas') or the new layer's (scope 'layer'). */
  readonly scale?: 2 | 4 | { readonly width: number; readonly height: number };
  /** Default 'canvas' (the whole document, in place); 'layer' = the target layer or selection only. */
  readonly scope?: 'canvas' | 'layer';
  /** Guided steps out of `steps`, 0..steps; default Pixelsmith's 20 of 50, rescaled to `steps`. */
  readonly slider?: number;
  /** DDIM steps, 1..999; default 20. */
  readonly steps?: number;
  readonly prompt?: string;
  /** A whole number 0..2³²−1; default 1. */
  readonly seed?: number;
  /** Default DEFAULT_UPSAMPLER. */
  readonly upsampler?: Upsampler;
  /** ×4 (or a custom factor above 2) in a single refinement stage. */
  readonly oneStep?: boolean;
}

export interface UpscaleOptions {
  readonly scale: 2 | 4 | Size;
  readonly scope: 'canvas' | 'layer';
  readonly slider: number;
  readonly steps: number;
  readonly prompt: string;
  readonly seed: number;
  readonly upsampler: Upsampler;
  readonly oneStep: boolean;
}

/**
 * Lanczos-3, by measurement: on the four photos in assets/images after a ×2 area-down/up round
 * trip, the learned RDN ×2 network ties on PSNR (+0.04 dB on average) and loses on SSIM (−0.004,
 * on three photos of four), at many times the cost (test/runtime/upscale/upsampler-comparison.test.ts).
 */
export const DEFAULT_UPSAMPLER: Upsampler = 'lanczos';
export const DEFAULT_UPSCALE_STEPS = 20;
/** Pixelsmith's Slider: 20 guided steps of its 50 (algorithms.md §2.3, §2.8). */
export const PIXELSMITH_SLIDER = { slider: 20, steps: 50 } as const;
const MAX_STEPS = 999;
const MAX_SEED = 2 ** 32 - 1;

/** Validated options (throws `invalid-input` naming the field). Defaults live here. */
export function resolveUpscaleOptions(raw: UpscaleRequest): UpscaleOptions {
  const scale = raw.scale ?? 2;
  if (typeof scale === 'object' && scale !== null) {
    const { width, height } = scale;
    if (![width, height].every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
      invalid('scale', `The size to upscale to must be whole numbers of pixels (got ${String(width)}×${String(height)}).`);
    }
  } else if (scale !== 2 && scale !== 4) {
    invalid('scale', `The scale must be 2, 4 or a size like 1920×1080 (got ${String(scale)}).`);
  }
  const scope = raw.scope ?? 'canvas';
  if (scope !== 'canvas' && scope !== 'layer') invalid('scope', `The scope must be canvas or layer (got ${String(scope)}).`);
  const steps = raw.steps ?? DEFAULT_UPSCALE_STEPS;
  if (!isWhole(steps, 1, MAX_STEPS)) invalid('steps', `The steps must be a whole number from 1 to ${MAX_STEPS} (got ${String(steps)}).`);
  const slider = raw.slider ?? rescaleSlider(PIXELSMITH_SLIDER.slider, PIXELSMITH_SLIDER.steps, steps);
  if (!isWhole(slider, 0, steps)) {
    invalid('slider', `The Slider counts guided steps: a whole number from 0 to the ${steps} steps (got ${String(slider)}).`);
  }
  const seed = raw.seed ?? 1;
  if (!isWhole(seed, 0, MAX_SEED)) invalid('seed', `The seed must be a whole number from 0 to ${MAX_SEED} (got ${String(seed)}).`);
  const upsampler = raw.upsampler ?? DEFAULT_UPSAMPLER;
  if (!UPSAMPLERS.includes(upsampler)) invalid('upsampler', `The upsampler must be ${UPSAMPLERS.join(' or ')} (got ${String(upsampler)}).`);
  return {
    scale: typeof scale === 'object' ? { width: scale.width, height: scale.height } : scale,
    scope,
    slider,
    steps,
    prompt: (raw.prompt ?? '').replace(/\s+/g, ' ').trim(),
    seed,
    upsampler,
    oneStep: raw.oneStep ?? false,
  };
}

function isWhole(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function invalid(field: string, message: string): never {
  throw new TesseraError('invalid-input', message, { details: { field } });
}
