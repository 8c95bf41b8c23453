import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
import { installTinyModelCache, TINY_SDXS_ID, TINY_TAESD_ID } from '../fixtures/tiny-models.js';

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
 * The tiny models installed by writing the text-to-image model's files into the cache (sizes
 * match, no install record: that counts as installed); the image encoder is not installed. The
 * UNet predicts zero noise; its tensor names are null, as in the real manifest, so the optimum
 * defaults are exercised. Returns the manifest's path.
 */
function installTinyModels(): string {
  return installTinyModelCache(dir, cacheDir, { zeroUnet: true, only: [TINY_SDXS_ID] }).manifestFile;
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
    const encoder = findModel(loadManifest(JSON.parse(readFileSync(manifest, 'utf8'))), TINY_TAESD_ID);
    expect((error as TesseraError).userMessage).toContain(formatBytes(modelSize(encoder).bytes));
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
