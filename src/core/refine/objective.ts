import { createBlurredLoss } from './blurred-loss.js';
import type { Candidates } from './candidates.js';
import { createFftLoss } from './fft-loss.js';
import { createFidelityLoss } from './fidelity-loss.js';
import { renderBackwardInto, renderSoftInto, type RefinePalette } from './gumbel-softmax.js';
import { createRenderedCells, type Loss, type RenderedCells } from './loss.js';
import { createPriorLoss, type PriorLoss } from './prior-loss.js';
import type { RefineTarget } from './target.js';
import { createTvLoss } from './tv-loss.js';

/** How much each term counts; 0 switches a term off (and skips its work). */
export interface LossWeights {
  readonly fidelity: number;
  readonly blurred: number;
  readonly fft: number;
  readonly tv: number;
  /** The diffusion prior's pull (prior-loss.ts); absent or 0 = none. */
  readonly prior?: number;
}

export type LossName = keyof LossWeights;

const LOSS_NAMES: readonly LossName[] = ['fidelity', 'blurred', 'fft', 'tv', 'prior'];

/**
 * The refiner's objective as a function of the logits: Gumbel-softmax render, the weighted sum
 * of the losses, and its gradient by the chain rule written out (no autograd).
 */
export interface Objective {
  /**
   * Total weighted loss; writes ∂/∂logits into gradLogits, which also holds the probabilities in
   * between (one [cells, k] buffer fewer). `noise` null = plain softmax; it may be gradLogits itself.
   * `scales` multiplies terms' weights for this call; 0 skips a term.
   */
  evaluate(logits: Float64Array, noise: Float64Array | null, tau: number, gradLogits: Float64Array, scales?: Partial<Record<LossName, number>>): number;
  /** Unweighted value of each term at the last evaluation. */
  readonly parts: Record<LossName, number>;
  /** The last soft render (per cell, both spaces). */
  readonly render: RenderedCells;
  /** The prior term, to set its target; null when its weight is 0. */
  readonly prior: PriorLoss | null;
}

export function createObjective(target: RefineTarget, palette: RefinePalette, candidates: Candidates, weights: LossWeights, blurSigma: number): Objective {
  const cells = target.width * target.height;
  const prior = (weights.prior ?? 0) !== 0 ? createPriorLoss(target) : null;
  const losses: Record<LossName, () => Loss> = {
    fidelity: () => createFidelityLoss(target),
    blurred: () => createBlurredLoss(target, blurSigma),
    fft: () => createFftLoss(target),
    tv: () => createTvLoss(target),
    prior: () => prior!,
  };
  const active = LOSS_NAMES.filter((name) => (weights[name] ?? 0) !== 0).map((name) => ({ name, weight: weights[name] ?? 0, loss: losses[name]() }));
  const render = createRenderedCells(cells);
  const grad = createRenderedCells(cells);
  const parts: Record<LossName, number> = { fidelity: 0, blurred: 0, fft: 0, tv: 0, prior: 0 };
  return {
    parts,
    render,
    prior,
    evaluate(logits, noise, tau, gradLogits, scales) {
      renderSoftInto(logits, noise, tau, candidates, palette, target, gradLogits, render);
      grad.oklab.fill(0);
      grad.linear.fill(0);
      let total = 0;
      for (const { name, weight, loss } of active) {
        const w = weight * (scales?.[name] ?? 1);
        if (w === 0) continue;
        parts[name] = loss.accumulate(render, grad, w);
        total += w * parts[name];
      }
      renderBackwardInto(gradLogits, tau, candidates, palette, target.opaque, grad, gradLogits);
      return total;
    },
  };
}
