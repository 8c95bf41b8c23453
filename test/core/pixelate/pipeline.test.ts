import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage } from '../../../src/core/image.js';
import { meanDeltaE, gaussianBlur, orphanRate } from '../../../src/core/metrics.js';
import { createPalette, paletteToHex } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { DITHER_METHODS, DOWNSCALE_METHODS, resolvePixelateOptions, type PixelateOptions } from '../../../src/core/pixelate/options.js';
import { pixelateImage, pixelateImageSync } from '../../../src/core/pixelate/pipeline.js';
import { resizeImage } from '../../../src/core/resize.js';
import { colourSet, discSprite, horizontalGradient, hueSweepImage, noiseImage, pixelAt, solidImage } from '../../fixtures/images.js';

const pico = getPreset('pico-8').palette;
const picoSet = new Set(paletteToHex(pico).map((h) => parseInt(h.slice(1), 16)));
const options = (patch: Partial<PixelateOptions> = {}) =>
  resolvePixelateOptions({ grid: { kind: 'longest', cells: 16 }, palette: { kind: 'fixed', palette: pico }, ...patch });

describe('pixelate: what the artist gets', () => {
  it.each(DITHER_METHODS.flatMap((d) => DOWNSCALE_METHODS.map((s) => [d, s] as const)))(
    '%s + %s: only palette colours, binary alpha, source untouched',
    (dither, downscale) => {
      const src = hueSweepImage(97, 61);
      const before = new Uint8ClampedArray(src.data);
      const r = pixelateImageSync(src, options({ dither, downscale }));
      const { colours, binaryAlpha } = colourSet(r.image);
      expect(binaryAlpha).toBe(true);
      for (const c of colours) expect(picoSet.has(c)).toBe(true);
      expect([r.image.width, r.image.height]).toEqual([97, 61]);
      expect([r.grid.width, r.grid.height]).toEqual([16, 10]);
      expect(src.data).toEqual(before);
    },
  );

  it('draws each cell as one uniform block of the original size, laid out on the grid', () => {
    const src = noiseImage(50, 30, 4);
    const r = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 5, height: 3 } }));
    for (let y = 0; y < 30; y++) for (let x = 0; x < 50; x++) expect(pixelAt(r.image, x, y)).toEqual(pixelAt(r.grid, Math.floor(x / 10), Math.floor(y / 10)));
  });

  it('writes one pixel per cell for output "grid" and N px per cell for a number', () => {
    const src = hueSweepImage(64, 64);
    expect(pixelateImageSync(src, options({ output: 'grid' })).image.width).toBe(16);
    const big = pixelateImageSync(src, options({ output: 3 }));
    expect([big.image.width, big.image.height]).toEqual([48, 48]);
    expect(pixelAt(big.image, 5, 4)).toEqual(pixelAt(big.grid, 1, 1));
  });

  it('is deterministic: same input, options and seed give identical bytes', () => {
    const src = hueSweepImage(80, 80);
    for (const dither of DITHER_METHODS) {
      const o = options({ dither, palette: { kind: 'extract', colors: 8 }, seed: 9 });
      expect(pixelateImageSync(src, o).image.data).toEqual(pixelateImageSync(src, o).image.data);
    }
  });

  it('maps flat areas of a palette colour to exactly that colour', () => {
    const r = pixelateImageSync(solidImage(32, 32, [0x29, 0xad, 0xff, 255]), options({ dither: 'floyd-steinberg' }));
    expect(colourSet(r.image).colours).toEqual(new Set([0x29adff]));
  });

  it('dithering keeps the tone of a gradient better than nearest mapping (blurred ΔE)', () => {
    const src = horizontalGradient(128, 16, [0x1d, 0x2b, 0x53], [0xff, 0xf1, 0xe8]);
    const grid = (dither: PixelateOptions['dither']) =>
      pixelateImageSync(src, options({ grid: { kind: 'exact', width: 128, height: 16 }, dither, output: 'grid' })).grid;
    const reference = gaussianBlur(src, 1);
    const none = meanDeltaE(reference, gaussianBlur(grid('none'), 1));
    for (const d of ['bayer2', 'bayer4', 'bayer8', 'floyd-steinberg', 'atkinson'] as const) {
      expect(meanDeltaE(reference, gaussianBlur(grid(d), 1))).toBeLessThan(none);
    }
  });

  it('dither strength 0 is plain nearest mapping', () => {
    const src = hueSweepImage(64, 64);
    const plain = pixelateImageSync(src, options({ dither: 'none' })).indices;
    expect(pixelateImageSync(src, options({ dither: 'bayer4', ditherStrength: 0 })).indices).toEqual(plain);
    expect(pixelateImageSync(src, options({ dither: 'atkinson', ditherStrength: 0 })).indices).toEqual(plain);
  });
});

describe('pixelate: alpha', () => {
  it('makes a cell opaque when its coverage reaches the threshold, and never dithers alpha', () => {
    const src = createImage(4, 1);
    // Cell 0: coverage 0.5 exactly; cell 1: 0.498.
    src.data.set([255, 0, 77, 255, 255, 0, 77, 0, 255, 0, 77, 254, 255, 0, 77, 0]);
    const r = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 2, height: 1 }, output: 'grid' }));
    expect(pixelAt(r.grid, 0, 0)).toEqual([255, 0, 77, 255]);
    expect(pixelAt(r.grid, 1, 0)[3]).toBe(0);
    expect([...r.indices]).toEqual([8, -1]);
  });

  it('keeps transparent colour out of opaque cells (no dark fringe around a sprite)', () => {
    const sprite = discSprite(64, [0xff, 0xec, 0x27]);
    for (const dither of DITHER_METHODS) {
      const r = pixelateImageSync(sprite, options({ dither, output: 'grid' }));
      expect(colourSet(r.grid).colours).toEqual(new Set([0xffec27]));
    }
  });

  it('honours the threshold: higher threshold, fewer opaque cells', () => {
    const sprite = discSprite(64, [0, 0, 0]);
    const count = (t: number) => [...pixelateImageSync(sprite, options({ alphaThreshold: t })).indices].filter((i) => i >= 0).length;
    expect(count(0.9)).toBeLessThan(count(0.5));
    expect(count(0.5)).toBeLessThan(count(0.1));
  });

  it('refuses a completely transparent image', () => {
    expect(() => pixelateImageSync(createImage(8, 8), options())).toThrowError(TesseraError);
  });
});

describe('pixelate: downscale methods', () => {
  it('dominant never invents a colour: cells take the most common palette colour of their pixels', () => {
    const src = createImage(4, 4);
    for (let i = 0; i < 16; i++) src.data.set(i % 4 === 3 ? [0, 0, 0, 255] : [0xff, 0x00, 0x4d, 255], i * 4);
    const r = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 1, height: 1 }, downscale: 'dominant', output: 'grid' }));
    expect(pixelAt(r.grid, 0, 0)).toEqual([0xff, 0x00, 0x4d, 255]);
  });

  it('k-centroid keeps the colour that fills most of a cell, where area mixes it', () => {
    // 8×8 cell: 5 columns of black outline, 3 of white.
    const src = createImage(8, 8);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) src.data.set(x < 5 ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * 8 + x) * 4);
    const gray = createPalette('greys', [0, 0, 0, 128, 128, 128, 170, 170, 170, 255, 255, 255]);
    const run = (downscale: PixelateOptions['downscale']) =>
      pixelateImageSync(src, options({ grid: { kind: 'exact', width: 1, height: 1 }, palette: { kind: 'fixed', palette: gray }, downscale, output: 'grid' }));
    expect(pixelAt(run('kcentroid').grid, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(pixelAt(run('area').grid, 0, 0)).not.toEqual([0, 0, 0, 255]);
  });
});

describe('pixelate: cleanup', () => {
  it('removes orphan cells and lowers the orphan-pixel rate', () => {
    const src = resizeImage(noiseImage(24, 24, 8), 96, 96, 'lanczos3');
    const noisy = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 48, height: 48 }, dither: 'floyd-steinberg', output: 'grid' }));
    const clean = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 48, height: 48 }, dither: 'floyd-steinberg', output: 'grid', cleanup: true }));
    expect(orphanRate(clean.grid)).toBeLessThan(orphanRate(noisy.grid) * 0.5);
  });

  it('leaves a lone detail on a transparent background alone', () => {
    const src = createImage(9, 9);
    src.data.set([255, 255, 255, 255], (4 * 9 + 4) * 4);
    const r = pixelateImageSync(src, options({ grid: { kind: 'exact', width: 9, height: 9 }, cleanup: true, output: 'grid' }));
    expect(pixelAt(r.grid, 4, 4)).toEqual([255, 241, 232, 255]);
  });
});

describe('pixelate: long jobs', () => {
  it('reports progress through the stages and can be cancelled', async () => {
    const src = hueSweepImage(512, 512);
    const stages = new Set<string>();
    await pixelateImage(src, options({ grid: { kind: 'cell-size', px: 1 }, dither: 'atkinson', palette: { kind: 'extract', colors: 8 } }), {
      onProgress: (p) => stages.add(p.stage),
    });
    expect([...stages]).toEqual(['extract', 'downscale', 'dither', 'upscale']);

    const controller = new AbortController();
    const job = pixelateImage(src, options({ grid: { kind: 'cell-size', px: 1 }, dither: 'atkinson' }), { signal: controller.signal });
    controller.abort();
    await expect(job).rejects.toMatchObject({ code: 'cancelled' });
  });
});


describe('pixelate: refine', () => {
  it('replaces mapping with the optimiser: palette colours only, transparent cells kept, seeded', () => {
    const sprite = discSprite(48, [0x29, 0xad, 0xff]);
    const o = options({ grid: { kind: 'exact', width: 24, height: 24 }, refine: { iterations: 40, faithfulness: 0.5 }, output: 'grid', seed: 3 });
    const a = pixelateImageSync(sprite, o);
    const plain = pixelateImageSync(sprite, { ...o, refine: null });
    for (let i = 0; i < a.indices.length; i++) expect(a.indices[i] < 0).toBe(plain.indices[i] < 0);
    for (const c of colourSet(a.grid).colours) expect(picoSet.has(c)).toBe(true);
    expect(pixelateImageSync(sprite, o).indices).toEqual(a.indices);
  });

  it('validates its settings', () => {
    expect(() => options({ refine: { iterations: 0, faithfulness: 0.5 } })).toThrowError(/Refine iterations/);
    expect(() => options({ refine: { iterations: 10, faithfulness: 2 } })).toThrowError(/faithfulness/);
  });
});
