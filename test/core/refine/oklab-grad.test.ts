import { describe, expect, it } from 'vitest';
import { linearToOklab } from '../../../src/core/color.js';
import { oklabMetricAt } from '../../../src/core/refine/oklab-grad.js';

describe('OKLab metric', () => {
  it.each([[0.5, 0.2, 0.1], [0.9, 0.9, 0.9], [0.02, 0.3, 0.6]])('JᵀJ matches the finite-difference Jacobian of linearToOklab at %f, %f, %f', (r, g, b) => {
    const h = 1e-6, rgb = [r, g, b];
    const jac: number[][] = [[], [], []]; // jac[row][col] = ∂Lab_row/∂rgb_col
    for (let col = 0; col < 3; col++) {
      const up = [...rgb], down = [...rgb];
      up[col] += h;
      down[col] -= h;
      const a = linearToOklab(up[0], up[1], up[2]), z = linearToOklab(down[0], down[1], down[2]);
      for (let row = 0; row < 3; row++) jac[row][col] = (a[row] - z[row]) / (2 * h);
    }
    const out = new Float64Array(6);
    oklabMetricAt(rgb, 0, out, 0);
    const expected: number[] = [];
    for (let p = 0; p < 3; p++) for (let q = p; q < 3; q++) expected.push(jac[0][p] * jac[0][q] + jac[1][p] * jac[1][q] + jac[2][p] * jac[2][q]);
    for (let i = 0; i < 6; i++) expect(out[i]).toBeCloseTo(expected[i], 5);
  });

  it('stays finite at black', () => {
    const out = new Float64Array(6);
    oklabMetricAt([0, 0, 0], 0, out, 0);
    expect(out.every(Number.isFinite)).toBe(true);
  });
});
