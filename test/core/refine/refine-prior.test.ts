import { describe, expect, it } from 'vitest';
import { createPaletteMatcher, type PaletteMatcher } from '../../../src/core/palette/matcher.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { DOWNSCALERS, type CellGrid } from '../../../src/core/pixelate/downscale.js';
import { resolvePixelateOptions } from '../../../src/core/pixelate/options.js';
import { pixelateImage, pixelateImageSync, type RefineGridPreview } from '../../../src/core/pixelate/pipeline.js';
import { runSliced, runSync } from '../../../src/core/progress.js';
import type { PriorImage, RefinePrior, RefinePriorRequest } from '../../../src/core/refine/prior.js';
import { refineSteps } from '../../../src/core/refine/refine.js';
import { discSprite, hueSweepImage } from '../../fixtures/images.js';

const pico = getPreset('pico-8').palette;
const RED = 8; // PICO-8 #ff004d

function cellsOf(width: number, height: number, matcher: PaletteMatcher, src = hueSweepImage(96, 64)): { grid: CellGrid; opaque: Uint8Array } {
  const grid = runSync(DOWNSCALERS.area(src, width, height, matcher));
  return { grid, opaque: Uint8Array.from(grid.coverage, (c) => (c >= 0.5 ? 1 : 0)) };
}

/** A prior that answers every request with one flat colour, recording what it was asked. */
function flatPrior(linearRgb: readonly [number, number, number]): RefinePrior & { calls: { soft: PriorImage; request: RefinePriorRequest }[] } {
  const calls: { soft: PriorImage; request: RefinePriorRequest }[] = [];
  const prior = async (soft: PriorImage, request: RefinePriorRequest): Promise<PriorImage> => {
    calls.push({ soft: { ...soft, linear: soft.linear.slice() }, request });
    await Promise.resolve(); // answers later, as a model does
    const linear = new Float32Array(soft.width * soft.height * 3);
    for (let i = 0; i < linear.length; i += 3) linear.set(linearRgb, i);
    return { width: soft.width, height: soft.height, linear };
  };
  return Object.assign(prior, { calls });
}

describe('refine with a diffusion prior', () => {
  const matcher = createPaletteMatcher(pico);
  const { grid, opaque } = cellsOf(24, 16, matcher);
  const red = [matcher.linear[RED * 3], matcher.linear[RED * 3 + 1], matcher.linear[RED * 3 + 2]] as const;

  it('a heavy prior whose target is one palette colour turns every cell that colour', async () => {
    const prior = flatPrior(red);
    // Every colour a candidate everywhere, a fast learning rate (Adam moves a logit about lr per
    // step), and a milder anneal: at τ 0.2 a cell saturated on a far colour gets a vanishing gradient.
    const fast = { iterations: 300, candidates: 16, learningRate: 0.3, tauEnd: 0.5 };
    const out = await runSliced(refineSteps(grid, opaque, matcher, { ...fast, prior, priorWeight: 1e4, priorEvery: 5 }));
    expect(Array.from(out).every((v) => v === RED)).toBe(true);
    const plain = runSync(refineSteps(grid, opaque, matcher, fast));
    expect(Array.from(plain).filter((v) => v === RED).length).toBeLessThan(plain.length / 2); // the pull did it, not the picture
  });

  it('asks every priorEvery iterations from the first, with the soft grid image and a seeded request; same seed, same requests', async () => {
    const ask = async () => {
      const prior = flatPrior(red);
      const out = await runSliced(refineSteps(grid, opaque, matcher, { iterations: 40, seed: 9, prior, priorWeight: 0.5, priorEvery: 10 }));
      return { out, calls: prior.calls };
    };
    const a = await ask(), b = await ask();
    expect(a.calls.map((c) => c.request.iteration)).toEqual([0, 10, 20, 30]);
    for (const { soft, request } of a.calls) {
      expect([soft.width, soft.height, soft.linear.length]).toEqual([24, 16, 24 * 16 * 3]);
      expect(soft.linear.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(request.iterations).toBe(40);
      expect(Number.isInteger(request.seed) && request.seed >= 0 && request.seed < 2 ** 32).toBe(true);
      expect(request.timestep >= 20 && request.timestep <= 980).toBe(true);
    }
    expect(new Set(a.calls.map((c) => c.request.seed)).size).toBe(4);
    expect(b.calls.map((c) => c.request)).toEqual(a.calls.map((c) => c.request));
    expect(b.out).toEqual(a.out);
    // The first soft image is the starting logits' softmax: close to the cells' own colours.
    let err = 0;
    for (let i = 0; i < grid.linear.length; i++) err += Math.abs(a.calls[0].soft.linear[i] - Math.min(1, Math.max(0, grid.linear[i])));
    expect(err / grid.linear.length).toBeLessThan(0.1);
  });

  it('weight 0 is exactly Refine without a prior (same seed), and never calls the model', async () => {
    const prior = flatPrior(red);
    const withZero = await runSliced(refineSteps(grid, opaque, matcher, { iterations: 60, seed: 4, prior, priorWeight: 0 }));
    expect(withZero).toEqual(runSync(refineSteps(grid, opaque, matcher, { iterations: 60, seed: 4 })));
    expect(prior.calls).toHaveLength(0);
  });

  it('a small weight moves the result only a little toward the target', async () => {
    const plain = runSync(refineSteps(grid, opaque, matcher, { iterations: 100, seed: 2 }));
    const light = await runSliced(refineSteps(grid, opaque, matcher, { iterations: 100, seed: 2, prior: flatPrior(red), priorWeight: 0.05 }));
    const changed = plain.reduce((n, v, i) => n + (v !== light[i] ? 1 : 0), 0);
    expect(changed).toBeLessThan(plain.length / 4);
  });

  it('cannot run synchronously, and a failing prior fails the run', async () => {
    expect(() => runSync(refineSteps(grid, opaque, matcher, { iterations: 10, prior: flatPrior(red) }))).toThrow(expect.objectContaining({ code: 'internal' }));
    const wrongSize: RefinePrior = async () => ({ width: 2, height: 2, linear: new Float32Array(12) });
    await expect(runSliced(refineSteps(grid, opaque, matcher, { iterations: 10, prior: wrongSize }))).rejects.toMatchObject({ code: 'internal' });
  });
});

describe('pixelate pipeline with Refine hooks', () => {
  const src = discSprite(48, [40, 160, 220]);
  const options = (prior: boolean) =>
    resolvePixelateOptions({
      grid: { kind: 'exact', width: 12, height: 12 },
      palette: { kind: 'fixed', palette: pico },
      output: 'grid',
      seed: 3,
      refine: { iterations: 60, faithfulness: 0.5, prior: prior ? { weight: 100, every: 5 } : null },
    });

  it('passes the prior through to Refine; transparent cells stay transparent', async () => {
    const matcher = createPaletteMatcher(pico);
    const LAVENDER = 13; // among the disc's candidate colours, but not its nearest
    const prior = flatPrior([matcher.linear[LAVENDER * 3], matcher.linear[LAVENDER * 3 + 1], matcher.linear[LAVENDER * 3 + 2]]);
    const withPrior = await pixelateImage(src, options(true), { refinePrior: prior });
    const without = pixelateImageSync(src, options(false));
    expect(prior.calls.length).toBe(12); // 60 iterations, every 5
    expect(withPrior.indices.map((v) => (v < 0 ? -1 : 0))).toEqual(without.indices.map((v) => (v < 0 ? -1 : 0)));
    const opaqueCells = without.indices.filter((v) => v >= 0).length;
    const count = (indices: Int16Array) => indices.filter((v) => v === LAVENDER).length;
    expect(count(without.indices)).toBeLessThan(opaqueCells / 4);
    expect(count(withPrior.indices)).toBeGreaterThan(opaqueCells / 2);
  });

  it('refuses the prior setting without a model, and a synchronous run with one', async () => {
    await expect(pixelateImage(src, options(true))).rejects.toMatchObject({ code: 'invalid-input' });
    expect(() => pixelateImageSync(src, options(true), { refinePrior: flatPrior([0, 0, 0]) })).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(() => resolvePixelateOptions({ ...options(false), refine: { iterations: 10, faithfulness: 0.5, prior: { weight: -1, every: 5 } } })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => resolvePixelateOptions({ ...options(false), refine: { iterations: 10, faithfulness: 0.5, prior: { weight: 1, every: 0 } } })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('previews Refine as grid images of palette colours, the last one the result before cleanup', () => {
    const previews: RefineGridPreview[] = [];
    const result = pixelateImageSync(src, options(false), { onRefinePreview: (p) => previews.push(p) });
    expect(previews.map((p) => p.iteration)).toEqual([25, 50, 60]);
    expect(previews.every((p) => p.iterations === 60 && p.grid.width === 12 && p.grid.height === 12)).toBe(true);
    expect(previews[2].grid.data).toEqual(result.grid.data);
    expect(previews[0].grid).not.toBe(previews[1].grid);
  });
});
