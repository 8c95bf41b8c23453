import { describe, expect, it } from 'vitest';
import { alphaBar } from '../../../src/core/diffusion/noise-schedule.js';
import { createRng } from '../../../src/core/random.js';
import { priorTimestepAt, priorTimestepWeight } from '../../../src/core/refine/prior.js';

describe('prior timestep schedule (SD-πXL bounded max)', () => {
  const draws = (iteration: number, iterations: number, n = 4000) => {
    const rng = createRng(3);
    return Array.from({ length: n }, () => priorTimestepAt(iteration, iterations, rng));
  };

  it('draws whole timesteps from 20 up to 980 at the start, 890 a quarter in, 800 from half way on', () => {
    for (const [iteration, max] of [[0, 980], [125, 890], [250, 800], [499, 800]] as const) {
      const t = draws(iteration, 500);
      expect(t.every((v) => Number.isInteger(v) && v >= 20 && v <= max)).toBe(true);
      expect(Math.min(...t)).toBeLessThan(40);
      expect(Math.max(...t)).toBeGreaterThan(max - 20);
    }
  });

  it('is deterministic for a seed', () => {
    expect(draws(10, 100, 20)).toEqual(draws(10, 100, 20));
  });

  it('weights a target as SD-πXL weights its SDS gradient: 2√(ᾱ(1−ᾱ)), at most 1, small at both ends', () => {
    for (const t of [20, 300, 500, 980]) expect(priorTimestepWeight(t)).toBeCloseTo(2 * Math.sqrt(alphaBar(t) * (1 - alphaBar(t))), 12);
    const all = Array.from({ length: 961 }, (_, i) => priorTimestepWeight(20 + i));
    expect(Math.max(...all)).toBeLessThanOrEqual(1);
    expect(Math.max(...all)).toBeGreaterThan(0.999);
    expect(priorTimestepWeight(980)).toBeLessThan(0.2);
    expect(priorTimestepWeight(20)).toBeLessThan(0.4);
  });
});
