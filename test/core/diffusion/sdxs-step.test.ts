import { describe, expect, it } from 'vitest';
import { gaussianLatents } from '../../../src/core/diffusion/latents.js';
import { addNoise, alphaBar } from '../../../src/core/diffusion/noise-schedule.js';
import { finishSdxsStep, planSdxsStep, x0Coefficients } from '../../../src/core/diffusion/sdxs-step.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/random.js';

const shape = [1, 4, 8, 8] as const;
const encodedLatent = (): Float32Array => {
  const rng = createRng(5);
  return Float32Array.from({ length: 256 }, () => 2 * rng.next() - 1);
};
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('planSdxsStep', () => {
  it('strength 1 / no image: pure seeded noise at t = 999', () => {
    const plan = planSdxsStep({ seed: 42, latentShape: shape });
    expect(plan.timestep).toBe(999);
    expect(plan.imageConditioned).toBe(false);
    expect(Array.from(plan.zt)).toEqual(Array.from(gaussianLatents(shape, 42)));
    expect(Array.from(plan.noise)).toEqual(Array.from(plan.zt));
    expect(plan.zt).not.toBe(plan.noise);
    const withImage = planSdxsStep({ seed: 42, latentShape: shape, strength: 1, encoded: encodedLatent() });
    expect(withImage.imageConditioned).toBe(false);
    expect(Array.from(withImage.zt)).toEqual(Array.from(plan.zt));
  });

  it('strength < 1: the encoded latent noised to the timestep the strength implies', () => {
    const encoded = encodedLatent();
    const plan = planSdxsStep({ seed: 42, latentShape: shape, strength: 0.6, encoded });
    expect(plan.timestep).toBe(599);
    expect(plan.imageConditioned).toBe(true);
    expect(Array.from(plan.noise)).toEqual(Array.from(gaussianLatents(shape, 42))); // same noise at every strength
    expect(Array.from(plan.zt)).toEqual(Array.from(addNoise(encoded, plan.noise, 599)));
    expect(Array.from(encoded)).toEqual(Array.from(encodedLatent())); // input untouched
  });

  it('reproduces with the same seed and changes with another', () => {
    const encoded = encodedLatent();
    const a = planSdxsStep({ seed: 9, latentShape: shape, strength: 0.8, encoded });
    const b = planSdxsStep({ seed: 9, latentShape: shape, strength: 0.8, encoded });
    const c = planSdxsStep({ seed: 10, latentShape: shape, strength: 0.8, encoded });
    expect(Array.from(b.zt)).toEqual(Array.from(a.zt));
    expect(Array.from(c.zt)).not.toEqual(Array.from(a.zt));
  });

  it('rejects a wrong-sized encoded latent, a bad strength, or strength < 1 without an image', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(TesseraError);
        return (e as TesseraError).code;
      }
      return null;
    };
    expect(code(() => planSdxsStep({ seed: 1, latentShape: shape, strength: 0.5, encoded: new Float32Array(10) }))).toBe('model-mismatch');
    expect(code(() => planSdxsStep({ seed: 1, latentShape: shape, strength: 1.5 }))).toBe('invalid-input');
    expect(code(() => planSdxsStep({ seed: 1, latentShape: shape, strength: 0.5 }))).toBe('invalid-input');
  });
});

describe('finishSdxsStep (analytic UNets)', () => {
  it('a UNet that outputs zeros gives x0 = z_t / √ᾱ', () => {
    const plan = planSdxsStep({ seed: 3, latentShape: shape });
    const x0 = finishSdxsStep(plan.zt, new Float32Array(plan.zt.length), plan.timestep);
    const k = 1 / Math.sqrt(alphaBar(999));
    expect(k).toBeCloseTo(14.6488, 4);
    for (let i = 0; i < x0.length; i++) expect(x0[i]).toBeCloseTo(plan.zt[i] * k, 4);
  });

  it('a UNet that outputs exactly the added noise gives back the encoded latent', () => {
    const encoded = encodedLatent();
    for (const strength of [0.3, 0.6, 0.9, 0.999]) {
      const plan = planSdxsStep({ seed: 11, latentShape: shape, strength, encoded });
      const x0 = finishSdxsStep(plan.zt, plan.noise, plan.timestep);
      expect(maxDiff(x0, encoded)).toBeLessThan(1e-4);
    }
  });

  it('at strength 1, x0 = 14.6488·z − 14.6146·ε̂', () => {
    const plan = planSdxsStep({ seed: 3, latentShape: shape });
    const epsHat = gaussianLatents(shape, 77);
    const x0 = finishSdxsStep(plan.zt, epsHat, plan.timestep);
    const { sample, noise } = x0Coefficients(999);
    expect(sample).toBeCloseTo(14.6488, 4);
    expect(noise).toBeCloseTo(14.6146, 4);
    for (let i = 0; i < x0.length; i++) expect(x0[i]).toBeCloseTo(14.6488 * plan.zt[i] - 14.6146 * epsHat[i], 2);
  });

  it('rejects a UNet output of the wrong size', () => {
    expect(() => finishSdxsStep(new Float32Array(8), new Float32Array(4), 999)).toThrow(TesseraError);
  });
});
