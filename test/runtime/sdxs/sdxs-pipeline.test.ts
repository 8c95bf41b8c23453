import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tensorToImage } from '../../../src/core/diffusion/image-tensor.js';
import { gaussianLatents, type LatentShape } from '../../../src/core/diffusion/latents.js';
import { alphaBar } from '../../../src/core/diffusion/noise-schedule.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { createRng } from '../../../src/core/random.js';
import { createSdxsPipeline, type SdxsModel, type SdxsProgress } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { createTensor, type Tensor } from '../../../src/runtime/tensor.js';
import {
  identityTaesdFixtures,
  taesdDecoderFixture,
  textEncoderFixture,
  unetFixture,
  unetSpec,
  zeroUnetFixture,
  type OnnxFixture,
} from '../../fixtures/onnx/index.js';
import { counted, loadFixture, noisePredictingUnet, releaseAll, tinyTokenizer } from './sdxs-test-models.js';

const loaded: SdxsModel[] = [];
async function load(fixture: OnnxFixture): Promise<SdxsModel> {
  const model = await loadFixture(fixture);
  loaded.push(model);
  return model;
}
afterAll(() => releaseAll(loaded));

/** What the decoder fixture computes for x₀ = z/√ᾱ₉₉₉ (the zero UNet's answer for noise z), in plain TS. */
function expectedZeroUnetImage(decoder: OnnxFixture, shape: LatentShape, seed: number): RgbaImage {
  const z = gaussianLatents(shape, seed);
  const inv = 1 / Math.sqrt(alphaBar(999));
  const x0 = Float32Array.from(z, (v) => v * inv);
  const input = decoder.spec.inputs[0].name, output = decoder.spec.outputs[0].name;
  const out = decoder.reference({ [input]: createTensor('float32', x0, shape) })[output] as Tensor & { data: Float32Array };
  return tensorToImage({ data: out.data, shape: [1, 3, out.dims[2], out.dims[3]] });
}

function maxByteDiff(a: RgbaImage, b: RgbaImage, channels: readonly number[] = [0, 1, 2, 3]): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  for (let i = 0; i < a.data.length; i += 4) for (const c of channels) max = Math.max(max, Math.abs(a.data[i + c] - b.data[i + c]));
  return max;
}

/** Pixel art of cols × rows random colours, each scaled to an 8×8 block (so the box TAESD round-trips it). */
function blockArt(cols: number, rows: number, seed: number): RgbaImage {
  const rng = createRng(seed);
  const colours = Array.from({ length: cols * rows }, () => [rng.int(256), rng.int(256), rng.int(256)]);
  const img = createImage(cols * 8, rows * 8);
  for (let y = 0; y < rows * 8; y++) {
    for (let x = 0; x < cols * 8; x++) {
      const c = colours[Math.floor(y / 8) * cols + Math.floor(x / 8)];
      img.data.set([c[0], c[1], c[2], 255], (y * cols * 8 + x) * 4);
    }
  }
  return img;
}

describe('createSdxsPipeline (fixed sizes: the sdxs-webgpu export, int64 ids, float32 timestep)', () => {
  let text: ReturnType<typeof counted>;
  let zeroUnet: ReturnType<typeof counted>;
  let decoder: SdxsModel;
  const decoderFixture = taesdDecoderFixture();

  beforeAll(async () => {
    text = counted(await load(textEncoderFixture()));
    zeroUnet = counted(await load(zeroUnetFixture()));
    decoder = await load(decoderFixture);
  });

  it('with a UNet that predicts zero noise, returns decode(z/√ᾱ₉₉₉) at t = 999', async () => {
    const pipeline = createSdxsPipeline({ textEncoder: text, unet: zeroUnet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const progress: SdxsProgress[] = [];
    const out = await pipeline.generate({ prompt: 'a cat', strength: 1, seed: 7 }, { onProgress: (p) => progress.push(p) });
    expect(maxByteDiff(out, expectedZeroUnetImage(decoderFixture, [1, 4, 8, 8], 7))).toBeLessThanOrEqual(1);
    const unetFeeds = zeroUnet.feeds.at(-1)!;
    expect(unetFeeds.timestep).toMatchObject({ type: 'float32', dims: [1] });
    expect(Array.from(unetFeeds.timestep.data as Float32Array)).toEqual([999]);
    expect(text.feeds.at(-1)!.input_ids).toMatchObject({ type: 'int64', dims: [1, 77] });
    expect(progress.map((p) => `${p.stage} ${p.fraction}`)).toEqual([
      'text-encode 0', 'text-encode 1', 'denoise 0', 'denoise 1', 'image-decode 0', 'image-decode 1',
    ]);
  });

  it('runs the text encoder once per prompt (the last embedding is kept)', async () => {
    const pipeline = createSdxsPipeline({ textEncoder: text, unet: zeroUnet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const before = text.feeds.length;
    await pipeline.generate({ prompt: 'a cat', strength: 1, seed: 1 });
    await pipeline.generate({ prompt: 'a cat', strength: 1, seed: 2 });
    expect(text.feeds.length - before).toBe(1);
    await pipeline.generate({ prompt: 'a knight', strength: 1, seed: 2 });
    expect(text.feeds.length - before).toBe(2);
  });

  it('same seed gives the same bytes, another seed other bytes (tiny UNet with real weights)', async () => {
    const unet = await load(unetFixture());
    const make = () => createSdxsPipeline({ textEncoder: text, unet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const a = await make().generate({ prompt: 'a cat', strength: 1, seed: 42 });
    const b = await make().generate({ prompt: 'a cat', strength: 1, seed: 42 });
    const c = await make().generate({ prompt: 'a cat', strength: 1, seed: 43 });
    expect(Buffer.from(b.data).equals(Buffer.from(a.data))).toBe(true);
    expect(Buffer.from(c.data).equals(Buffer.from(a.data))).toBe(false);
  });

  it('resizes a source of another size to the fixed model size and back, keeping its alpha', async () => {
    const pipeline = createSdxsPipeline({ textEncoder: text, unet: zeroUnet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const source = createImage(40, 24);
    for (let i = 0; i < 40 * 24; i++) source.data[i * 4 + 3] = i % 3 === 0 ? 0 : 200;
    const out = await pipeline.generate({ image: source, prompt: 'a cat', strength: 1, seed: 3 });
    expect([out.width, out.height]).toEqual([40, 24]);
    for (let i = 0; i < 40 * 24; i++) expect(out.data[i * 4 + 3]).toBe(source.data[i * 4 + 3]);
  });

  it('a strength below 1 without the image encoder is refused before the UNet runs', async () => {
    const pipeline = createSdxsPipeline({ textEncoder: text, unet: zeroUnet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const runs = zeroUnet.feeds.length;
    await expect(pipeline.generate({ image: blockArt(8, 8, 1), prompt: '', strength: 0.5, seed: 1 })).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(pipeline.generate({ prompt: 'a cat', strength: 0.5, seed: 1 })).rejects.toBeInstanceOf(TesseraError);
    expect(zeroUnet.feeds.length).toBe(runs);
  });

  it('stops between runs when the signal aborts', async () => {
    const pipeline = createSdxsPipeline({ textEncoder: text, unet: zeroUnet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
    const controller = new AbortController();
    const runs = zeroUnet.feeds.length;
    const run = pipeline.generate(
      { prompt: 'stop here', strength: 1, seed: 1 },
      { signal: controller.signal, onProgress: (p) => p.stage === 'text-encode' && p.fraction === 1 && controller.abort() },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(zeroUnet.feeds.length).toBe(runs);
  });
});

describe('createSdxsPipeline (dynamic sizes: optimum exports, int32 ids, int64 timestep)', () => {
  it('runs a non-square size and returns decode(z/√ᾱ) with the source alpha', async () => {
    const decoderFixture = taesdDecoderFixture({ flavour: 'optimum' });
    const text = counted(await load(textEncoderFixture({ flavour: 'optimum' })));
    const unet = counted(await load(zeroUnetFixture({ flavour: 'optimum' })));
    const pipeline = createSdxsPipeline({
      textEncoder: text, unet, vaeDecoder: await load(decoderFixture), tokenizer: tinyTokenizer(), targetPixels: 128 * 64,
    });
    const source = createImage(128, 64);
    for (let i = 0; i < 128 * 64; i++) source.data[i * 4 + 3] = (i * 7) % 256;
    const out = await pipeline.generate({ image: source, prompt: 'a cat', strength: 1, seed: 11 });
    const expected = expectedZeroUnetImage(decoderFixture, [1, 4, 8, 16], 11);
    expect(maxByteDiff(out, expected, [0, 1, 2])).toBeLessThanOrEqual(1);
    for (let i = 0; i < 128 * 64; i++) expect(out.data[i * 4 + 3]).toBe(source.data[i * 4 + 3]);
    expect(text.feeds[0].input_ids).toMatchObject({ type: 'int32', dims: [1, 77] });
    expect(unet.feeds[0].timestep).toMatchObject({ type: 'int64', dims: [1] });
    expect(unet.feeds[0].sample.dims).toEqual([1, 4, 8, 16]);
  });

  it.each([0.3, 0.75, 0.99])('with an identity VAE and a UNet that predicts the added noise, strength %s returns the block-constant input', async (strength) => {
    const { encoder, decoder } = identityTaesdFixtures({ flavour: 'optimum' });
    const seed = 5;
    const unet = noisePredictingUnet(unetSpec({ flavour: 'optimum' }), seed);
    const pipeline = createSdxsPipeline({
      textEncoder: await load(textEncoderFixture({ flavour: 'optimum' })),
      unet,
      vaeEncoder: await load(encoder),
      vaeDecoder: await load(decoder),
      tokenizer: tinyTokenizer(),
      targetPixels: 128 * 64,
    });
    const source = blockArt(16, 8, 9);
    const out = await pipeline.generate({ image: source, prompt: '', strength, seed }, {});
    expect(maxByteDiff(out, source)).toBeLessThanOrEqual(1);
    expect(Number(unet.timesteps[0].data[0])).toBe(Math.round(strength * 1000) - 1);
  });
});
