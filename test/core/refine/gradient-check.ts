import { expect } from 'vitest';
import { createRng } from '../../../src/core/random.js';
import { createRefinePalette, type RefinePalette } from '../../../src/core/refine/gumbel-softmax.js';
import { createRefineTarget, type RefineTarget } from '../../../src/core/refine/target.js';
import { srgb8ToOklab, SRGB_TO_LINEAR } from '../../../src/core/color.js';

/**
 * Central finite differences of f at x, coordinate by coordinate (x is restored). Step 1e-6 in
 * float64: truncation error ~h², rounding ~1e-16/h, both far below the 1e-3 tolerance.
 */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-6): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    x[i] = v + h;
    const up = f(x);
    x[i] = v - h;
    const down = f(x);
    x[i] = v;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/**
 * Every component within relative error `tolerance` of the numeric one; components that are tiny
 * next to the largest (below 1e-7 of it) are compared absolutely, where relative error means nothing.
 */
export function expectGradientsClose(analytic: Float64Array, numeric: Float64Array, tolerance = 1e-3): void {
  expect(analytic.length).toBe(numeric.length);
  let largest = 0;
  for (const v of numeric) largest = Math.max(largest, Math.abs(v));
  expect(largest).toBeGreaterThan(0);
  let worst = 0;
  for (let i = 0; i < analytic.length; i++) {
    const a = analytic[i], n = numeric[i];
    const scale = Math.max(Math.abs(a), Math.abs(n), 1e-7 * largest);
    worst = Math.max(worst, Math.abs(a - n) / scale);
  }
  expect(worst).toBeLessThan(tolerance);
}

/** A w × h target of seeded random colours; `transparent` lists cells to leave out. */
export function randomTarget(width: number, height: number, seed: number, transparent: readonly number[] = []): RefineTarget {
  const rng = createRng(seed);
  const linear = new Float64Array(width * height * 3);
  for (let i = 0; i < linear.length; i++) linear[i] = 0.02 + 0.96 * rng.next();
  const opaque = new Uint8Array(width * height).fill(1);
  for (const i of transparent) opaque[i] = 0;
  return createRefineTarget(width, height, linear, opaque);
}

/** Palette from 8-bit sRGB triples. */
export function paletteOf(rgb: readonly (readonly [number, number, number])[]): RefinePalette {
  const oklab: number[] = [], linear: number[] = [];
  for (const [r, g, b] of rgb) {
    oklab.push(...srgb8ToOklab(r, g, b));
    linear.push(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b]);
  }
  return createRefinePalette(oklab, linear);
}

export const FOUR_COLOURS = paletteOf([[20, 12, 28], [210, 125, 44], [109, 170, 44], [222, 238, 214]]);

/** Seeded random values in [lo, hi). */
export function randomArray(length: number, seed: number, lo = 0, hi = 1): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length }, () => lo + (hi - lo) * rng.next());
}
