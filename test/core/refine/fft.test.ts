import { describe, expect, it } from 'vitest';
import { createFft2d, createFftPlan, createRealFft2d } from '../../../src/core/refine/fft.js';
import { randomArray } from './gradient-check.js';

/** The DFT by its definition, X_k = Σ_j x_j·e^{−2πi·jk/n}, O(n²). */
function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n), outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      outRe[k] += re[j] * Math.cos(a) - im[j] * Math.sin(a);
      outIm[k] += re[j] * Math.sin(a) + im[j] * Math.cos(a);
    }
  }
  return [outRe, outIm];
}

/** 2-D DFT by definition: rows then columns of the naive 1-D one. */
function naiveDft2d(re: Float64Array, im: Float64Array, width: number, height: number): [Float64Array, Float64Array] {
  const r = re.slice(), i = im.slice();
  for (let y = 0; y < height; y++) {
    const [a, b] = naiveDft(r.slice(y * width, (y + 1) * width), i.slice(y * width, (y + 1) * width));
    r.set(a, y * width);
    i.set(b, y * width);
  }
  for (let x = 0; x < width; x++) {
    const cr = Float64Array.from({ length: height }, (_, y) => r[y * width + x]);
    const ci = Float64Array.from({ length: height }, (_, y) => i[y * width + x]);
    const [a, b] = naiveDft(cr, ci);
    for (let y = 0; y < height; y++) {
      r[y * width + x] = a[y];
      i[y * width + x] = b[y];
    }
  }
  return [r, i];
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

describe('FFT', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 31, 48, 64, 100])('matches the naive DFT at length %i (radix-2 or Bluestein)', (n) => {
    const re = randomArray(n, n, -1, 1), im = randomArray(n, n + 1000, -1, 1);
    const [expectRe, expectIm] = naiveDft(re, im);
    createFftPlan(n).transform(re, im);
    expect(maxDiff(re, expectRe)).toBeLessThan(1e-10 * n);
    expect(maxDiff(im, expectIm)).toBeLessThan(1e-10 * n);
  });

  it.each([[5, 3], [4, 4], [7, 6], [1, 5], [12, 9]])('2-D matches the naive DFT at %i×%i', (w, h) => {
    const re = randomArray(w * h, w * 31 + h, -1, 1), im = randomArray(w * h, w * 37 + h, -1, 1);
    const [expectRe, expectIm] = naiveDft2d(re, im, w, h);
    createFft2d(w, h).forward(re, im);
    expect(maxDiff(re, expectRe)).toBeLessThan(1e-10 * w * h);
    expect(maxDiff(im, expectIm)).toBeLessThan(1e-10 * w * h);
  });

  it('adjoint is the conjugate transpose: ⟨F·x, y⟩ = ⟨x, Fᴴ·y⟩', () => {
    const w = 6, h = 5, n = w * h;
    const xr = randomArray(n, 1, -1, 1), xi = randomArray(n, 2, -1, 1), yr = randomArray(n, 3, -1, 1), yi = randomArray(n, 4, -1, 1);
    const fft = createFft2d(w, h);
    const fxr = xr.slice(), fxi = xi.slice();
    fft.forward(fxr, fxi);
    const ayr = yr.slice(), ayi = yi.slice();
    fft.adjoint(ayr, ayi);
    // ⟨a, b⟩ = Σ a·conj(b)
    let lRe = 0, lIm = 0, rRe = 0, rIm = 0;
    for (let i = 0; i < n; i++) {
      lRe += fxr[i] * yr[i] + fxi[i] * yi[i];
      lIm += fxi[i] * yr[i] - fxr[i] * yi[i];
      rRe += xr[i] * ayr[i] + xi[i] * ayi[i];
      rIm += xi[i] * ayr[i] - xr[i] * ayi[i];
    }
    expect(lRe).toBeCloseTo(rRe, 10);
    expect(lIm).toBeCloseTo(rIm, 10);
  });

  it.each([[64, 64], [64, 48], [5, 4], [7, 3], [9, 9], [1, 1], [2, 3]])('real 2-D transform and Hermitian adjoint agree with the complex ones at %i×%i', (w, h) => {
    const n = w * h;
    const x = randomArray(n, w + h, -1, 1);
    const re = x.slice(), im = new Float64Array(n);
    createFft2d(w, h).forward(re, im);
    const real = createRealFft2d(w, h);
    const rRe = new Float64Array(n), rIm = new Float64Array(n);
    real.forward(x, rRe, rIm);
    expect(maxDiff(rRe, re)).toBeLessThan(1e-9);
    expect(maxDiff(rIm, im)).toBeLessThan(1e-9);
    // The spectrum of a real image is conjugate-symmetric; its adjoint transform is real.
    const aRe = re.slice(), aIm = im.slice();
    createFft2d(w, h).adjoint(aRe, aIm);
    const out = new Float64Array(n);
    real.adjointHermitian(re, im, out);
    expect(maxDiff(out, aRe)).toBeLessThan(1e-8);
    expect(Math.max(...aIm.map(Math.abs))).toBeLessThan(1e-8);
  });
});
