import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandProgress } from '../../src/commands/command-context.js';
import { generateCommand, generateLayerName, resolveGenerateOptions } from '../../src/commands/generate.js';
import { paletteToHex } from '../../src/core/palette/palette.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { resolvePixelateOptions } from '../../src/core/pixelate/options.js';
import { TesseraError } from '../../src/core/errors.js';
import { createImage } from '../../src/core/image.js';
import { createSdxsPipeline, type SdxsModel, type SdxsPipeline } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import { MemoryHost } from '../fakes/memory-host.js';
import { taesdDecoderFixture, textEncoderFixture, unetFixture } from '../fixtures/onnx/index.js';
import { counted, loadFixture, releaseAll, tinyTokenizer } from '../runtime/sdxs/sdxs-test-models.js';

describe('resolveGenerateOptions', () => {
  it('defaults strength 1 and seed 1, and tidies the prompt', () => {
    expect(resolveGenerateOptions({ prompt: '  a  knight\n' })).toEqual({ prompt: 'a knight', strength: 1, seed: 1, pixelate: null });
  });

  it('allows an empty prompt only when the layer conditions the result', () => {
    expect(resolveGenerateOptions({ prompt: '', strength: 0.5, seed: 3 })).toEqual({ prompt: '', strength: 0.5, seed: 3, pixelate: null });
    expect(() => resolveGenerateOptions({ prompt: ' ', strength: 1 })).toThrow(expect.objectContaining({ code: 'invalid-input', details: { field: 'prompt' } }));
  });

  it.each([
    [{ prompt: 'x', strength: 1.5 }, 'strength'],
    [{ prompt: 'x', strength: -0.1 }, 'strength'],
    [{ prompt: 'x', strength: Number.NaN }, 'strength'],
    [{ prompt: 'x', seed: 1.5 }, 'seed'],
    [{ prompt: 'x', seed: -1 }, 'seed'],
    [{ prompt: 'x', seed: 2 ** 32 }, 'seed'],
  ])('rejects %o (%s)', (raw, field) => {
    let error: unknown;
    try {
      resolveGenerateOptions(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TesseraError);
    expect(error).toMatchObject({ code: 'invalid-input', details: { field } });
  });
});

describe('generateLayerName', () => {
  it('names the prompt (cut to 32 characters), strength and seed', () => {
    expect(generateLayerName({ prompt: 'a cat', strength: 0.75, seed: 42 })).toBe('Generate · a cat · strength 0.75 · seed 42');
    const name = generateLayerName({ prompt: 'a knight in shining armour, pixel art, 8-bit', strength: 1, seed: 7 });
    expect(name).toBe('Generate · a knight in shining armour, pix… · strength 1 · seed 7');
    expect(generateLayerName({ prompt: '', strength: 0.5, seed: 1 })).toBe('Generate · strength 0.5 · seed 1');
  });
});

describe('generateCommand', () => {
  const models: SdxsModel[] = [];
  let unet: ReturnType<typeof counted>;
  let pipeline: SdxsPipeline;

  beforeAll(async () => {
    const text = await loadFixture(textEncoderFixture());
    unet = counted(await loadFixture(unetFixture()));
    const decoder = await loadFixture(taesdDecoderFixture());
    models.push(text, unet, decoder);
    pipeline = createSdxsPipeline({ textEncoder: text, unet, vaeDecoder: decoder, tokenizer: tinyTokenizer() });
  });
  afterAll(() => releaseAll(models));

  function layer(width: number, height: number) {
    const image = createImage(width, height);
    for (let i = 0; i < width * height; i++) image.data.set([10, 20, 30, i % 5 === 0 ? 0 : 255], i * 4);
    return image;
  }

  it('writes one layer named from its settings at the source bounds, with the source alpha', async () => {
    const source = layer(48, 40);
    const host = new MemoryHost({ image: source, x: 5, y: 7, name: 'Sprite' });
    const progress: CommandProgress[] = [];
    const options = resolveGenerateOptions({ prompt: 'a knight in shining armour, pixel art, 8-bit', strength: 1, seed: 42 });
    const result = await generateCommand(host, pipeline, options, { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });

    expect(host.writes).toHaveLength(1);
    const write = host.writes[0];
    expect(write.name).toBe('Generate · a knight in shining armour, pix… · strength 1 · seed 42');
    expect(result.layerName).toBe(write.name);
    expect([write.x, write.y, write.image.width, write.image.height]).toEqual([5, 7, 48, 40]);
    for (let i = 0; i < 48 * 40; i++) expect(write.image.data[i * 4 + 3]).toBe(source.data[i * 4 + 3]);
    expect(source.data[0]).toBe(10); // the source is untouched
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ stage: 'write', fraction: 1 });
  });

  it('as pixel art: pixelates the generated image in the same command, one layer with both names, palette colours only', async () => {
    const pico = getPreset('pico-8').palette;
    const picoHex = new Set(paletteToHex(pico));
    const host = new MemoryHost({ image: layer(48, 40), x: 0, y: 0, name: 'Sprite' });
    const pixelate = resolvePixelateOptions({ grid: { kind: 'longest', cells: 12 }, palette: { kind: 'fixed', palette: pico }, dither: 'bayer4' });
    const progress: CommandProgress[] = [];
    await generateCommand(host, pipeline, resolveGenerateOptions({ prompt: 'a cat', seed: 3, pixelate }), { signal: new AbortController().signal, onProgress: (p) => progress.push(p) });
    expect(host.writes.map((w) => w.name)).toEqual(['Generate · a cat · strength 1 · seed 3 · PICO-8 · 12×10 · bayer4']);
    const img = host.writes[0].image;
    for (let i = 0; i < img.width * img.height; i++) {
      const a = img.data[i * 4 + 3];
      expect(a === 0 || a === 255).toBe(true);
      if (a === 255) expect(picoHex.has('#' + [0, 1, 2].map((c) => img.data[i * 4 + c].toString(16).padStart(2, '0')).join(''))).toBe(true);
    }
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('writes through a selection (the memory host crops to it)', async () => {
    const host = new MemoryHost({ image: layer(64, 64), x: 0, y: 0, name: 'Sprite' }, { x: 8, y: 16, width: 24, height: 8 });
    await generateCommand(host, pipeline, resolveGenerateOptions({ prompt: 'a cat' }), { signal: new AbortController().signal });
    expect(host.writes.map((w) => [w.x, w.y, w.image.width, w.image.height])).toEqual([[8, 16, 24, 8]]);
  });

  it('cancelled between model runs: outcome cancelled, the UNet never runs, nothing is written', async () => {
    const host = new MemoryHost({ image: layer(32, 32), x: 0, y: 0, name: 'Sprite' });
    const controller = new AbortController();
    const runs = unet.feeds.length;
    const outcome = await runCommand(
      (ctx) => generateCommand(host, pipeline, resolveGenerateOptions({ prompt: 'cancel me', seed: 9 }), ctx),
      {
        signal: controller.signal,
        // The text encoder has finished when its stage reaches the end of its share of the bar.
        onProgress: (p) => p.stage === 'encode' && p.fraction >= 0.2 && controller.abort(),
      },
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error.code).toBe('cancelled');
    expect(unet.feeds.length).toBe(runs);
    expect(host.writes).toHaveLength(0);
  });
});
