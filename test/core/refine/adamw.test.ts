import { describe, expect, it } from 'vitest';
import { SD_PIXL_ADAMW, adamWStep, clipFactor, createAdamWState } from '../../../src/core/refine/adamw.js';

describe('AdamW', () => {
  it('matches a step computed by hand (torch.optim.AdamW semantics)', () => {
    const params = Float64Array.from([1, -2]);
    const state = createAdamWState(2);
    // Step 1, g = (0.5, −0.1), lr 0.1: decay p·(1 − 0.1·0.01); m̂ = g, v̂ = g², so the update is
    // lr·g/(|g| + 1e-8): 1·0.999 − 0.1·0.5/0.50000001 = 0.899000002, −2·0.999 + 0.1·0.1/0.10000001.
    adamWStep(state, params, Float64Array.from([0.5, -0.1]), 0.1, SD_PIXL_ADAMW);
    expect(params[0]).toBeCloseTo(0.899000002, 12);
    expect(params[1]).toBeCloseTo(-1.89800001, 12);
    // Step 2, g = (0.2, 0.3): m = (0.065, 0.021), v = (2.8975e-4, 9.999e-5), bias corrections 0.19, 0.001999.
    adamWStep(state, params, Float64Array.from([0.2, 0.3]), 0.1, SD_PIXL_ADAMW);
    expect(state.step).toBe(2);
    expect(state.m[0]).toBeCloseTo(0.065, 15);
    expect(state.v[1]).toBeCloseTo(9.999e-5, 15);
    expect(params[0]).toBeCloseTo(0.8082434839009282, 12);
    expect(params[1]).toBeCloseTo(-1.9455209911100655, 12);
  });

  it('gradScale scales the gradient before the moments (the clip factor)', () => {
    const a = Float64Array.from([0.3]), b = Float64Array.from([0.3]);
    const sa = createAdamWState(1), sb = createAdamWState(1);
    for (const g of [0.4, -1.2, 0.8]) {
      adamWStep(sa, a, Float64Array.from([g * 0.25]), 0.05, SD_PIXL_ADAMW);
      adamWStep(sb, b, Float64Array.from([g]), 0.05, SD_PIXL_ADAMW, 0.25);
    }
    expect(b[0]).toBe(a[0]);
  });

  it('clip factor brings the global norm down to the limit, and leaves small gradients alone', () => {
    expect(clipFactor(Float64Array.from([3, 4]), 1)).toBeCloseTo(1 / 5, 6);
    expect(clipFactor(Float64Array.from([0.3, 0.4]), 1)).toBe(1);
  });
});
