import { describe, expect, it } from 'vitest';
import { expNonPositive } from '../../../src/core/refine/exp.js';

describe('expNonPositive', () => {
  it('agrees with Math.exp to 1e-13 relative on [−40, 0], and is 0 below', () => {
    let worst = 0;
    for (let i = 0; i <= 40_000; i++) {
      const x = -i / 1000 - (i % 7) * 1e-5;
      if (x < -40) continue;
      worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1));
    }
    expect(worst).toBeLessThan(1e-13);
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-40.0001)).toBe(0);
    expect(expNonPositive(-Infinity)).toBe(0);
  });
});
