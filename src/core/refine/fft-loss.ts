import { createRealFft2d, type RealFft2d } from './fft.js';
import type { Loss, RenderedCells } from './loss.js';
import type { RefineTarget } from './target.js';

/**
 * SD-πXL's FFT smoothness loss (`utils/loss_regularizer.py:FFT_Loss`) on the OKLab render:
 * L = Σ_c Σ_uv M_uv·|F_c(u,v)| / (ΣM·√(H·W)), with F_c the 2-D DFT of channel c and M = 1 at
 * frequencies at least r = min(H,W)/(4√2) from DC. ΣM counts all 3 channels, as in the original;
 * the extra 1/√(H·W) (an orthonormal DFT) keeps the value independent of the grid size, so one
 * weight suits every grid. Adjoint (§1.9): ∂L/∂x_c = Re(fft2ᴴ(M ⊙ F_c/|F_c|)) / (ΣM·√(HW)).
 *
 * The mask is measured from signed frequencies (|f| ≤ n/2), so it is symmetric under f → −f.
 * That equals the original for even sizes; for odd ones the original's fftshift centre sits half
 * a cell off. Symmetry keeps M ⊙ F/|F| conjugate-symmetric, so both directions run as real
 * transforms (fft.ts `RealFft2d`) at half the cost of complex ones.
 */
export function createFftLoss(target: RefineTarget): Loss {
  const { width, height } = target;
  const cells = width * height;
  const radius = Math.min(width, height) / (4 * Math.SQRT2);
  const mask = new Uint8Array(cells);
  let maskCount = 0;
  for (let v = 0; v < height; v++) {
    const fv = signedFrequency(v, height);
    for (let u = 0; u < width; u++) {
      const fu = signedFrequency(u, width);
      mask[v * width + u] = Math.hypot(fu, fv) >= radius ? 1 : 0;
      maskCount += mask[v * width + u];
    }
  }
  const norm = maskCount ? 1 / (3 * maskCount * Math.sqrt(cells)) : 0;
  const s: Scratch = {
    fft: createRealFft2d(width, height), mask,
    channel: new Float64Array(cells), re: new Float64Array(cells), im: new Float64Array(cells),
  };
  return {
    accumulate(render, grad, weight) {
      if (norm === 0) return 0;
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += channelLoss(render, grad, c, weight * norm, s);
      return sum * norm;
    },
  };
}

/** Index k of an n-point DFT as a signed frequency: 0, 1, …, then negative; for even n, n/2 reads −n/2 as fftshift puts it. */
function signedFrequency(k: number, n: number): number {
  return k < n - (n >> 1) ? k : k - n;
}

interface Scratch {
  readonly fft: RealFft2d;
  readonly mask: Uint8Array;
  readonly channel: Float64Array;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** Σ M·|F| of OKLab channel c (unscaled); adds scale·∂/∂x into grad.oklab. |F| = 0 adds no gradient. */
function channelLoss(render: RenderedCells, grad: RenderedCells, c: number, scale: number, s: Scratch): number {
  const { fft, mask, channel, re, im } = s;
  const x = render.oklab, cells = mask.length;
  for (let i = 0; i < cells; i++) channel[i] = x[i * 3 + c];
  fft.forward(channel, re, im);
  let sum = 0;
  for (let k = 0; k < cells; k++) {
    const magnitude = mask[k] ? Math.sqrt(re[k] * re[k] + im[k] * im[k]) : 0;
    sum += magnitude;
    const f = magnitude > 0 ? 1 / magnitude : 0;
    re[k] *= f;
    im[k] *= f;
  }
  fft.adjointHermitian(re, im, channel);
  const g = grad.oklab;
  for (let i = 0; i < cells; i++) g[i * 3 + c] += scale * channel[i];
  return sum;
}
