import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.js';
import { learningRateAt, temperatureAt } from '../../../src/core/refine/schedule.js';

describe('schedules', () => {
  it('learning rate ramps linearly over the warm-up, then holds', () => {
    expect(learningRateAt(0, 0.1, 4)).toBeCloseTo(0.025, 12);
    expect(learningRateAt(1, 0.1, 4)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(3, 0.1, 4)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(400, 0.1, 4)).toBe(0.1);
    expect(learningRateAt(0, 0.1, 0)).toBe(0.1);
  });

  it('temperature anneals geometrically from start to end within the jitter, reproducibly', () => {
    const rng = createRng(3);
    const taus = Array.from({ length: 100 }, (_, i) => temperatureAt(i, 100, 1, 0.2, 0.5, rng));
    for (let i = 0; i < 100; i++) {
      const base = 0.2 ** (i / 99);
      expect(taus[i]).toBeGreaterThanOrEqual(base * 0.5);
      expect(taus[i]).toBeLessThanOrEqual(base * 1.5);
    }
    const again = createRng(3);
    expect(Array.from({ length: 100 }, (_, i) => temperatureAt(i, 100, 1, 0.2, 0.5, again))).toEqual(taus);
    // No jitter, start = end: SD-πXL's fixed τ.
    expect(temperatureAt(7, 100, 1, 1, 0, createRng(1))).toBe(1);
  });
});
