import { oklabMetricAt } from './oklab-grad.js';
import type { Loss, RenderedCells } from './loss.js';
import type { RefineTarget } from './target.js';

/**
 * Fidelity after a small blur, so that a pattern of cells which averages to the right tone is
 * rewarded, as dithering intends (and as `blurredDeltaE` in metrics.ts scores it):
 * L = (1/N) Σ_i e_iᵀ·W_i·e_i with e = B·lin − B·t over the N opaque cells. B is a Gaussian blur
 * of the linear-light render (the eye averages light, not OKLab values: a black/white checker
 * looks like L 0.79, not 0.5), normalised over opaque cells only, B·x = G(o⊙x) / G(o), so
 * transparent cells neither count nor darken an edge; G is separable with zero padding, hence
 * symmetric, its own adjoint. W_i = JᵀJ is OKLab's metric at the blurred target (oklab-grad.ts),
 * so e_iᵀW_ie_i is the squared ΔEOK to first order: exact for small errors, a fixed convex
 * quadratic always, and no cube roots per iteration.
 */
export function createBlurredLoss(target: RefineTarget, sigma: number): Loss {
  const { width, height, opaque } = target;
  const cells = width * height;
  const kernel = gaussianKernel(sigma);
  const tmp = new Float64Array(cells * 3);
  const mask = new Float64Array(cells * 3);
  for (let i = 0; i < cells; i++) if (opaque[i]) mask[i * 3] = mask[i * 3 + 1] = mask[i * 3 + 2] = 1;
  const z = new Float64Array(cells * 3);
  blur3Into(mask, z, tmp, width, height, kernel, false);
  const invNorm = new Float64Array(cells); // 1/Z per opaque cell, 0 elsewhere
  for (let i = 0; i < cells; i++) if (opaque[i]) invNorm[i] = 1 / z[i * 3];
  const s: Scratch = {
    allOpaque: target.count === cells, mask, invNorm, kernel, tmp,
    masked: new Float64Array(cells * 3), blurred: new Float64Array(cells * 3),
    targetBlurred: new Float64Array(cells * 3), metric: new Float64Array(cells * 6),
  };
  blurInto(target, s, target.linear);
  for (let i = 0; i < cells * 3; i++) s.targetBlurred[i] = s.blurred[i] * s.invNorm[(i / 3) | 0];
  for (let i = 0; i < cells; i++) if (opaque[i]) oklabMetricAt(s.targetBlurred, i * 3, s.metric, i * 6);
  return {
    accumulate: (render, grad, weight) => blurredLoss(target, s, render, grad, weight),
  };
}

interface Scratch {
  readonly allOpaque: boolean;
  /** o, three times per cell. */
  readonly mask: Float64Array;
  readonly invNorm: Float64Array;
  readonly kernel: Float64Array;
  readonly tmp: Float64Array;
  readonly masked: Float64Array;
  readonly blurred: Float64Array;
  readonly targetBlurred: Float64Array;
  /** JᵀJ per cell: xx, xy, xz, yy, yz, zz. */
  readonly metric: Float64Array;
}

/** G(o⊙linear) into s.blurred; dividing by Z is left to the caller's per-cell loop. */
function blurInto(target: RefineTarget, s: Scratch, linear: Float64Array): void {
  let src = linear;
  if (!s.allOpaque) {
    const { mask, masked } = s;
    for (let i = 0; i < masked.length; i++) masked[i] = linear[i] * mask[i];
    src = masked;
  }
  blur3Into(src, s.blurred, s.tmp, target.width, target.height, s.kernel, false);
}

function blurredLoss(target: RefineTarget, s: Scratch, render: RenderedCells, grad: RenderedCells, weight: number): number {
  const { width, height, opaque, count } = target;
  if (count === 0) return 0;
  const { masked, blurred, targetBlurred: t, metric: w, invNorm } = s;
  blurInto(target, s, render.linear);
  let sum = 0;
  const scale = (2 * weight) / count;
  // Per opaque cell: e = G(o⊙x)/Z − B·t, e·W·e, and its gradient 2W·e pulled back through 1/Z into `masked`, then through G.
  for (let i = 0, c = 0, m = 0; i < opaque.length; i++, c += 3, m += 6) {
    if (!opaque[i]) {
      masked[c] = masked[c + 1] = masked[c + 2] = 0;
      continue;
    }
    const z = invNorm[i];
    const ex = blurred[c] * z - t[c], ey = blurred[c + 1] * z - t[c + 1], ez = blurred[c + 2] * z - t[c + 2];
    const wx = w[m] * ex + w[m + 1] * ey + w[m + 2] * ez;
    const wy = w[m + 1] * ex + w[m + 3] * ey + w[m + 4] * ez;
    const wz = w[m + 2] * ex + w[m + 4] * ey + w[m + 5] * ez;
    sum += ex * wx + ey * wy + ez * wz;
    const f = scale * z;
    masked[c] = f * wx; masked[c + 1] = f * wy; masked[c + 2] = f * wz;
  }
  if (s.allOpaque) {
    blur3Into(masked, grad.linear, s.tmp, width, height, s.kernel, true);
  } else {
    blur3Into(masked, blurred, s.tmp, width, height, s.kernel, false);
    const g = grad.linear, mask = s.mask;
    for (let i = 0; i < g.length; i++) g[i] += blurred[i] * mask[i];
  }
  return sum / count;
}

/**
 * Normalised 1-D Gaussian taps, radius ⌈2σ⌉ (at least 1). metrics.ts scores with radius ⌈3σ⌉;
 * the taps past 2σ hold under 1% of the weight and cost 40% more of this term's time.
 */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.max(1, Math.ceil(2 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= total;
  return kernel;
}

/**
 * Separable blur of interleaved 3-channel cells with zero padding: src → tmp (rows) → dst
 * (columns), tap by tap over whole rows: each inner loop is a multiply-add over contiguous memory.
 * With `add`, the result is added to dst instead of replacing it.
 */
function blur3Into(src: Float64Array, dst: Float64Array, tmp: Float64Array, width: number, height: number, kernel: Float64Array, add: boolean): void {
  const radius = (kernel.length - 1) >> 1, centre = kernel[radius];
  const row = width * 3;
  for (let y = 0; y < height; y++) {
    const base = y * row;
    for (let j = base; j < base + row; j++) tmp[j] = src[j] * centre;
    for (let k = 1; k <= radius && k < width; k++) {
      const w = kernel[radius + k], shift = 3 * k;
      for (let j = base + shift; j < base + row; j++) tmp[j] += w * src[j - shift];
      for (let j = base; j < base + row - shift; j++) tmp[j] += w * src[j + shift];
    }
  }
  for (let y = 0; y < height; y++) {
    const base = y * row;
    if (add) for (let j = 0; j < row; j++) dst[base + j] += tmp[base + j] * centre;
    else for (let j = 0; j < row; j++) dst[base + j] = tmp[base + j] * centre;
    for (let k = 1; k <= radius; k++) {
      const w = kernel[radius + k];
      if (y - k >= 0) for (let j = 0, from = base - k * row; j < row; j++) dst[base + j] += w * tmp[from + j];
      if (y + k < height) for (let j = 0, from = base + k * row; j < row; j++) dst[base + j] += w * tmp[from + j];
    }
  }
}
