import { createRealFft2d } from '../refine/fft.js';

/**
 * Pixelsmith's Fourier fusion (algorithms.md §2.6), per channel over a height × width patch:
 * F_z = fft2(z), F_g = fft2(g); keep |F_z| and take the circular mean of the two phases,
 * φ = arg(e^{iφ_z} + e^{iφ_g}); z' = ifft2(|F_z|·e^{iφ}). Pixelsmith uses rfft2/irfft2 with
 * norm 'ortho'; the normalisation cancels in forward-then-inverse, and the full Hermitian spectrum
 * used here also handles odd widths, where irfft2 without an explicit size would not.
 * Where the two phasors cancel (opposite phases) the circular mean is undefined and the patch
 * keeps its own phase. This case is not rare: the DC coefficient (and the Nyquist ones of even
 * sizes) is real, so it cancels whenever the patch mean and the guidance mean differ in sign.
 * Torch's result there hangs on a 1e-16 rounding residue (angle of e^{iπ} + 1 is π/2, then
 * irfft2 drops the imaginary part); keeping z's phase preserves the amplitude, the Hermitian
 * symmetry and fuse(−z, −g) = −fuse(z, g). A zero guidance coefficient has phase 0 (torch.angle).
 */
export interface PhaseFusion {
  readonly height: number;
  readonly width: number;
  /** z ← fuse(z, g) for each of `channels` planes; z and g hold channels × height × width values. */
  fuseInto(z: Float32Array, g: Float32Array, channels: number): void;
}

export function createPhaseFusion(height: number, width: number): PhaseFusion {
  const fft = createRealFft2d(width, height);
  const n = width * height;
  const x = new Float64Array(n), out = new Float64Array(n);
  const zRe = new Float64Array(n), zIm = new Float64Array(n);
  const gRe = new Float64Array(n), gIm = new Float64Array(n);
  const fuseInto = (z: Float32Array, g: Float32Array, channels: number): void => {
    for (let c = 0; c < channels; c++) {
      const o = c * n;
      for (let i = 0; i < n; i++) x[i] = z[o + i];
      fft.forward(x, zRe, zIm);
      for (let i = 0; i < n; i++) x[i] = g[o + i];
      fft.forward(x, gRe, gIm);
      mixPhasesInto(zRe, zIm, gRe, gIm);
      fft.adjointHermitian(zRe, zIm, out);
      for (let i = 0; i < n; i++) z[o + i] = out[i] / n;
    }
  };
  return { height, width, fuseInto };
}

/** |e^{iφ_z} + e^{iφ_g}| below this counts as cancelled: real coefficients carry ~1e-16 of imaginary rounding. */
const CANCELLED = 1e-9;

/** (re, im) ← |F_z|·e^{i·arg(e^{iφ_z} + e^{iφ_g})}, coefficient by coefficient (no Math.hypot: it is slow in V8). */
function mixPhasesInto(re: Float64Array, im: Float64Array, gRe: Float64Array, gIm: Float64Array): void {
  for (let i = 0; i < re.length; i++) {
    const amplitude = Math.sqrt(re[i] * re[i] + im[i] * im[i]);
    let ur = 1, ui = 0;
    if (amplitude > 0) {
      ur = re[i] / amplitude;
      ui = im[i] / amplitude;
    }
    const ga = Math.sqrt(gRe[i] * gRe[i] + gIm[i] * gIm[i]);
    if (ga > 0) {
      ur += gRe[i] / ga;
      ui += gIm[i] / ga;
    } else {
      ur += 1;
    }
    const s = Math.sqrt(ur * ur + ui * ui);
    if (s > CANCELLED) {
      re[i] = (amplitude * ur) / s;
      im[i] = (amplitude * ui) / s;
    }
  }
}
