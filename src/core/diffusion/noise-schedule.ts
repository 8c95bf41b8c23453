import { TesseraError, assert } from '../errors.js';

/**
 * The DDPM noise schedule shared by SD 1.x/2.x, SDXL and SDXS: "scaled_linear" betas,
 * βᵢ = (√β₀ + i·(√β₁ − √β₀)/(T − 1))², ᾱ_t = Π_{i≤t}(1 − βᵢ), with β₀ = 0.00085, β₁ = 0.012,
 * T = 1000 (shared/reference/algorithms.md §5 and §2.2). Computed in float64, which reproduces
 * the §5 table to its last printed digit; diffusers computes it in float32, which moves σ₉₉₉ in
 * the sixth significant digit (14.614641 here vs 14.614646 in the float32 ports, §3.2).
 */
export interface NoiseSchedule {
  /** Number of training timesteps T; valid timesteps are the integers 0..T−1. */
  readonly trainSteps: number;
  readonly betas: Float64Array;
  /** ᾱ_t for t = 0..T−1. */
  readonly alphasCumprod: Float64Array;
}

export interface ScaledLinearOptions {
  betaStart?: number;
  betaEnd?: number;
  trainSteps?: number;
}

export function scaledLinearSchedule(options: ScaledLinearOptions = {}): NoiseSchedule {
  const { betaStart = 0.00085, betaEnd = 0.012, trainSteps = 1000 } = options;
  assert(Number.isInteger(trainSteps) && trainSteps >= 2, 'trainSteps must be an integer ≥ 2');
  const betas = new Float64Array(trainSteps);
  const alphasCumprod = new Float64Array(trainSteps);
  const lo = Math.sqrt(betaStart), hi = Math.sqrt(betaEnd);
  let product = 1;
  for (let i = 0; i < trainSteps; i++) {
    const r = lo + (i * (hi - lo)) / (trainSteps - 1);
    betas[i] = r * r;
    product *= 1 - betas[i];
    alphasCumprod[i] = product;
  }
  return { trainSteps, betas, alphasCumprod };
}

/** The SD/SDXL/SDXS schedule (scaled_linear 0.00085→0.012, T = 1000): a constant table. */
export const SD_SCHEDULE: NoiseSchedule = scaledLinearSchedule();

/** ᾱ_t for an integer timestep 0..T−1. */
export function alphaBar(t: number, schedule: NoiseSchedule = SD_SCHEDULE): number {
  assert(Number.isInteger(t) && t >= 0 && t < schedule.trainSteps, `timestep ${t} is outside 0..${schedule.trainSteps - 1}`);
  return schedule.alphasCumprod[t];
}

/** Forward diffusion into a new buffer: z_t = √ᾱ_t·z + √(1−ᾱ_t)·ε. */
export function addNoise(z: Float32Array, eps: Float32Array, t: number, schedule: NoiseSchedule = SD_SCHEDULE): Float32Array {
  assert(z.length === eps.length, `latent (${z.length}) and noise (${eps.length}) differ in length`);
  const a = alphaBar(t, schedule);
  const sa = Math.sqrt(a), sn = Math.sqrt(1 - a);
  const out = new Float32Array(z.length);
  for (let i = 0; i < z.length; i++) out[i] = sa * z[i] + sn * eps[i];
  return out;
}

/** The ε-prediction estimate of the clean latent, into a new buffer: x̂₀ = (z_t − √(1−ᾱ_t)·ε̂)/√ᾱ_t. */
export function predictX0(zt: Float32Array, epsHat: Float32Array, t: number, schedule: NoiseSchedule = SD_SCHEDULE): Float32Array {
  assert(zt.length === epsHat.length, `latent (${zt.length}) and noise estimate (${epsHat.length}) differ in length`);
  const a = alphaBar(t, schedule);
  const inv = 1 / Math.sqrt(a), k = Math.sqrt(1 - a) / Math.sqrt(a);
  const out = new Float32Array(zt.length);
  for (let i = 0; i < zt.length; i++) out[i] = inv * zt[i] - k * epsHat[i];
  return out;
}

/**
 * One deterministic DDIM step (eta = 0) from t to tPrev: z_prev = √ᾱ_prev·x̂₀ + √(1−ᾱ_prev)·ε̂, with
 * ᾱ_prev = 1 when tPrev < 0 (`set_alpha_to_one`, algorithms.md §5), so the last step returns x̂₀.
 */
export function ddimStep(
  zt: Float32Array,
  epsHat: Float32Array,
  t: number,
  tPrev: number,
  schedule: NoiseSchedule = SD_SCHEDULE,
): Float32Array {
  const x0 = predictX0(zt, epsHat, t, schedule);
  const aPrev = tPrev < 0 ? 1 : alphaBar(tPrev, schedule);
  const sa = Math.sqrt(aPrev), sn = Math.sqrt(1 - aPrev);
  for (let i = 0; i < x0.length; i++) x0[i] = sa * x0[i] + sn * epsHat[i];
  return x0;
}

/**
 * The timestep an image-to-image run starts from for `strength` 0..1 (1 = pure noise at T−1):
 * t = round(strength·T) − 1, clamped to 0..T−1. This is the "trailing" spacing SDXS uses for its
 * one step (t = 999, algorithms.md §3.2): it reproduces diffusers' img2img start whenever
 * strength × steps is a whole number (2 trailing steps at strength 0.5 start at t = 499). §3.3
 * gives no official mapping for SDXS img2img (derived; SDXS was trained at t = 999 only).
 */
export function strengthToTimestep(strength: number, trainSteps = SD_SCHEDULE.trainSteps): number {
  if (!(strength >= 0 && strength <= 1)) {
    throw new TesseraError('invalid-input', `The strength must be between 0 and 1 (got ${strength}).`, {
      details: { strength },
    });
  }
  return Math.min(trainSteps - 1, Math.max(0, Math.round(strength * trainSteps) - 1));
}

/**
 * DDIM "leading" timesteps for `steps` steps, descending: k·⌊T/steps⌋ + offset for
 * k = steps−1..0. With 50 steps and offset 1 this is 981, 961, …, 21, 1 (diffusers 0.25.1
 * `set_timesteps`, algorithms.md §2.2 and §5: Pixelsmith's scheduler).
 */
export function leadingTimesteps(steps: number, options: { trainSteps?: number; offset?: number } = {}): Int32Array {
  const { trainSteps = SD_SCHEDULE.trainSteps, offset = 1 } = options;
  checkSteps(steps, trainSteps);
  const ratio = Math.floor(trainSteps / steps);
  const out = new Int32Array(steps);
  for (let k = 0; k < steps; k++) out[k] = (steps - 1 - k) * ratio + offset;
  return out;
}

/**
 * DDIM "trailing" timesteps, descending: round(T − k·T/steps) − 1 for k = 0..steps−1. One step is
 * [999], SDXS's only timestep (algorithms.md §3.2); two are [999, 499].
 */
export function trailingTimesteps(steps: number, trainSteps = SD_SCHEDULE.trainSteps): Int32Array {
  checkSteps(steps, trainSteps);
  const out = new Int32Array(steps);
  for (let k = 0; k < steps; k++) out[k] = Math.round(trainSteps - (k * trainSteps) / steps) - 1;
  return out;
}

function checkSteps(steps: number, trainSteps: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > trainSteps) {
    throw new TesseraError('invalid-input', `The number of steps must be a whole number from 1 to ${trainSteps} (got ${steps}).`, {
      details: { steps, trainSteps },
    });
  }
}
