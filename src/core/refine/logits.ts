import type { Candidates } from './candidates.js';
import type { RefinePalette } from './gumbel-softmax.js';
import type { RefineTarget } from './target.js';

/**
 * OKLab distances run about a third of the sRGB L1 distances SD-πXL initialises with (black to
 * white: 1 against 3), so this factor keeps its logit scale.
 */
const OKLAB_TO_SRGB_L1 = 3;

/**
 * SD-πXL's `palette-bilinear` initialisation (§1.3) on our cell colours: λ_ik = −√n·d(t_i, p_k)
 * with d the OKLab distance (so the argmax starts as nearest mapping) and n the palette size,
 * centred per cell, then each cell's vector rescaled to the mean centred norm over cells
 * (`normalize_softmax(get_std())`). Row-major [cells, k] over each cell's candidates;
 * transparent cells stay 0.
 */
export function initLogits(target: RefineTarget, palette: RefinePalette, candidates: Candidates): Float64Array {
  const { k: n, index } = candidates, { opaque, oklab: t } = target;
  const cells = opaque.length;
  const logits = new Float64Array(cells * n);
  const scale = Math.sqrt(palette.size) * OKLAB_TO_SRGB_L1;
  const p = palette.oklab;
  let normSum = 0;
  for (let i = 0; i < cells; i++) {
    if (!opaque[i]) continue;
    const o = i * n;
    for (let k = 0; k < n; k++) {
      const j = index[o + k] * 3;
      const dL = t[i * 3] - p[j], da = t[i * 3 + 1] - p[j + 1], db = t[i * 3 + 2] - p[j + 2];
      logits[o + k] = -scale * Math.sqrt(dL * dL + da * da + db * db);
    }
    centreCell(logits, o, n);
    normSum += cellNorm(logits, o, n);
  }
  const meanNorm = target.count ? normSum / target.count : 0;
  for (let i = 0; i < cells; i++) {
    if (!opaque[i]) continue;
    const norm = cellNorm(logits, i * n, n);
    if (norm === 0) continue; // a one-colour palette, or a cell equidistant from all: leave it flat
    const f = meanNorm / norm;
    for (let k = 0; k < n; k++) logits[i * n + k] *= f;
  }
  return logits;
}

/** Subtracts each cell's mean logit (`renderer.balance()` after every step): softmax-invariant, stops drift. */
export function recentreLogits(logits: Float64Array, n: number): void {
  for (let o = 0; o < logits.length; o += n) centreCell(logits, o, n);
}

/** Palette index with the largest logit per opaque cell (ties to the nearer candidate); -1 where transparent. */
export function argmaxInto(logits: Float64Array, candidates: Candidates, opaque: Uint8Array, out: Int16Array): Int16Array {
  const { k: n, index } = candidates;
  for (let i = 0; i < opaque.length; i++) {
    if (!opaque[i]) {
      out[i] = -1;
      continue;
    }
    const o = i * n;
    let best = 0;
    for (let k = 1; k < n; k++) if (logits[o + k] > logits[o + best]) best = k;
    out[i] = index[o + best];
  }
  return out;
}

function centreCell(logits: Float64Array, o: number, n: number): void {
  let mean = 0;
  for (let k = 0; k < n; k++) mean += logits[o + k];
  mean /= n;
  for (let k = 0; k < n; k++) logits[o + k] -= mean;
}

function cellNorm(logits: Float64Array, o: number, n: number): number {
  let sq = 0;
  for (let k = 0; k < n; k++) sq += logits[o + k] * logits[o + k];
  return Math.sqrt(sq);
}
