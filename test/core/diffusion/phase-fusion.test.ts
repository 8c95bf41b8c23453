import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPhaseFusion } from '../../../src/core/diffusion/phase-fusion.js';
import { createRealFft2d } from '../../../src/core/refine/fft.js';
import { maxAbsDiff, randomLatent } from './toy-models.js';

/** The 2-D DFT by definition (sign −1 forward, +1 inverse, unnormalised). */
function naiveDft2d(re: Float64Array, im: Float64Array, h: number, w: number, sign: number): [Float64Array, Float64Array] {
  const outRe = new Float64Array(h * w), outIm = new Float64Array(h * w);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      let sr = 0, si = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const a = sign * 2 * Math.PI * (((v * y) % h) / h + ((u * x) % w) / w);
          const c = Math.cos(a), s = Math.sin(a), i = y * w + x;
          sr += re[i] * c - im[i] * s;
          si += re[i] * s + im[i] * c;
        }
      }
      outRe[v * w + u] = sr;
      outIm[v * w + u] = si;
    }
  }
  return [outRe, outIm];
}

/**
 * algorithms.md §2.6 literally: |F_z|·exp(i·atan2(sin φz + sin φg, cos φz + cos φg)), inverse, real
 * part; where the phasors cancel (real coefficients of opposite signs) z keeps its phase.
 */
function referenceFusion(z: Float32Array, g: Float32Array, h: number, w: number): Float64Array {
  const n = h * w;
  const [zr, zi] = naiveDft2d(Float64Array.from(z), new Float64Array(n), h, w, -1);
  const [gr, gi] = naiveDft2d(Float64Array.from(g), new Float64Array(n), h, w, -1);
  const mr = new Float64Array(n), mi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pz = Math.atan2(zi[i], zr[i]), pg = Math.atan2(gi[i], gr[i]);
    const sin = Math.sin(pz) + Math.sin(pg), cos = Math.cos(pz) + Math.cos(pg);
    const phase = Math.hypot(sin, cos) < 1e-9 ? pz : Math.atan2(sin, cos);
    const amplitude = Math.hypot(zr[i], zi[i]);
    mr[i] = amplitude * Math.cos(phase);
    mi[i] = amplitude * Math.sin(phase);
  }
  const [out] = naiveDft2d(mr, mi, h, w, 1);
  return out.map((v) => v / n);
}

function amplitudes(x: ArrayLike<number>, h: number, w: number): Float64Array {
  const re = new Float64Array(h * w), im = new Float64Array(h * w);
  createRealFft2d(w, h).forward(Float64Array.from(x), re, im);
  return re.map((r, i) => Math.hypot(r, im[i]));
}

const sizes = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }));

describe('the real 2-D FFT the fusion uses', () => {
  it('round-trips: the Hermitian inverse of the forward transform, over n, is the input', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 1e6 }), ([h, w], seed) => {
        const x = Float64Array.from(randomLatent(h * w, seed));
        const re = new Float64Array(h * w), im = new Float64Array(h * w), back = new Float64Array(h * w);
        const fft = createRealFft2d(w, h);
        fft.forward(x, re, im);
        fft.adjointHermitian(re, im, back);
        expect(maxAbsDiff(back.map((v) => v / (h * w)), x)).toBeLessThan(1e-12);
      }),
    );
  });
});

describe('createPhaseFusion', () => {
  it('matches the formula computed with a naive DFT, for even and odd sizes', () => {
    for (const [h, w] of [[4, 4], [5, 3], [6, 7], [1, 8], [2, 2], [1, 1]]) {
      const channels = 2;
      const z = randomLatent(channels * h * w, h * 10 + w), g = randomLatent(channels * h * w, h * 10 + w + 500);
      const fused = z.slice();
      createPhaseFusion(h, w).fuseInto(fused, g, channels);
      for (let c = 0; c < channels; c++) {
        const plane = (a: Float32Array) => a.subarray(c * h * w, (c + 1) * h * w);
        expect(maxAbsDiff(plane(fused), referenceFusion(plane(z), plane(g), h, w))).toBeLessThan(1e-5);
      }
    }
  });

  it("keeps the patch's amplitude spectrum", () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 1e6 }), ([h, w], seed) => {
        const z = randomLatent(h * w, seed), g = randomLatent(h * w, seed + 1, 3);
        const fused = z.slice();
        createPhaseFusion(h, w).fuseInto(fused, g, 1);
        expect(maxAbsDiff(amplitudes(fused, h, w), amplitudes(z, h, w))).toBeLessThan(1e-4);
      }),
    );
  });

  it('is the identity when fusing a patch with itself or with a positive multiple of it', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 1e6 }), fc.double({ min: 0.01, max: 100, noNaN: true }), ([h, w], seed, k) => {
        const z = randomLatent(4 * h * w, seed);
        const same = z.slice(), scaled = z.slice();
        const fusion = createPhaseFusion(h, w);
        fusion.fuseInto(same, z, 4);
        fusion.fuseInto(scaled, z.map((v) => v * k), 4);
        expect(maxAbsDiff(same, z)).toBeLessThan(1e-5);
        expect(maxAbsDiff(scaled, z)).toBeLessThan(1e-5);
      }),
    );
  });

  it("moves the patch toward the guidance's phase: fused is closer to g than z is (same amplitudes)", () => {
    const h = 8, w = 8;
    const z = randomLatent(h * w, 1), g = randomLatent(h * w, 2);
    const fused = z.slice();
    createPhaseFusion(h, w).fuseInto(fused, g, 1);
    const distance = (a: ArrayLike<number>) => Math.hypot(...Array.from(a, (v, i) => v - g[i]));
    expect(distance(fused)).toBeLessThan(distance(z));
  });

  it('keeps the patch phase where the phasors cancel, so that fuse(−z, −g) = −fuse(z, g)', () => {
    // 1×1: z = −2 (phase π), g = 3 (phase 0): the phasors cancel, z stays.
    const z = Float32Array.of(-2);
    createPhaseFusion(1, 1).fuseInto(z, Float32Array.of(3), 1);
    expect(z[0]).toBe(-2);
    // A patch whose mean is negative and guidance whose mean is positive: the DC coefficients cancel.
    fc.assert(
      fc.property(sizes, fc.integer({ min: 0, max: 1e6 }), ([h, w], seed) => {
        const zp = randomLatent(h * w, seed).map((v) => v - 2), g = randomLatent(h * w, seed + 7).map((v) => v + 2);
        const a = zp.slice(), b = zp.map((v) => -v);
        const fusion = createPhaseFusion(h, w);
        fusion.fuseInto(a, g, 1);
        fusion.fuseInto(b, g.map((v) => -v), 1);
        expect(maxAbsDiff(a, b.map((v) => -v))).toBeLessThan(1e-5);
        expect(maxAbsDiff(amplitudes(a, h, w), amplitudes(zp, h, w))).toBeLessThan(1e-4);
      }),
    );
  });
});
