import type { Loss, RenderedCells } from './loss.js';
import type { RefineTarget } from './target.js';

/**
 * Total variation of the OKLab render, the L1 regulariser SD-πXL lists (weight 0 there):
 * L = (1/N) Σ_{i~j} (√(‖x_i − x_j‖² + ε²) − ε) over right and down neighbour pairs that are both
 * opaque. The colour-vector norm (isotropic in colour) with Charbonnier smoothing ε keeps it
 * differentiable at 0 while still favouring few, clean colour changes: flat areas, fewer orphans.
 */
const EPSILON = 1e-3;

export function createTvLoss(target: RefineTarget): Loss {
  return {
    accumulate: (render, grad, weight) => totalVariation(target, render, grad, weight),
  };
}

function totalVariation(target: RefineTarget, render: RenderedCells, grad: RenderedCells, weight: number): number {
  const { width, height, opaque, count } = target;
  if (count === 0) return 0;
  const x = render.oklab, g = grad.oklab;
  const scale = weight / count, eps2 = EPSILON * EPSILON;
  let sum = 0;
  for (let i = 0, cells = width * height; i < cells; i++) {
    if (!opaque[i]) continue;
    const a = i * 3;
    // Right neighbour (not past the row's end), then the one below.
    for (let step = 0; step < 2; step++) {
      const j = step === 0 ? i + 1 : i + width;
      if (step === 0 ? (i + 1) % width === 0 : j >= cells) continue;
      if (!opaque[j]) continue;
      const b = j * 3;
      const dL = x[a] - x[b], da = x[a + 1] - x[b + 1], db = x[a + 2] - x[b + 2];
      const root = Math.sqrt(dL * dL + da * da + db * db + eps2);
      const s = scale / root;
      g[a] += s * dL; g[a + 1] += s * da; g[a + 2] += s * db;
      g[b] -= s * dL; g[b + 1] -= s * da; g[b + 2] -= s * db;
      sum += root - EPSILON;
    }
  }
  return sum / count;
}
