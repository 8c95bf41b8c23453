import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pixelateCommand, resolvePixelateRequest } from '../../../src/commands/pixelate.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import type { PriorImage, RefinePriorRequest } from '../../../src/core/refine/prior.js';
import { createSdxsPrior } from '../../../src/runtime/refine-prior/sdxs-prior.js';
import type { SdxsModel, SdxsPipelineModels } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { colourSet, discSprite } from '../../fixtures/images.js';
import { identityTaesdFixtures, taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, unetSpec, type OnnxFixture } from '../../fixtures/onnx/index.js';
import { counted, loadFixture, noisePredictingUnet, releaseAll, tinyTokenizer } from '../sdxs/sdxs-test-models.js';

const loaded: SdxsModel[] = [];
async function load(fixture: OnnxFixture): Promise<SdxsModel> {
  const model = await loadFixture(fixture);
  loaded.push(model);
  return model;
}
afterAll(() => releaseAll(loaded));

const request = (patch: Partial<RefinePriorRequest> = {}): RefinePriorRequest => ({ seed: 5, iteration: 0, iterations: 100, timestep: 400, ...patch });

/** An 8×8 soft image: a flat colour, or a smooth diagonal gradient. */
function softImage(kind: 'flat' | 'gradient', width = 8, height = 8): PriorImage {
  const linear = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (kind === 'flat') linear.set([0.2, 0.5, 0.05], i);
      else linear.set([x / (width - 1), y / (height - 1), 0.3], i);
    }
  }
  return { width, height, linear };
}

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('SDXS diffusion prior (tiny fixture models, fixed 8×8 latents = a 64² model image)', () => {
  let models: SdxsPipelineModels;
  let text: ReturnType<typeof counted>;
  let unet: ReturnType<typeof counted>;

  beforeAll(async () => {
    text = counted(await load(textEncoderFixture()));
    unet = counted(await load(unetFixture()));
    models = { textEncoder: text, unet, vaeEncoder: await load(taesdEncoderFixture()), vaeDecoder: await load(taesdDecoderFixture()), tokenizer: tinyTokenizer() };
  });

  it('returns a grid-sized picture in 0..1, the same for the same seed, another for another seed; the prompt is encoded once', async () => {
    const prior = createSdxsPrior(models, { prompt: 'a cat' });
    const textRuns = text.feeds.length;
    const soft = softImage('gradient', 12, 10);
    const a = await prior(soft, request());
    const b = await prior(soft, request());
    const c = await prior(soft, request({ seed: 6 }));
    expect([a.width, a.height, a.linear.length]).toEqual([12, 10, 12 * 10 * 3]);
    expect(a.linear.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(b.linear).toEqual(a.linear);
    expect(c.linear).not.toEqual(a.linear);
    expect(text.feeds.length - textRuns).toBe(1);
  });

  it('feeds the UNet the request’s timestep and a 64² model image encoded to [1, 4, 8, 8]', async () => {
    const prior = createSdxsPrior(models);
    await prior(softImage('flat'), request({ timestep: 321 }));
    const feeds = unet.feeds.at(-1)!;
    expect(Array.from(feeds.timestep.data as Float32Array)).toEqual([321]);
    expect(feeds.sample.dims).toEqual([1, 4, 8, 8]);
  });

  it('stops before the next model run once the signal aborts', async () => {
    const prior = createSdxsPrior(models);
    const controller = new AbortController();
    controller.abort();
    const runs = unet.feeds.length;
    await expect(prior(softImage('flat'), request({ signal: controller.signal }))).rejects.toThrow();
    expect(unet.feeds.length).toBe(runs);
  });

  it('needs the image encoder: model-missing naming taesd', () => {
    const { vaeEncoder: _, ...withoutEncoder } = models;
    expect(() => createSdxsPrior(withoutEncoder)).toThrow(expect.objectContaining({ code: 'model-missing', userMessage: expect.stringContaining('taesd') }));
  });

  it('with a UNet that predicts exactly the added noise and a block-average TAESD, gives back the image it was shown', async () => {
    const { encoder, decoder } = identityTaesdFixtures();
    const seed = 11;
    const exact: SdxsPipelineModels = {
      ...models,
      unet: noisePredictingUnet(unetSpec(), seed),
      vaeEncoder: await load(encoder),
      vaeDecoder: await load(decoder),
    };
    const prior = createSdxsPrior(exact);
    const flat = softImage('flat');
    const back = await prior(flat, request({ seed, timestep: 700 }));
    expect(meanAbsDiff(back.linear, flat.linear)).toBeLessThan(0.005); // 8-bit rounding only
    // A gradient comes back close too: bilinear blends each cell with its neighbours a little.
    const gradient = softImage('gradient');
    expect(meanAbsDiff((await prior(gradient, request({ seed, timestep: 50 }))).linear, gradient.linear)).toBeLessThan(0.03);
  });
});

describe('Pixelate with Refine and the SDXS prior, end to end on the tiny models', () => {
  it('writes one layer of palette colours, named with the prior, with the sprite’s transparency', async () => {
    const models: SdxsPipelineModels = {
      textEncoder: await load(textEncoderFixture()),
      unet: counted(await load(unetFixture())),
      vaeEncoder: await load(taesdEncoderFixture()),
      vaeDecoder: await load(taesdDecoderFixture()),
      tokenizer: tinyTokenizer(),
    };
    const unetRuns = (models.unet as ReturnType<typeof counted>).feeds;
    const pico = getPreset('pico-8').palette;
    const host = new MemoryHost({ image: discSprite(48, [200, 60, 90]), x: 3, y: 4, name: 'Sprite' });
    const options = resolvePixelateRequest({
      palette: pico, gridMode: 'cells', cells: 16, cellSize: 8, downscale: 'area', dither: 'none', ditherStrength: 1,
      alphaThreshold: 0.5, cleanup: false, seed: 2, refine: true, refineIterations: 40, faithfulness: 0.5, refinePrior: true,
    });
    expect(options.refine?.prior).toEqual({ weight: 1, every: 10 });
    const result = await pixelateCommand(host, options, { signal: new AbortController().signal }, undefined, { refinePrior: createSdxsPrior(models) });
    expect(unetRuns).toHaveLength(4);
    expect(host.writes).toHaveLength(1);
    expect(result.layerName).toBe('Pixelate · PICO-8 · 16×16 · refine 40 + prior · seed 2');
    const { colours, binaryAlpha } = colourSet(host.writes[0].image);
    expect(binaryAlpha).toBe(true);
    const picoColours = new Set(Array.from({ length: 16 }, (_, i) => (pico.rgb[i * 3] << 16) | (pico.rgb[i * 3 + 1] << 8) | pico.rgb[i * 3 + 2]));
    for (const c of colours) expect(picoColours.has(c)).toBe(true);
    expect(host.writes[0].image.data[3]).toBe(0); // the sprite's corner stays transparent
  });

  it('refuses the prior setting when no model comes with the run, before reading anything', async () => {
    const host = new MemoryHost({ image: discSprite(16, [0, 0, 0]), x: 0, y: 0, name: 'Sprite' });
    const options = resolvePixelateRequest({
      palette: getPreset('pico-8').palette, gridMode: 'cells', cells: 8, cellSize: 8, downscale: 'area', dither: 'none', ditherStrength: 1,
      alphaThreshold: 0.5, cleanup: false, seed: 2, refine: true, refineIterations: 10, faithfulness: 0.5, refinePrior: true,
    });
    await expect(pixelateCommand(host, options, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'model-missing' });
    expect(host.reads).toBe(0);
  });
});
