import { describe, expect, it } from 'vitest';
import {
  SD_SCHEDULE,
  addNoise,
  alphaBar,
  ddimStep,
  leadingTimesteps,
  predictX0,
  scaledLinearSchedule,
  strengthToTimestep,
  trailingTimesteps,
} from '../../../src/core/diffusion/noise-schedule.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/random.js';

/** shared/reference/algorithms.md §5: t, ᾱ_t, √ᾱ_t, √(1−ᾱ_t), σ_t. */
const REFERENCE_TABLE: [number, number, number, number, number][] = [
  [0, 0.99915, 0.999575, 0.029155, 0.029167],
  [1, 0.99829603, 0.999148, 0.041279, 0.041314],
  [21, 0.98038075, 0.990142, 0.140069, 0.141463],
  [401, 0.42288152, 0.650293, 0.759683, 1.168216],
  [501, 0.27499907, 0.524404, 0.85147, 1.623692],
  [601, 0.15981644, 0.39977, 0.916615, 2.292854],
  [981, 0.0057755, 0.075997, 0.997108, 13.120411],
  [999, 0.0046601, 0.068265, 0.997667, 14.614641],
];

function noise(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('SD_SCHEDULE (scaled_linear 0.00085 → 0.012, T = 1000)', () => {
  it('has the betas at both ends and 1000 entries', () => {
    expect(SD_SCHEDULE.trainSteps).toBe(1000);
    expect(SD_SCHEDULE.betas).toBeInstanceOf(Float64Array);
    expect(SD_SCHEDULE.alphasCumprod).toBeInstanceOf(Float64Array);
    expect(SD_SCHEDULE.betas[0]).toBeCloseTo(0.00085, 15);
    expect(SD_SCHEDULE.betas[999]).toBeCloseTo(0.012, 15);
    for (let t = 1; t < 1000; t++) expect(SD_SCHEDULE.alphasCumprod[t]).toBeLessThan(SD_SCHEDULE.alphasCumprod[t - 1]);
  });

  it.each(REFERENCE_TABLE)('matches the reference table at t = %i', (t, abar, sqrtAbar, sqrtOneMinus, sigma) => {
    const a = alphaBar(t);
    expect(Math.abs(a - abar)).toBeLessThan(1e-8);
    expect(Math.abs(Math.sqrt(a) - sqrtAbar)).toBeLessThan(1e-6);
    expect(Math.abs(Math.sqrt(1 - a) - sqrtOneMinus)).toBeLessThan(1e-6);
    expect(Math.abs(Math.sqrt((1 - a) / a) - sigma)).toBeLessThan(1e-6);
  });

  it("gives SDXS's one-step constants at t = 999: x0 = 14.6488·z − 14.6146·ε̂", () => {
    const a = alphaBar(999);
    expect(1 / Math.sqrt(a)).toBeCloseTo(14.6488, 4);
    expect(Math.sqrt(1 - a) / Math.sqrt(a)).toBeCloseTo(14.6146, 4);
    const x0 = predictX0(Float32Array.of(1, 0), Float32Array.of(0, 1), 999);
    expect(x0[0]).toBeCloseTo(14.6488, 3);
    expect(x0[1]).toBeCloseTo(-14.6146, 3);
  });

  it('builds other scaled_linear schedules', () => {
    const s = scaledLinearSchedule({ betaStart: 0.0001, betaEnd: 0.02, trainSteps: 10 });
    expect(s.betas.length).toBe(10);
    expect(s.betas[0]).toBeCloseTo(0.0001, 15);
    expect(s.alphasCumprod[1]).toBeCloseTo((1 - s.betas[0]) * (1 - s.betas[1]), 15);
  });
});

describe('addNoise / predictX0', () => {
  it('round-trips: predictX0(addNoise(z, ε, t), ε, t) = z', () => {
    const z = noise(4 * 8 * 8, 1), eps = noise(4 * 8 * 8, 2);
    for (const t of [0, 1, 250, 499, 981, 999]) {
      const zt = addNoise(z, eps, t);
      expect(zt).not.toBe(z);
      const back = predictX0(zt, eps, t);
      let worst = 0;
      for (let i = 0; i < z.length; i++) worst = Math.max(worst, Math.abs(back[i] - z[i]));
      expect(worst).toBeLessThan(t > 900 ? 5e-5 : 1e-5); // float32 storage of z_t, amplified by 1/√ᾱ
    }
  });

  it('does not touch its inputs and mixes with √ᾱ and √(1−ᾱ)', () => {
    const z = Float32Array.of(2), eps = Float32Array.of(-1);
    const zt = addNoise(z, eps, 501);
    expect(Array.from(z)).toEqual([2]);
    expect(zt[0]).toBeCloseTo(2 * 0.524404 - 0.85147, 5);
  });

  it('ddimStep returns x̂0 on the last step and re-noises to t_prev otherwise', () => {
    const z = noise(16, 3), eps = noise(16, 4);
    const zt = addNoise(z, eps, 981);
    const last = ddimStep(zt, eps, 981, -19);
    const x0 = predictX0(zt, eps, 981);
    expect(Array.from(last)).toEqual(Array.from(x0));
    const prev = ddimStep(zt, eps, 981, 961);
    const expected = addNoise(z, eps, 961);
    for (let i = 0; i < 16; i++) expect(prev[i]).toBeCloseTo(expected[i], 4);
  });

  it('rejects timesteps outside 0..999', () => {
    expect(() => alphaBar(1000)).toThrow();
    expect(() => alphaBar(-1)).toThrow();
    expect(() => alphaBar(1.5)).toThrow();
  });
});

describe('timesteps', () => {
  it('strengthToTimestep: 1 → 999, trailing-spaced below', () => {
    expect(strengthToTimestep(1)).toBe(999);
    expect(strengthToTimestep(0.5)).toBe(499);
    expect(strengthToTimestep(0.75)).toBe(749);
    expect(strengthToTimestep(0.001)).toBe(0);
    expect(strengthToTimestep(0)).toBe(0);
    for (const bad of [-0.1, 1.01, Number.NaN]) {
      expect(() => strengthToTimestep(bad)).toThrow(TesseraError);
    }
  });

  it('leading spacing, 50 steps, offset 1: 981, 961, …, 21, 1 (Pixelsmith)', () => {
    const ts = Array.from(leadingTimesteps(50));
    expect(ts.length).toBe(50);
    expect(ts.slice(0, 3)).toEqual([981, 961, 941]);
    expect(ts.slice(-2)).toEqual([21, 1]);
    expect(ts[19]).toBe(601); // the Slider 20 boundary (algorithms.md §5)
    expect(ts[29]).toBe(401); // the Slider 30 boundary
    expect(Array.from(leadingTimesteps(4, { offset: 0 }))).toEqual([750, 500, 250, 0]);
    expect(Array.from(leadingTimesteps(3))).toEqual([667, 334, 1]);
  });

  it('trailing spacing: one step is SDXS t = 999', () => {
    expect(Array.from(trailingTimesteps(1))).toEqual([999]);
    expect(Array.from(trailingTimesteps(2))).toEqual([999, 499]);
    expect(Array.from(trailingTimesteps(3))).toEqual([999, 666, 332]);
    expect(Array.from(trailingTimesteps(4))).toEqual([999, 749, 499, 249]);
  });

  it('rejects unusable step counts', () => {
    for (const bad of [0, -1, 2.5, 1001]) expect(() => leadingTimesteps(bad)).toThrow(TesseraError);
    expect(() => trailingTimesteps(0)).toThrow(TesseraError);
  });
});
