import { alphaBar, SD_SCHEDULE } from '../diffusion/noise-schedule.js';
import type { Rng } from '../random.js';

/**
 * Refine's diffusion prior, seen from the optimiser: every few iterations the current soft image
 * goes out, a diffusion model's one-step guess of the clean picture comes back, and the
 * optimiser pulls toward that guess (a stop-gradient target, prior-loss.ts) until the next one.
 * The model work lives outside core (src/runtime/refine-prior); core only asks and waits.
 */

/** A grid-sized picture in linear light: r, g, b per cell, row-major, 0..1. */
export interface PriorImage {
  readonly width: number;
  readonly height: number;
  readonly linear: Float32Array;
}

export interface RefinePriorRequest {
  /** Seeds the diffusion noise of this request (drawn from the Refine seed). */
  readonly seed: number;
  /** The iteration the target is for (0-based), of `iterations`. */
  readonly iteration: number;
  readonly iterations: number;
  /** Diffusion timestep to noise the image to, 0..999 (priorTimestepAt). */
  readonly timestep: number;
  /** The run's signal: check it between model runs. */
  readonly signal?: AbortSignal;
}

/** Soft image in, target out (the same size). Transparent cells show the image's mean colour. */
export type RefinePrior = (soft: PriorImage, request: RefinePriorRequest) => Promise<PriorImage>;

/** SD-πXL's bounded-max timestep range (algorithms.md §1.4 item 5), as fractions of T. */
const T_MIN = 0.02;
const T_MAX = 0.98;
const T_BOUND_MAX = 0.8;
const T_BOUND_REACHED = 0.5;

/**
 * The timestep for a prior request at `iteration` of `iterations`: t ~ randint[⌊T·0.02⌋, ⌊T·t_max⌋]
 * with t_max falling linearly from 0.98 to 0.80 over the first half of the run, then held
 * (SD-πXL's `bounded_max`, with its run length replaced by ours).
 */
export function priorTimestepAt(iteration: number, iterations: number, rng: Rng, trainSteps = SD_SCHEDULE.trainSteps): number {
  const progress = iterations > 0 ? iteration / iterations : 0;
  const tMax = T_MAX - (T_MAX - T_BOUND_MAX) * Math.min(1, progress / T_BOUND_REACHED);
  const lo = Math.floor(trainSteps * T_MIN), hi = Math.floor(trainSteps * tMax + 1e-9);
  return lo + rng.int(hi - lo + 1);
}

/**
 * How much a target made at timestep t counts: 2√(ᾱ_t(1−ᾱ_t)), 1 at ᾱ = ½ and small at both ends.
 * Derived: SD-πXL's SDS gradient is g = (1−ᾱ)(ε̂ − ε) (`w_mode: cumprod`); with
 * z_t = √ᾱ·z + √(1−ᾱ)·ε and x̂₀ = (z_t − √(1−ᾱ)·ε̂)/√ᾱ, z − x̂₀ = √((1−ᾱ)/ᾱ)·(ε̂ − ε), so
 * g = √(ᾱ(1−ᾱ))·(z − x̂₀): the same gradient as a pull toward sg(x̂₀) weighted √(ᾱ(1−ᾱ)).
 * Near t = 980 the guess owes little to the image; near t = 20 it barely differs from it.
 */
export function priorTimestepWeight(timestep: number): number {
  const a = alphaBar(timestep);
  return 2 * Math.sqrt(a * (1 - a));
}
