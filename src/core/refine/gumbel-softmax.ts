import type { Rng } from '../random.js';
import type { Candidates } from './candidates.js';
import { expNonPositive } from './exp.js';
import type { RenderedCells } from './loss.js';
import type { RefineTarget } from './target.js';

/** The palette as the renderer needs it: n colours in OKLab and in linear light, in double precision. */
export interface RefinePalette {
  readonly size: number;
  readonly oklab: Float64Array;
  readonly linear: Float64Array;
}

export function createRefinePalette(oklab: ArrayLike<number>, linear: ArrayLike<number>): RefinePalette {
  return { size: oklab.length / 3, oklab: Float64Array.from(oklab), linear: Float64Array.from(linear) };
}

const GUMBEL_BITS = 16;
/**
 * Standard Gumbel quantiles −log(−log u) at u = (j + ½)/2¹⁶. Drawing from this table with 16
 * random bits is the inverse-CDF method with u rounded to 2⁻¹⁶: two draws per 32-bit random
 * number and no logarithms (two Math.log calls per logit cost as much as the whole softmax). The
 * tails stop at about −2.5 and +11.8, past which the exact noise lands once in 65,536 draws.
 */
const GUMBEL_QUANTILES = (() => {
  const size = 1 << GUMBEL_BITS;
  const t = new Float64Array(size);
  for (let j = 0; j < size; j++) t[j] = -Math.log(-Math.log((j + 0.5) / size));
  return t;
})();

/** Standard Gumbel noise, one per logit, from `rng` (see GUMBEL_QUANTILES). */
export function fillGumbelNoise(rng: Rng, noise: Float64Array): void {
  const q = GUMBEL_QUANTILES, n = noise.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const bits = (rng.next() * 4294967296) >>> 0;
    noise[i] = q[bits >>> 16];
    noise[i + 1] = q[bits & 0xffff];
  }
  if (i < n) noise[i] = q[(rng.next() * 65536) >>> 0];
}

/**
 * Soft Gumbel-softmax render (SD-πXL `gumbel_softmax(hard=False)`): per opaque cell
 * s = softmax((λ + G)/τ) over its candidates into `probs`, and the cell colour Σ_k s_k·p_k in both
 * spaces into `render`. Transparent cells show the target's constant fill. `noise` may be null
 * (plain softmax) or the same array as `probs` (each value is read before it is overwritten).
 * `logits`, `noise` and `probs` are [cells, candidates.k].
 */
export function renderSoftInto(
  logits: Float64Array, noise: Float64Array | null, tau: number, candidates: Candidates,
  palette: RefinePalette, target: RefineTarget, probs: Float64Array, render: RenderedCells,
): void {
  const { k: n, index } = candidates, { opaque } = target;
  const pOk = palette.oklab, pLin = palette.linear;
  const ok = render.oklab, lin = render.linear;
  const invTau = 1 / tau;
  for (let i = 0, cells = opaque.length; i < cells; i++) {
    const o = i * n, c = i * 3;
    if (!opaque[i]) {
      ok[c] = target.fillOklab[0]; ok[c + 1] = target.fillOklab[1]; ok[c + 2] = target.fillOklab[2];
      lin[c] = target.fillLinear[0]; lin[c + 1] = target.fillLinear[1]; lin[c + 2] = target.fillLinear[2];
      continue;
    }
    let max = -Infinity;
    for (let k = 0; k < n; k++) {
      const z = (logits[o + k] + (noise ? noise[o + k] : 0)) * invTau;
      probs[o + k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < n; k++) sum += probs[o + k] = expNonPositive(probs[o + k] - max);
    const inv = 1 / sum;
    let L = 0, A = 0, B = 0, R = 0, G = 0, Bl = 0;
    for (let k = 0; k < n; k++) {
      const s = (probs[o + k] *= inv), p = index[o + k] * 3;
      L += s * pOk[p]; A += s * pOk[p + 1]; B += s * pOk[p + 2];
      R += s * pLin[p]; G += s * pLin[p + 1]; Bl += s * pLin[p + 2];
    }
    ok[c] = L; ok[c + 1] = A; ok[c + 2] = B;
    lin[c] = R; lin[c + 1] = G; lin[c + 2] = Bl;
  }
}

/**
 * Adjoint of `renderSoftInto` (§1.9): ∂L/∂s_k = ⟨∂L/∂ok, p_k^ok⟩ + ⟨∂L/∂lin, p_k^lin⟩, then the
 * softmax: ∂L/∂λ_k = (1/τ)·s_k·(∂L/∂s_k − Σ_j s_j·∂L/∂s_j). Writes (not adds) `gradLogits`,
 * which may be the same array as `probs`; zero for transparent cells.
 */
export function renderBackwardInto(
  probs: Float64Array, tau: number, candidates: Candidates, palette: RefinePalette, opaque: Uint8Array,
  gradRender: RenderedCells, gradLogits: Float64Array,
): void {
  const { k: n, index } = candidates;
  const pOk = palette.oklab, pLin = palette.linear;
  const gOk = gradRender.oklab, gLin = gradRender.linear;
  const invTau = 1 / tau;
  const s = new Float64Array(n); // this cell's probabilities, as gradLogits may overwrite probs
  for (let i = 0, cells = opaque.length; i < cells; i++) {
    const o = i * n, c = i * 3;
    if (!opaque[i]) {
      for (let k = 0; k < n; k++) gradLogits[o + k] = 0;
      continue;
    }
    const gL = gOk[c], gA = gOk[c + 1], gB = gOk[c + 2];
    const gR = gLin[c], gG = gLin[c + 1], gBl = gLin[c + 2];
    let dot = 0;
    for (let k = 0; k < n; k++) {
      const p = index[o + k] * 3;
      const g = gL * pOk[p] + gA * pOk[p + 1] + gB * pOk[p + 2] + gR * pLin[p] + gG * pLin[p + 1] + gBl * pLin[p + 2];
      s[k] = probs[o + k];
      dot += s[k] * g;
      gradLogits[o + k] = g;
    }
    for (let k = 0; k < n; k++) gradLogits[o + k] = s[k] * (gradLogits[o + k] - dot) * invTau;
  }
}
