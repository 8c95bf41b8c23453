import type { Rng } from '../random.js';

/** diffusers' `constant_with_warmup` (SD-πXL): a linear ramp 0 → lr over `warmupSteps`, then constant. */
export function learningRateAt(step: number, lr: number, warmupSteps: number): number {
  return warmupSteps > 0 && step < warmupSteps ? (lr * (step + 1)) / warmupSteps : lr;
}

/**
 * Gumbel-softmax temperature for iteration `step` of `iterations`: a geometric anneal from
 * `start` to `end`, times a random factor in [1 − jitter, 1 + jitter]. With start = end = 1 and
 * jitter 0.5 this is SD-πXL's τ ~ U(0.5, 1.5). Annealing matters here because, without a
 * diffusion prior, a soft mix of two colours can match a mid tone exactly; as τ falls the samples
 * approach one-hot, so the loss judges the discrete images the argmax will produce.
 */
export function temperatureAt(step: number, iterations: number, start: number, end: number, jitter: number, rng: Rng): number {
  return baseTemperatureAt(step, iterations, start, end) * (1 + jitter * (2 * rng.next() - 1));
}

/** The anneal alone, without the random factor (what the diffusion prior is shown the image at). */
export function baseTemperatureAt(step: number, iterations: number, start: number, end: number): number {
  const t = iterations > 1 ? step / (iterations - 1) : 1;
  return start * (end / start) ** t;
}
