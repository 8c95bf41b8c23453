import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { UsageError } from '../../src/cli/args.js';
import { generateCommand, type GenerateCliDeps } from '../../src/cli/generate-command.js';
import type { CliIo } from '../../src/cli/io.js';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import { TesseraError } from '../../src/core/errors.js';
import { createImage } from '../../src/core/image.js';
import { formatBytes } from '../../src/runtime/download/format-bytes.js';
import { findModel, loadManifest, modelSize } from '../../src/runtime/models/manifest.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { taesdDecoderFixture, textEncoderFixture, zeroUnetFixture } from '../fixtures/onnx/index.js';
import { TINY_MERGES, tinyVocab } from '../runtime/sdxs/sdxs-test-models.js';

let dir: string;
let cacheDir: string;
let input: string;
let output: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-generate-cli-'));
  cacheDir = path.join(dir, 'cache');
  input = path.join(dir, 'in.png');
  output = path.join(dir, 'out.png');
  const image = createImage(40, 24);
  for (let i = 0; i < 40 * 24; i++) image.data.set([200, 100, 50, i % 4 === 0 ? 0 : 255], i * 4);
  writeFileSync(input, encodePng(image));
});

interface Run {
  stdout: string;
  stderr: string;
}

function deps(): GenerateCliDeps {
  return {
    env: { TESSERA_CACHE: cacheDir },
    homeDir: path.join(dir, 'home'),
    createRunner: (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }),
    onInterrupt: () => () => {},
  };
}

/** Runs `tessera generate …` in-process; resolves with what it printed, or rejects as runCli would see it. */
async function generate(args: string[]): Promise<Run> {
  const out: Run = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), interactive: false };
  const code = await generateCommand(args, io, deps());
  expect(code).toBe(0);
  return out;
}

async function failure(args: string[]): Promise<unknown> {
  try {
    await generate(args);
  } catch (e) {
    return e;
  }
  throw new Error('expected generate to fail');
}

/**
 * A manifest whose "text-to-image" model is the tiny fixtures, installed by writing the files
 * into the cache (sizes match, no install record: that counts as installed). The UNet's tensor
 * names are null, as in the real manifest, so the optimum defaults are exercised.
 */
function installTinyModels(): string {
  const text = textEncoderFixture({ pooler: false });
  const unet = zeroUnetFixture();
  const decoder = taesdDecoderFixture();
  const vocab = new TextEncoder().encode(JSON.stringify(tinyVocab()));
  const merges = new TextEncoder().encode(TINY_MERGES);
  const files: [string, Uint8Array][] = [
    ['text_encoder.onnx', text.bytes],
    ['unet.onnx', unet.bytes],
    ['vae_decoder.onnx', decoder.bytes],
    ['tokenizer/vocab.json', vocab],
    ['tokenizer/merges.txt', merges],
  ];
  for (const [name, bytes] of files) {
    const file = path.join(cacheDir, 'tiny-sdxs', name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  const size = (name: string) => files.find(([n]) => n === name)![1].length;
  const url = (name: string) => `http://127.0.0.1:9/${name}`;
  const tensor = (t: { name: string; type: string; shape: readonly (number | string)[] }, role: string, named = true) => ({ role, name: named ? t.name : null, type: t.type, shape: [...t.shape] });
  const manifest = {
    schemaVersion: 1,
    notes: ['Tiny fixtures for the generate CLI test.'],
    models: [
      {
        id: 'tiny-sdxs',
        name: 'Tiny SDXS',
        description: 'Fixtures with the real tensor names.',
        source: { repo: 'test/tiny-sdxs', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['text-to-image', 'decode-latent'],
        notes: [],
        files: [
          {
            name: 'text_encoder.onnx', role: 'text-encoder', format: 'onnx', url: url('te'), bytes: size('text_encoder.onnx'), sha256: null,
            inputs: [tensor(text.spec.inputs[0], 'input-ids')], outputs: [tensor(text.spec.outputs[0], 'text-embeddings')],
          },
          {
            name: 'unet.onnx', role: 'unet', format: 'onnx', url: url('unet'), bytes: size('unet.onnx'), sha256: null,
            inputs: [
              tensor(unet.spec.inputs[0], 'latent', false),
              { role: 'timestep', name: null, type: 'float32', shape: null },
              tensor(unet.spec.inputs[2], 'text-embeddings', false),
            ],
            outputs: [tensor(unet.spec.outputs[0], 'noise-prediction', false)],
          },
          {
            name: 'vae_decoder.onnx', role: 'vae-decoder', format: 'onnx', url: url('dec'), bytes: size('vae_decoder.onnx'), sha256: null,
            inputs: [tensor(decoder.spec.inputs[0], 'latent')], outputs: [{ ...tensor(decoder.spec.outputs[0], 'image'), range: [-1, 1] }],
          },
          { name: 'tokenizer/vocab.json', role: 'tokenizer-vocab', format: 'json', url: url('vocab'), bytes: size('tokenizer/vocab.json'), sha256: null },
          { name: 'tokenizer/merges.txt', role: 'tokenizer-merges', format: 'text', url: url('merges'), bytes: size('tokenizer/merges.txt'), sha256: null },
        ],
      },
      {
        id: 'taesd',
        name: 'Tiny TAESD encoder',
        description: 'Never installed here.',
        source: { repo: 'test/taesd', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['encode-image'],
        notes: [],
        files: [
          {
            name: 'vae_encoder/model.onnx', role: 'vae-encoder', format: 'onnx', url: url('enc'), bytes: 123_456, sha256: null,
            inputs: [{ role: 'image', name: 'sample', type: 'float32', shape: ['b', 3, 'h', 'w'] }],
            outputs: [{ role: 'latent', name: 'latent_sample', type: 'float32', shape: ['b', 4, 'h8', 'w8'] }],
          },
        ],
      },
    ],
  };
  const file = path.join(dir, 'manifest.json');
  writeFileSync(file, JSON.stringify(manifest));
  loadManifest(manifest); // the test's manifest must itself be valid
  return file;
}

describe('tessera generate', () => {
  it('fails with model-missing (which model, its size, the pull command) when nothing is installed, and writes nothing', async () => {
    const model = findModel(loadManifest(BUNDLED_MANIFEST), 'sdxs-512-dreamshaper');
    const error = await failure([input, '-o', output, '--prompt', 'a knight']);
    expect(error).toBeInstanceOf(TesseraError);
    const { code, userMessage } = error as TesseraError;
    expect(code).toBe('model-missing');
    expect(userMessage).toContain('sdxs-512-dreamshaper');
    expect(userMessage).toContain(formatBytes(modelSize(model).bytes));
    expect(userMessage).toContain('tessera models pull sdxs-512-dreamshaper');
    expect(existsSync(output)).toBe(false);
  });

  it('names the image encoder model when a strength below 1 needs it', async () => {
    const manifest = installTinyModels();
    const error = await failure([input, '-o', output, '--prompt', 'a knight', '--strength', '0.5', '--model', 'tiny-sdxs', '--manifest', manifest]);
    expect(error).toMatchObject({ code: 'model-missing' });
    expect((error as TesseraError).userMessage).toContain('tessera models pull taesd');
    expect((error as TesseraError).userMessage).toContain(formatBytes(123_456));
  });

  it('generates from installed models: a PNG of the input size with its alpha, reporting the layer name', async () => {
    const manifest = installTinyModels();
    const run = await generate([input, '-o', output, '--prompt', 'a cat', '--seed', '42', '--model', 'tiny-sdxs', '--manifest', manifest]);
    const image = decodePng(new Uint8Array(readFileSync(output)));
    expect([image.width, image.height]).toEqual([40, 24]);
    for (let i = 0; i < 40 * 24; i++) expect(image.data[i * 4 + 3]).toBe(i % 4 === 0 ? 0 : 255);
    expect(run.stdout).toContain('Generate · a cat · strength 1 · seed 42');
  });

  it('generates as pixel art with --pixelate and the pixelate options, in one output', async () => {
    const manifest = installTinyModels();
    const run = await generate([input, '-o', output, '--prompt', 'a cat', '--seed', '42', '--model', 'tiny-sdxs', '--manifest', manifest, '--pixelate', '--grid', '10', '--palette', 'gameboy', '--dither', 'bayer2', '--dither-strength', '0.5']);
    expect(run.stdout).toContain('Generate · a cat · strength 1 · seed 42 · Game Boy (DMG green) · 10×6 · bayer2');
    const image = decodePng(new Uint8Array(readFileSync(output)));
    const gameboy = new Set(['#0f380f', '#306230', '#8bac0f', '#9bbc0f']);
    for (let i = 0; i < image.width * image.height; i++) {
      if (image.data[i * 4 + 3] === 0) continue;
      expect(gameboy.has('#' + [0, 1, 2].map((c) => image.data[i * 4 + c].toString(16).padStart(2, '0')).join(''))).toBe(true);
    }
  });

  it('runs from the bundled CLI too: onnxruntime-web and its wasm load from node_modules', async () => {
    const manifest = installTinyModels();
    const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'generate', input, '-o', output, '--prompt', 'a cat', '--seed', '42', '--model', 'tiny-sdxs', '--manifest', manifest], {
      env: { ...process.env, TESSERA_CACHE: cacheDir, HOME: path.join(dir, 'home') },
    });
    expect(stdout).toContain('Generate · a cat · strength 1 · seed 42');
    expect(decodePng(new Uint8Array(readFileSync(output))).width).toBe(40);
  });

  it.each([
    [['-o', 'out.png', '--prompt', 'x'], /input image/],
    [['in.png', '--prompt', 'x'], /-o OUT/],
    [['in.png', '-o', 'out.jpg', '--prompt', 'x'], /\.png/],
    [['in.png', '-o', 'out.png'], /--prompt/],
    [['in.png', '-o', 'out.png', '--prompt', 'x', '--grid', '32'], /go with --pixelate/],
  ])('is a usage error when called wrongly: %j', async (args, message) => {
    const error = await failure(args);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('rejects a strength outside 0..1 before touching the models', async () => {
    await expect(generate([input, '-o', output, '--prompt', 'x', '--strength', '2'])).rejects.toMatchObject({ code: 'invalid-input' });
  });
});
