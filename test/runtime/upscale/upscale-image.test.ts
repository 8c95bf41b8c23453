import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimumPatchCalls } from '../../../src/core/diffusion/pixelsmith.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { resizeImage } from '../../../src/core/resize.js';
import { upscaleImage, type UpscaleImageOptions, type UpscaleProgress } from '../../../src/runtime/upscale/upscale-image.js';
import { planStages } from '../../../src/runtime/upscale/upscale-plan.js';
import { discSprite, hueSweepImage } from '../../fixtures/images.js';
import { loadTinyRefiner, type TinyRefiner } from './upscale-test-models.js';

const settings = { prompt: 'a cat', steps: 3, slider: 1, seed: 7 };

function options(overrides: Partial<UpscaleImageOptions> & Pick<UpscaleImageOptions, 'target'>): UpscaleImageOptions {
  return { oneStep: false, refiner: null, learned: null, refine: settings, ...overrides };
}

function alphaOf(image: RgbaImage): number[] {
  return Array.from(image.data.filter((_, i) => i % 4 === 3));
}

/** Collects streamed bands into one image, checking they come top to bottom without gaps. */
function bandCollector(width: number, height: number) {
  const image = createImage(width, height);
  let next = 0;
  return {
    image,
    onBand: (y: number, band: RgbaImage) => {
      expect(y).toBe(next);
      expect(band.width).toBe(width);
      image.data.set(band.data, y * width * 4);
      next = y + band.height;
    },
    rows: () => next,
  };
}

describe('planStages', () => {
  it.each([
    ['×2', [100, 100], [200, 200], false, [[200, 200]]],
    ['×4 as ×2 then ×2', [100, 80], [400, 320], false, [[200, 160], [400, 320]]],
    ['×4 in one step', [100, 80], [400, 320], true, [[400, 320]]],
    ['×3 as ×1.5 then ×2', [100, 100], [300, 300], false, [[150, 150], [300, 300]]],
    ['×2.5', [100, 100], [250, 250], false, [[125, 125], [250, 250]]],
    ['×8 on one axis only', [100, 100], [800, 100], false, [[200, 100], [400, 100], [800, 100]]],
    ['the same size (refine only)', [64, 64], [64, 64], false, [[64, 64]]],
    ['odd sizes', [33, 17], [132, 68], false, [[66, 34], [132, 68]]],
  ])('%s', (_, [sw, sh], [tw, th], oneStep, expected) => {
    expect(planStages({ width: sw, height: sh }, { width: tw, height: th }, oneStep as boolean).map((s) => [s.width, s.height])).toEqual(expected);
  });
});

describe('upscaleImage without a refiner', () => {
  it('is one Lanczos-3 resize straight to the target, streamed or whole', async () => {
    const source = discSprite(20, [200, 40, 90]);
    const whole = await upscaleImage(source, options({ target: { width: 80, height: 70 } }));
    const reference = resizeImage(source, 80, 70, 'lanczos3');
    expect(Buffer.from(whole!.data).equals(Buffer.from(reference.data))).toBe(true);

    const bands = bandCollector(80, 70);
    expect(await upscaleImage(source, options({ target: { width: 80, height: 70 }, onBand: bands.onBand }))).toBeNull();
    expect(bands.rows()).toBe(70);
    expect(Buffer.from(bands.image.data).equals(Buffer.from(reference.data))).toBe(true);
  });
});

describe('upscaleImage without a refiner, cancelled', () => {
  it('stops the Lanczos pass part-way, in slices, when the signal is aborted', async () => {
    const controller = new AbortController();
    const fractions: number[] = [];
    const run = upscaleImage(hueSweepImage(300, 300), options({
      target: { width: 1200, height: 1200 },
      signal: controller.signal,
      onProgress: (p) => {
        fractions.push(p.fraction);
        if (p.fraction > 0.2) controller.abort();
      },
    }));
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(Math.max(...fractions)).toBeLessThan(1);
  });
});

describe.each(['free', 'fixed'] as const)('upscaleImage with a tiny %s-size refiner', (kind) => {
  let tiny: TinyRefiner;
  beforeAll(async () => {
    tiny = await loadTinyRefiner(kind);
  });
  afterAll(async () => {
    await tiny.release();
  });

  it('refines ×2 to the exact size, keeps the upsampled alpha, and repeats for the same seed', async () => {
    const source = discSprite(21, [30, 160, 220]); // odd size: padded to multiples of 8 and cropped back
    const run = () => upscaleImage(source, options({ target: { width: 42, height: 42 }, refiner: tiny.refiner }));
    const calls0 = tiny.unetCalls();
    const first = (await run())!;
    expect([first.width, first.height]).toEqual([42, 42]);
    expect(alphaOf(first)).toEqual(alphaOf(resizeImage(source, 42, 42, 'lanczos3')));
    // 48×48 px padded = 6×6 latents: one patch per step at least.
    expect(tiny.unetCalls() - calls0).toBeGreaterThanOrEqual(minimumPatchCalls([1, 4, 6, 6], 8, settings.steps));
    const again = (await run())!;
    expect(Buffer.from(again.data).equals(Buffer.from(first.data))).toBe(true);
    const otherSeed = (await upscaleImage(source, options({ target: { width: 42, height: 42 }, refiner: tiny.refiner, refine: { ...settings, seed: 8 } })))!;
    expect(Buffer.from(otherSeed.data).equals(Buffer.from(first.data))).toBe(false);
    // It is not the plain upsampled image: the decoder made the colours.
    const lanczos = resizeImage(source, 42, 42, 'lanczos3');
    expect(Buffer.from(first.data).equals(Buffer.from(lanczos.data))).toBe(false);
  });

  it('runs ×4 as two stages with progress that only moves forward, streamed identically', async () => {
    const source = hueSweepImage(20, 12);
    const seen: UpscaleProgress[] = [];
    const whole = (await upscaleImage(source, options({ target: { width: 80, height: 48 }, refiner: tiny.refiner, onProgress: (p) => seen.push(p) })))!;
    expect([whole.width, whole.height]).toEqual([80, 48]);
    expect(whole.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true); // an opaque source stays opaque
    expect(new Set(seen.map((p) => `${p.stage}/${p.stages}`))).toEqual(new Set(['1/2', '2/2']));
    for (let i = 1; i < seen.length; i++) expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    expect(seen.at(-1)!.fraction).toBeCloseTo(1, 9);
    const last = seen.at(-1)!;
    expect(last.patchesDone).toBe(last.patchesTotal);
    // Stage sizes 40×24 and 80×48 px: 5×3 and 10×6 latents, patch 8 → 1 and 2 patches per step at least.
    expect(last.patchesTotal).toBeGreaterThanOrEqual((1 + 2) * settings.steps);
    expect(seen.some((p) => p.phase === 'refine' && p.secondsLeft !== null && p.secondsLeft >= 0)).toBe(true);

    const bands = bandCollector(80, 48);
    await upscaleImage(source, options({ target: { width: 80, height: 48 }, refiner: tiny.refiner, onBand: bands.onBand }));
    expect(bands.rows()).toBe(48);
    expect(Buffer.from(bands.image.data).equals(Buffer.from(whole.data))).toBe(true);
  });

  it('stops within one patch when cancelled, calling the UNet no more', async () => {
    const controller = new AbortController();
    const before = tiny.unetCalls();
    let patchesWhenAborted = 0;
    const run = upscaleImage(hueSweepImage(64, 64), options({
      target: { width: 128, height: 128 },
      refiner: tiny.refiner,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'refine' && p.patchesDone === 3 && !controller.signal.aborted) {
          patchesWhenAborted = tiny.unetCalls() - before;
          controller.abort();
        }
      },
    }));
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(patchesWhenAborted).toBe(3);
    expect(tiny.unetCalls() - before).toBe(3);
  });
});
