import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandProgress } from '../../src/commands/command-context.js';
import { resolveUpscaleOptions, upscaleCommand, upscaleLayerName, type UpscaleModels, type UpscaleRequest } from '../../src/commands/upscale.js';
import { createImage, pasteImage, type RgbaImage } from '../../src/core/image.js';
import { resizeImage } from '../../src/core/resize.js';
import { MemoryHost } from '../fakes/memory-host.js';
import { discSprite, hueSweepImage, pixelAt } from '../fixtures/images.js';
import { loadTinyRefiner, type TinyRefiner } from '../runtime/upscale/upscale-test-models.js';
import { thrownTesseraError } from '../fixtures/errors.js';

const NO_MODELS: UpscaleModels = { refiner: null, learned: null };
const ctx = () => ({ signal: new AbortController().signal });
const same = (a: RgbaImage, b: RgbaImage) => a.width === b.width && a.height === b.height && Buffer.from(a.data).equals(Buffer.from(b.data));

const error = thrownTesseraError;

describe('resolveUpscaleOptions', () => {
  it('defaults: ×2 of the canvas, 20 steps with Pixelsmith’s 20-of-50 Slider rescaled to 8, Lanczos, seed 1', () => {
    expect(resolveUpscaleOptions({})).toEqual({ scale: 2, scope: 'canvas', slider: 8, steps: 20, prompt: '', seed: 1, upsampler: 'lanczos', oneStep: false });
    expect(resolveUpscaleOptions({ steps: 50 }).slider).toBe(20);
    expect(resolveUpscaleOptions({ steps: 10, prompt: '  a  castle \n' })).toMatchObject({ slider: 4, prompt: 'a castle' });
    expect(resolveUpscaleOptions({ scale: { width: 300, height: 200 }, scope: 'layer', slider: 0, oneStep: true })).toMatchObject({
      scale: { width: 300, height: 200 },
      scope: 'layer',
      slider: 0,
      oneStep: true,
    });
  });

  it.each<[UpscaleRequest, string]>([
    [{ scale: 3 as 2 }, 'scale'],
    [{ scale: { width: 0, height: 10 } }, 'scale'],
    [{ scale: { width: 10.5, height: 10 } }, 'scale'],
    [{ scope: 'document' as 'canvas' }, 'scope'],
    [{ steps: 0 }, 'steps'],
    [{ steps: 1000 }, 'steps'],
    [{ steps: 2.5 }, 'steps'],
    [{ slider: -1 }, 'slider'],
    [{ steps: 10, slider: 11 }, 'slider'],
    [{ slider: 1.5 }, 'slider'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ upsampler: 'bicubic' as 'lanczos' }, 'upsampler'],
  ])('rejects %o, naming %s', (raw, field) => {
    expect(error(() => resolveUpscaleOptions(raw))).toMatchObject({ code: 'invalid-input', details: { field } });
  });
});

describe('upscaleLayerName', () => {
  it('names the scale and upsampler, and the refinement settings when refined', () => {
    const options = resolveUpscaleOptions({ scale: 4, prompt: 'a castle at dusk over a misty lake, oil painting' });
    expect(upscaleLayerName(options, { width: 400, height: 400 }, true, 'lanczos')).toBe('Upscale · ×4 · lanczos · a castle at dusk over a misty l… · slider 8/20 · seed 1');
    expect(upscaleLayerName({ ...options, oneStep: true, prompt: '' }, { width: 400, height: 400 }, true, 'learned')).toBe('Upscale · ×4 one step · learned · slider 8/20 · seed 1');
    expect(upscaleLayerName(resolveUpscaleOptions({ scale: { width: 300, height: 200 } }), { width: 300, height: 200 }, false, 'learned')).toBe('Upscale · 300×200 · learned');
  });
});

describe('upscaleCommand without a diffusion model', () => {
  it('upscales the canvas in place with Lanczos, resizing the document in the same write, and says refinement needs a model', async () => {
    const photo = hueSweepImage(40, 30);
    const host = new MemoryHost({ image: photo, x: 0, y: 0, name: 'Photo' }, null, { width: 40, height: 30 });
    const result = await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({}), ctx());
    expect(host.writes).toHaveLength(1);
    const write = host.writes[0];
    expect(write).toMatchObject({ x: 0, y: 0, resizeDocument: { width: 80, height: 60 }, name: 'Upscale · ×2 · lanczos' });
    expect(same(write.image, resizeImage(photo, 80, 60, 'lanczos3'))).toBe(true);
    expect(host.document).toEqual({ width: 80, height: 60 });
    expect(result).toMatchObject({ refined: false, size: { width: 80, height: 60 }, historySteps: 1, layerName: 'Upscale · ×2 · lanczos' });
    expect(result.notice).toMatch(/Refinement needs a diffusion model, which is not installed: this is the Lanczos upscale alone\./);
  });

  it('in place, places a small layer on the document canvas at its bounds, so it stays where it was', async () => {
    const sprite = discSprite(16, [250, 20, 20]);
    const host = new MemoryHost({ image: sprite, x: 30, y: 10, name: 'Sprite' }, null, { width: 64, height: 48 });
    await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scale: 4 }), ctx());
    const { image, resizeDocument } = host.writes[0];
    expect(resizeDocument).toEqual({ width: 256, height: 192 });
    const canvas = pasteImage(createImage(64, 48), sprite, 30, 10);
    expect(same(image, resizeImage(canvas, 256, 192, 'lanczos3'))).toBe(true);
    expect(pixelAt(image, 4 * (30 + 8), 4 * (10 + 8))[3]).toBe(255); // the sprite's centre, scaled
    expect(pixelAt(image, 8, 8)[3]).toBe(0); // empty canvas stays empty
  });

  it('to a custom size, the new document is that size', async () => {
    const host = new MemoryHost({ image: hueSweepImage(40, 30), x: 0, y: 0, name: 'Photo' }, null, { width: 40, height: 30 });
    const result = await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scale: { width: 100, height: 50 } }), ctx());
    expect(host.writes[0].resizeDocument).toEqual({ width: 100, height: 50 });
    expect([host.writes[0].image.width, host.writes[0].image.height]).toEqual([100, 50]);
    expect(result.layerName).toBe('Upscale · 100×50 · lanczos');
  });

  it('scope layer: the layer alone, centred where it was, without resizing the document', async () => {
    const layer = hueSweepImage(20, 10);
    const host = new MemoryHost({ image: layer, x: 30, y: 40, name: 'Layer' }, null, { width: 200, height: 100 });
    const result = await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scope: 'layer' }), ctx());
    expect(host.writes[0]).toMatchObject({ x: 20, y: 35 });
    expect(host.writes[0].resizeDocument).toBeUndefined();
    expect(same(host.writes[0].image, resizeImage(layer, 40, 20, 'lanczos3'))).toBe(true);
    expect(host.document).toEqual({ width: 200, height: 100 });
    expect(result.size).toEqual({ width: 40, height: 20 });
  });

  it('keeps a non-rectangular selection’s shape: pixels outside it stay transparent', async () => {
    const mask = new Uint8Array(32 * 32);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) mask[y * 32 + x] = x < 16 ? 255 : 0;
    const host = new MemoryHost({ image: hueSweepImage(32, 32), x: 0, y: 0, name: 'Photo' }, { x: 0, y: 0, width: 32, height: 32 }, { width: 32, height: 32 }, mask);
    await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scope: 'layer' }), ctx());
    const image = host.writes[0].image;
    expect(pixelAt(image, 10, 30)[3]).toBe(255);
    expect(pixelAt(image, 50, 30)[3]).toBe(0);
  });

  it('says Lanczos was used when the learned upsampler is asked for but not there', async () => {
    const host = new MemoryHost({ image: hueSweepImage(16, 16), x: 0, y: 0, name: 'Photo' }, null, { width: 16, height: 16 });
    const result = await upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ upsampler: 'learned' }), ctx());
    expect(result.notice).toMatch(/^The learned upsampler is not available here, so Lanczos was used\. Refinement needs a diffusion model/);
    expect(result.layerName).toBe('Upscale · ×2 · lanczos');
  });

  it('refuses a size smaller than the source, and one past the host’s limit, before any compute', async () => {
    const host = new MemoryHost({ image: hueSweepImage(40, 30), x: 0, y: 0, name: 'Photo' }, null, { width: 40, height: 30 });
    await expect(upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scale: { width: 30, height: 30 } }), ctx())).rejects.toMatchObject({
      code: 'invalid-input',
      userMessage: expect.stringMatching(/30×30 is smaller than the 40×30 it starts from/),
    });
    host.capabilities = { ...host.capabilities, name: 'Small host', maxDocumentPixels: 10_000 };
    const progress: CommandProgress[] = [];
    await expect(upscaleCommand(host, NO_MODELS, resolveUpscaleOptions({ scale: 4 }), { signal: new AbortController().signal, onProgress: (p) => progress.push(p) })).rejects.toMatchObject({
      code: 'invalid-input',
      details: { reason: 'too-large', maxDocumentPixels: 10_000 },
      userMessage: expect.stringMatching(/^160×120 .* is larger than Small host can hold/),
    });
    expect(progress.map((p) => p.stage)).toEqual(['read']); // nothing computed
    expect(host.writes).toHaveLength(0);
  });
});

describe('upscaleCommand with a tiny diffusion model', () => {
  let tiny: TinyRefiner;
  beforeAll(async () => {
    tiny = await loadTinyRefiner('free');
  });
  afterAll(async () => {
    await tiny.release();
  });

  it('refines ×4 in two stages, reporting stage, patch i of n and time left', async () => {
    const sprite = discSprite(24, [40, 200, 120]);
    const host = new MemoryHost({ image: sprite, x: 0, y: 0, name: 'Sprite' }, null, { width: 24, height: 24 });
    const progress: CommandProgress[] = [];
    const options = resolveUpscaleOptions({ scale: 4, steps: 3, prompt: 'moss', seed: 5 });
    const result = await upscaleCommand(host, { refiner: tiny.refiner, learned: null }, options, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ refined: true, notice: null, size: { width: 96, height: 96 }, layerName: 'Upscale · ×4 · lanczos · moss · slider 1/3 · seed 5' });
    const image = host.writes[0].image;
    expect([image.width, image.height]).toEqual([96, 96]);
    expect(image.data.filter((_, i) => i % 4 === 3)).toEqual(resizeImage(resizeImage(sprite, 48, 48, 'lanczos3'), 96, 96, 'lanczos3').data.filter((_, i) => i % 4 === 3));
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['read', 'upscale', 'encode', 'refine', 'decode', 'write']));
    for (let i = 1; i < progress.length; i++) expect(progress[i].fraction).toBeGreaterThanOrEqual(progress[i - 1].fraction);
    const details = progress.map((p) => p.detail).filter((d): d is string => d !== undefined);
    expect(details).toContain('stage 1 of 2');
    expect(details.some((d) => /^stage 2 of 2 · patch \d+ of \d+ · about \d+ (s|min) left$/.test(d))).toBe(true);
  });

  it('cancel stops within one patch and leaves the document untouched', async () => {
    const photo = hueSweepImage(64, 48);
    const host = new MemoryHost({ image: photo, x: 0, y: 0, name: 'Photo' }, null, { width: 64, height: 48 });
    const controller = new AbortController();
    const before = tiny.unetCalls();
    const outcome = await runCommand(
      (c) => upscaleCommand(host, { refiner: tiny.refiner, learned: null }, resolveUpscaleOptions({ steps: 4 }), c),
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.detail?.includes('patch 2 of')) controller.abort();
        },
      },
    );
    expect(outcome).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(tiny.unetCalls() - before).toBe(2);
    expect(host.writes).toHaveLength(0);
    expect(host.document).toEqual({ width: 64, height: 48 });
    expect(same(host.sourceLayer!.image, photo)).toBe(true);
  });
});
