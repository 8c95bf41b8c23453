import { describe, expect, it } from 'vitest';
import { linearToOklab, type Vec3 } from '../../../src/core/color.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { measureQuality } from '../../../src/core/metrics.js';
import { createPaletteMatcher, type PaletteMatcher } from '../../../src/core/palette/matcher.js';
import { createPalette, type Palette } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import type { Ditherer } from '../../../src/core/pixelate/dither.js';
import { DOWNSCALERS, type CellGrid } from '../../../src/core/pixelate/downscale.js';
import { resolvePixelateOptions } from '../../../src/core/pixelate/options.js';
import { pixelateImageSync } from '../../../src/core/pixelate/pipeline.js';
import { runSync, type Progress } from '../../../src/core/progress.js';
import { refineSteps, resolveRefineOptions, weightsForFaithfulness, type RefinePreview } from '../../../src/core/refine/refine.js';
import { discSprite, horizontalGradient, hueSweepImage } from '../../fixtures/images.js';

const pico = getPreset('pico-8').palette;

function cellsOf(src: RgbaImage, width: number, height: number, matcher: PaletteMatcher): { grid: CellGrid; opaque: Uint8Array } {
  const grid = runSync(DOWNSCALERS.area(src, width, height, matcher));
  const opaque = Uint8Array.from(grid.coverage, (c) => (c >= 0.5 ? 1 : 0));
  return { grid, opaque };
}

function render(indices: Int16Array, width: number, height: number, palette: Palette): RgbaImage {
  const img = createImage(width, height);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] < 0) continue;
    img.data.set([...palette.rgb.subarray(indices[i] * 3, indices[i] * 3 + 3), 255], i * 4);
  }
  return img;
}

describe('refine', () => {
  const matcher = createPaletteMatcher(pico);
  const { grid, opaque } = cellsOf(hueSweepImage(96, 64), 24, 16, matcher);

  it('has the shape of a Ditherer', () => {
    const refine: Ditherer = (g, o, m) => refineSteps(g, o, m, { iterations: 5 });
    const out = runSync(refine(grid, opaque, matcher, 1));
    expect(out).toBeInstanceOf(Int16Array);
    expect(out.length).toBe(24 * 16);
  });

  it('is deterministic for a seed, and the seed matters', () => {
    const run = (seed: number) => runSync(refineSteps(grid, opaque, matcher, { iterations: 60, seed }));
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('returns palette indices only, and -1 exactly where cells are transparent', () => {
    const sprite = cellsOf(discSprite(64, [200, 40, 90]), 16, 16, matcher);
    expect(sprite.opaque.some((v) => v === 0) && sprite.opaque.some((v) => v === 1)).toBe(true);
    const out = runSync(refineSteps(sprite.grid, sprite.opaque, matcher, { iterations: 80 }));
    for (let i = 0; i < out.length; i++) {
      if (sprite.opaque[i]) expect(out[i] >= 0 && out[i] < matcher.size).toBe(true);
      else expect(out[i]).toBe(-1);
    }
  });

  it('starts from nearest mapping: 0 iterations give each cell its nearest colour in OKLab', () => {
    const out = runSync(refineSteps(grid, opaque, matcher, { iterations: 0 }));
    const lab: Vec3 = [0, 0, 0];
    for (let i = 0; i < out.length; i++) {
      const l = [grid.linear[i * 3], grid.linear[i * 3 + 1], grid.linear[i * 3 + 2]].map((v) => Math.min(1, Math.max(0, v)));
      const expected = matcher.nearestOklab(...linearToOklab(l[0], l[1], l[2], lab));
      expect(out[i]).toBe(expected);
    }
  });

  it('yields refine-stage progress once per iteration, and previews the argmax every previewEvery iterations', () => {
    const previews: RefinePreview[] = [];
    const progress: Progress[] = [];
    const steps = refineSteps(grid, opaque, matcher, { iterations: 30, previewEvery: 10, onPreview: (p) => previews.push({ ...p, indices: p.indices.slice() }) });
    const out = runSync(steps, { onProgress: (p) => progress.push(p) });
    expect(previews.map((p) => p.iteration)).toEqual([10, 20, 30]);
    expect(previews[2].indices).toEqual(out);
    expect(previews.every((p) => p.iterations === 30 && Number.isFinite(p.loss))).toBe(true);
    expect(progress.every((p) => p.stage === 'refine')).toBe(true);
    expect(progress.at(-1)?.fraction).toBe(1);
  });

  it('handles the edge cases: every cell transparent, a 1×1 grid, a one-colour palette', () => {
    const none = runSync(refineSteps(grid, new Uint8Array(24 * 16), matcher, { iterations: 20 }));
    expect(none.every((v) => v === -1)).toBe(true);
    const one = cellsOf(hueSweepImage(4, 4), 1, 1, matcher);
    expect(runSync(refineSteps(one.grid, one.opaque, matcher, { iterations: 20 }))).toEqual(Int16Array.from([matcher.nearestLinear(one.grid.linear[0], one.grid.linear[1], one.grid.linear[2])]));
    const mono = createPaletteMatcher(createPalette('one', [90, 60, 30]));
    expect(runSync(refineSteps(grid, opaque, mono, { iterations: 20 })).every((v) => v === 0)).toBe(true);
    expect(() => runSync(refineSteps(grid, new Uint8Array(5), matcher))).toThrow(TesseraError);
  });

  it('rejects bad options with invalid-input', () => {
    for (const bad of [{ iterations: -1 }, { faithfulness: 2 }, { learningRate: Number.NaN }, { candidates: 0 }, { tauEnd: 0 }, { seed: 1.5 }]) {
      expect(() => resolveRefineOptions(bad)).toThrow(TesseraError);
    }
  });

  it('maps faithfulness onto the weights: more faithful, less smoothing; explicit weights win', () => {
    const drawn = weightsForFaithfulness(0), faithful = weightsForFaithfulness(1);
    expect(drawn.fft).toBeGreaterThan(faithful.fft);
    expect(drawn.tv).toBeGreaterThan(faithful.tv);
    expect(faithful.blurred).toBeGreaterThan(drawn.blurred);
    const o = resolveRefineOptions({ faithfulness: 0.3, tvWeight: 0.5 });
    expect(o.tvWeight).toBe(0.5);
    expect(o.fftWeight).toBe(weightsForFaithfulness(0.3).fft);
  });
});

describe('refine quality on a smooth gradient between two palette colours', () => {
  // Dark blue → orange, with black and white in the palette too.
  const palette = createPalette('four', [29, 43, 83, 255, 163, 0, 0, 0, 0, 255, 241, 232]);
  const src = horizontalGradient(256, 64, [29, 43, 83], [255, 163, 0]);
  const base = { grid: { kind: 'exact' as const, width: 64, height: 16 }, palette: { kind: 'fixed' as const, palette }, output: 'grid' as const };
  const nearest = measureQuality(src, pixelateImageSync(src, resolvePixelateOptions({ ...base, dither: 'none' })).grid);
  const floyd = measureQuality(src, pixelateImageSync(src, resolvePixelateOptions({ ...base, dither: 'floyd-steinberg' })).grid);
  const matcher = createPaletteMatcher(palette);
  const { grid, opaque } = cellsOf(src, 64, 16, matcher);
  const refined = measureQuality(src, render(runSync(refineSteps(grid, opaque, matcher)), 64, 16, palette));

  it('has a lower blurred ΔE than nearest mapping (it dithers where nearest bands)', () => {
    expect(refined.blurredDeltaE).toBeLessThan(0.75 * nearest.blurredDeltaE);
  });

  it('leaves fewer orphan pixels than Floyd–Steinberg', () => {
    expect(refined.orphanRate).toBeLessThan(0.6 * floyd.orphanRate);
  });

  it('keeps plain ΔE between nearest mapping’s and Floyd–Steinberg’s', () => {
    expect(refined.deltaE).toBeLessThan(floyd.deltaE);
    expect(refined.deltaE).toBeGreaterThanOrEqual(nearest.deltaE);
  });
});
