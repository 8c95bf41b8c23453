import { describe, expect, it } from 'vitest';
import { ddimSchedule } from '../../../src/core/diffusion/ddim-schedule.js';
import { gaussianLatents, type LatentShape } from '../../../src/core/diffusion/latents.js';
import { centredOffset, padReflect, readWindowInto } from '../../../src/core/diffusion/latent-window.js';
import {
  minimumPatchCalls,
  pixelsmithRefine,
  type PatchDenoiser,
  type PixelsmithOptions,
  type PixelsmithProgress,
} from '../../../src/core/diffusion/pixelsmith.js';
import { TesseraError } from '../../../src/core/errors.js';
import { fullFrameDdim, maxAbsDiff, pointwiseConv, randomLatent } from './toy-models.js';

const MIX = [[0.8, 0.1, 0, -0.1], [0.05, 0.7, 0.1, 0], [0, -0.2, 0.9, 0.1], [0.1, 0, 0.05, 0.75]];
const BIAS = [0.02, -0.01, 0, 0.03];

/** ε̂ as a 1×1 convolution whose gain depends on the timestep, so a wrong t shows. */
function pointwiseEps(z: Float32Array, t: number, plane: number): Float32Array {
  const eps = pointwiseConv(z, MIX, BIAS, plane);
  const gain = 1 + t / 2000;
  return eps.map((v) => v * gain);
}

const pointwiseDenoiser: PatchDenoiser = async (patch, shape, t) => pointwiseEps(patch, t, shape[2] * shape[3]);

function options(shape: LatentShape, overrides: Partial<PixelsmithOptions> = {}): PixelsmithOptions {
  return {
    shape,
    guidance: randomLatent(shape[1] * shape[2] * shape[3], 99),
    steps: 4,
    slider: 0,
    patchSize: 8,
    patchShape: 'up-to',
    seed: 5,
    denoise: pointwiseDenoiser,
    ...overrides,
  };
}

/**
 * A model that knows the answer: it returns the run's shared noise ε (gaussianLatents of the
 * seed) over the patch's box, whatever the input, padded like the patch when it is padded.
 */
function oracleDenoiser(shape: LatentShape, seed: number): PatchDenoiser {
  const noise = gaussianLatents(shape, seed);
  const [, c, h, w] = shape;
  return async (patch, patchShape, _t, _signal, box) => {
    if (!box) throw new Error('the loop must say where the patch is');
    const eps = new Float32Array(c * box.height * box.width);
    readWindowInto(eps, noise, c, h, w, box);
    const [, , ph, pw] = patchShape;
    if (ph === box.height && pw === box.width) return eps;
    return padReflect(eps, c, box.height, box.width, ph, pw, centredOffset(box.height, ph), centredOffset(box.width, pw));
  };
}

const SIZES: [number, number][] = [[1, 1], [3, 5], [7, 7], [8, 8], [13, 21], [16, 9], [30, 17]];

describe('pixelsmithRefine without guidance (Slider 0)', () => {
  for (const patchShape of ['fixed', 'up-to'] as const) {
    it.each(SIZES)(`equals full-frame DDIM for a pointwise model at %i×%i latents (${patchShape})`, async (h, w) => {
      const shape: LatentShape = [1, 4, h, w];
      const shapes: string[] = [];
      const denoise: PatchDenoiser = async (patch, s, t) => {
        shapes.push(s.join('×'));
        return pointwiseEps(patch, t, s[2] * s[3]);
      };
      const result = await pixelsmithRefine(options(shape, { patchShape, denoise }));
      const expected = fullFrameDdim(gaussianLatents(shape, 5), 4, (z, t) => pointwiseEps(z, t, h * w));
      expect(maxAbsDiff(result, expected)).toBeLessThanOrEqual(1e-6);
      const modelSide = (d: number) => (patchShape === 'fixed' ? 8 : Math.min(8, d));
      expect(new Set(shapes)).toEqual(new Set([`1×4×${modelSide(h)}×${modelSide(w)}`]));
    });
  }

  it.each([0, 1, 3])('equals full-frame DDIM whatever the overlap band (%i)', async (bandWidth) => {
    const shape: LatentShape = [1, 4, 19, 26];
    const result = await pixelsmithRefine(options(shape, { bandWidth, steps: 3 }));
    const expected = fullFrameDdim(gaussianLatents(shape, 5), 3, (z, t) => pointwiseEps(z, t, 19 * 26));
    expect(maxAbsDiff(result, expected)).toBeLessThanOrEqual(1e-6);
  });

  it('never reads the guidance: NaN guidance gives the same finite result as any other', async () => {
    const shape: LatentShape = [1, 4, 12, 20];
    const a = await pixelsmithRefine(options(shape));
    const b = await pixelsmithRefine(options(shape, { guidance: new Float32Array(4 * 12 * 20).fill(Number.NaN) }));
    expect(a.every(Number.isFinite)).toBe(true);
    expect(Array.from(b)).toEqual(Array.from(a));
  });
});

describe('pixelsmithRefine with guidance', () => {
  it.each([
    [12, 20, 8, 'up-to'], [5, 3, 8, 'fixed'], [5, 3, 8, 'up-to'], [16, 16, 8, 'fixed'], [23, 9, 6, 'fixed'],
  ] as const)('returns the guidance latent when every step is guided and the model predicts the shared noise (%i×%i, patch %i, %s)', async (h, w, patchSize, patchShape) => {
    const shape: LatentShape = [1, 4, h, w], steps = 6, seed = 21;
    const guidance = randomLatent(4 * h * w, 3);
    const result = await pixelsmithRefine(options(shape, { guidance, steps, slider: steps, patchSize, patchShape, seed, denoise: oracleDenoiser(shape, seed) }));
    expect(maxAbsDiff(result, guidance)).toBeLessThan(1e-5);
  });

  it('does not return the guidance with the same model when the run is not guided (the check above is not vacuous)', async () => {
    const shape: LatentShape = [1, 4, 12, 20], seed = 21;
    const guidance = randomLatent(4 * 12 * 20, 3);
    const result = await pixelsmithRefine(options(shape, { guidance, steps: 6, slider: 0, seed, denoise: oracleDenoiser(shape, seed) }));
    expect(maxAbsDiff(result, guidance)).toBeGreaterThan(0.5);
  });

  it('pulls the result toward the guidance as the Slider grows', async () => {
    const shape: LatentShape = [1, 4, 24, 24], steps = 8;
    const guidance = randomLatent(4 * 24 * 24, 3);
    const distance = async (slider: number) => {
      const result = await pixelsmithRefine(options(shape, { guidance, steps, slider }));
      return Math.hypot(...Array.from(result, (v, i) => v - guidance[i]));
    };
    const [none, some, all] = [await distance(0), await distance(3), await distance(steps)];
    expect(some).toBeLessThan(none);
    expect(all).toBeLessThan(some);
  });

  it('depends on the guidance once guided, and gives the same result for the same seed', async () => {
    const shape: LatentShape = [1, 4, 12, 20];
    const base = options(shape, { slider: 2 });
    const a = await pixelsmithRefine(base);
    const again = await pixelsmithRefine(base);
    const otherGuidance = await pixelsmithRefine({ ...base, guidance: randomLatent(4 * 12 * 20, 100) });
    const otherSeed = await pixelsmithRefine({ ...base, seed: 6 });
    expect(Array.from(again)).toEqual(Array.from(a));
    expect(maxAbsDiff(otherGuidance, a)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(otherSeed, a)).toBeGreaterThan(1e-3);
  });
});

describe('pixelsmithRefine bookkeeping', () => {
  it('calls the model at each step\'s timestep, round by round, and reports every patch', async () => {
    const shape: LatentShape = [1, 4, 21, 30], steps = 3;
    const timesteps: number[] = [], progress: PixelsmithProgress[] = [];
    await pixelsmithRefine(options(shape, {
      steps,
      denoise: async (patch, s, t) => {
        timesteps.push(t);
        return pointwiseEps(patch, t, s[2] * s[3]);
      },
      onProgress: (p) => progress.push(p),
    }));
    const schedule = Array.from(ddimSchedule(steps).timesteps);
    expect(timesteps).toEqual([...timesteps].sort((a, b) => b - a));
    expect(new Set(timesteps)).toEqual(new Set(schedule));
    expect(progress.map((p) => p.patchesDone)).toEqual(timesteps.map((_, i) => i + 1));
    expect(progress.map((p) => schedule[p.step])).toEqual(timesteps);
    expect(progress.every((p) => p.steps === steps && p.patchesEstimate >= p.patchesDone)).toBe(true);
    expect(progress.at(-1)?.patchesEstimate).toBe(timesteps.length);
    expect(timesteps.length).toBeGreaterThanOrEqual(minimumPatchCalls(shape, 8, steps));
  });

  it('stops within one patch once cancelled: the model is not called again', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = pixelsmithRefine(options([1, 4, 30, 30], {
      signal: controller.signal,
      denoise: async (patch, s, t) => {
        if (++calls === 3) controller.abort();
        return pointwiseEps(patch, t, s[2] * s[3]);
      },
    }));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(3);
  });

  it('does not call the model at all when already cancelled', async () => {
    let calls = 0;
    const run = pixelsmithRefine(options([1, 4, 10, 10], {
      signal: AbortSignal.abort(),
      denoise: async (patch, s, t) => {
        calls++;
        return pointwiseEps(patch, t, s[2] * s[3]);
      },
    }));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(0);
  });

  it('says model-mismatch when the model returns the wrong number of values', async () => {
    const run = pixelsmithRefine(options([1, 4, 10, 10], { denoise: async () => new Float32Array(7) }));
    await expect(run).rejects.toMatchObject({ code: 'model-mismatch' });
  });

  it.each([
    ['a guidance of the wrong size', { guidance: new Float32Array(3) }],
    ['a negative Slider', { slider: -1 }],
    ['a fractional Slider', { slider: 1.5 }],
    ['zero steps', { steps: 0 }],
    ['a zero patch size', { patchSize: 0 }],
    ['a negative band', { bandWidth: -2 }],
    ['a batch of two', { shape: [2, 4, 10, 10] as LatentShape }],
  ])('refuses %s with invalid-input', async (_name, overrides) => {
    const error = await pixelsmithRefine(options([1, 4, 10, 10], overrides)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('invalid-input');
  });
});
