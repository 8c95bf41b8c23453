import { linearToOklab, type Vec3 } from '../color.js';
import { TesseraError } from '../errors.js';
import { oklabDistanceLoss } from './fidelity-loss.js';
import type { Loss } from './loss.js';
import type { PriorImage } from './prior.js';
import type { RefineTarget } from './target.js';

/** The prior term: a Loss whose target the optimiser replaces at each prior refresh. */
export interface PriorLoss extends Loss {
  /** The diffusion prior's picture, a constant (stop-gradient) until the next call. */
  setTarget(image: PriorImage): void;
  readonly hasTarget: boolean;
}

/**
 * L = (1/N) Σ_i ‖ok_i − q_i‖² over the N opaque cells, q the prior's picture in OKLab: the
 * fidelity term aimed at another picture. OKLab rather than linear light because (1) it is the
 * fidelity term's space and scale, so the prior's weight reads directly against fidelity's 1;
 * (2) squared ΔEOK weighs an error alike at every tone, where linear light makes errors in the
 * shadows nearly free; (3) the render is linear in the probabilities in OKLab, so the term stays a
 * convex quadratic with a closed-form gradient. Tone averaging across cells stays the blurred
 * term's job. Zero, with no gradient, until the first target arrives.
 */
export function createPriorLoss(target: RefineTarget): PriorLoss {
  const { width, height } = target;
  const oklab = new Float64Array(width * height * 3);
  const lab: Vec3 = [0, 0, 0];
  let hasTarget = false;
  return {
    get hasTarget() {
      return hasTarget;
    },
    setTarget(image) {
      if (image.width !== width || image.height !== height || image.linear.length !== width * height * 3) {
        throw new TesseraError('internal', 'The diffusion prior returned a picture of the wrong size.', {
          details: { expected: [width, height], actual: [image.width, image.height], values: image.linear.length },
        });
      }
      const lin = image.linear;
      for (let i = 0, c = 0; i < width * height; i++, c += 3) {
        if (!(Number.isFinite(lin[c]) && Number.isFinite(lin[c + 1]) && Number.isFinite(lin[c + 2]))) {
          throw new TesseraError('model-mismatch', 'The diffusion model returned a picture with invalid values (NaN or infinity).', { details: { cell: i } });
        }
        linearToOklab(clamp01(lin[c]), clamp01(lin[c + 1]), clamp01(lin[c + 2]), lab);
        oklab[c] = lab[0]; oklab[c + 1] = lab[1]; oklab[c + 2] = lab[2];
      }
      hasTarget = true;
    },
    accumulate: (render, grad, weight) => (hasTarget ? oklabDistanceLoss(target, oklab, render, grad, weight) : 0),
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
