import type { Loss, RenderedCells } from './loss.js';
import type { RefineTarget } from './target.js';

/**
 * Fidelity to the target at grid resolution: L = (1/N) Σ_i ‖ok_i − t_i‖² over the N opaque cells,
 * in OKLab (squared ΔEOK, so an error counts the same at every tone, as the eye sees it).
 * The render mixes palette colours in OKLab here: the squared error stays a quadratic in s, its
 * gradient closed-form, and at the end every cell is one palette colour, where mixing spaces
 * agree. Tone averaging over several cells (dither) is the blurred term's job, in linear light.
 */
export function createFidelityLoss(target: RefineTarget): Loss {
  return {
    accumulate: (render, grad, weight) => oklabDistanceLoss(target, target.oklab, render, grad, weight),
  };
}

/**
 * (1/N) Σ_i ‖ok_i − t_i‖² over the N opaque cells of `target`, toward `t` (OKLab per cell), adding
 * weight·∂/∂ok into `grad.oklab`. Shared with the prior term, which aims at another picture.
 */
export function oklabDistanceLoss(target: RefineTarget, t: Float64Array, render: RenderedCells, grad: RenderedCells, weight: number): number {
  const { opaque, count } = target;
  if (count === 0) return 0;
  const x = render.oklab, g = grad.oklab;
  const scale = (2 * weight) / count;
  let sum = 0;
  for (let i = 0, c = 0; i < opaque.length; i++, c += 3) {
    if (!opaque[i]) continue;
    const dL = x[c] - t[c], da = x[c + 1] - t[c + 1], db = x[c + 2] - t[c + 2];
    sum += dL * dL + da * da + db * db;
    g[c] += scale * dL;
    g[c + 1] += scale * da;
    g[c + 2] += scale * db;
  }
  return sum / count;
}
