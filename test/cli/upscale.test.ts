import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';
import { packagedLearnedUpsampler } from '../../src/cli/learned-upsampler-source.js';
import { upscaleCommand, type UpscaleCliDeps } from '../../src/cli/upscale-command.js';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import type { RgbaImage } from '../../src/core/image.js';
import { resizeImage } from '../../src/core/resize.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { upscale2xTiled } from '../../src/runtime/upsample/tiled-upscale2x.js';
import { discSprite, hueSweepImage } from '../fixtures/images.js';
import { installTinyModelCache } from '../fixtures/tiny-models.js';
import { loadLearnedUpsampler } from '../runtime/upsample/learned-runner.js';

let dir: string;
let cacheDir: string;
let photo: string;
let sprite: string;
let output: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-upscale-cli-'));
  cacheDir = path.join(dir, 'cache');
  photo = path.join(dir, 'photo.png');
  sprite = path.join(dir, 'sprite.png');
  output = path.join(dir, 'out.png');
  writeFileSync(photo, encodePng(hueSweepImage(40, 24)));
  writeFileSync(sprite, encodePng(discSprite(24, [230, 120, 40])));
});

interface Run {
  stdout: string;
  stderr: string;
}

function deps(overrides: Partial<UpscaleCliDeps> = {}): UpscaleCliDeps {
  return {
    env: { TESSERA_CACHE: cacheDir },
    homeDir: path.join(dir, 'home'),
    createRunner: (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }),
    onInterrupt: () => () => {},
    learnedUpsamplerBytes: packagedLearnedUpsampler,
    ...overrides,
  };
}

/** Runs `tessera upscale …` in-process; resolves with what it printed, or rejects as runCli would see it. */
async function upscale(args: string[], d: UpscaleCliDeps = deps()): Promise<Run> {
  const out: Run = { stdout: '', stderr: '' };
  const io: CliIo = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), interactive: false };
  expect(await upscaleCommand(args, io, d)).toBe(0);
  return out;
}

/** The tiny models (a UNet with a patch size, latents fixed at 8×8) installed in the cache; returns the manifest's path. */
function installTinyModels(): string {
  return installTinyModelCache(dir, cacheDir, { patchLatents: 8 }).manifestFile;
}

const read = (file: string): RgbaImage => decodePng(new Uint8Array(readFileSync(file)));
const same = (a: RgbaImage, b: RgbaImage) => a.width === b.width && Buffer.from(a.data).equals(Buffer.from(b.data));

describe('tessera upscale without the diffusion model', () => {
  it('still upscales, with Lanczos, and says in one line what refinement needs', async () => {
    const run = await upscale([photo, '-o', output]);
    expect(same(read(output), resizeImage(hueSweepImage(40, 24), 80, 48, 'lanczos3'))).toBe(true);
    expect(run.stderr).toBe('tessera upscale: refinement needs the diffusion model (tessera models pull sdxs-512-dreamshaper && tessera models pull taesd); upscaling with Lanczos only.\n');
    expect(run.stdout).toMatch(/^Wrote .*out\.png \(80×48, Lanczos only\) in \d+ ms\n$/);
  });

  it('upscales with the learned ×2 network, converted from its npm package, keeping a sprite’s alpha', async () => {
    const run = await upscale([sprite, '-o', output, '--upsampler', 'learned', '--scale', '4']);
    const runner = await loadLearnedUpsampler();
    try {
      const expected = await upscale2xTiled(await upscale2xTiled(discSprite(24, [230, 120, 40]), runner), runner);
      expect(same(read(output), expected)).toBe(true);
    } finally {
      await runner.release();
    }
    expect(read(output).data[3]).toBe(0); // a transparent corner stays transparent
    expect(run.stdout).toMatch(/\(96×96, learned ×2 only\)/);
  });
});

describe('tessera upscale with installed models', () => {
  it('refines ×4 in two stages and reports it', async () => {
    const manifest = installTinyModels();
    const run = await upscale([sprite, '-o', output, '--scale', '4', '--steps', '2', '--seed', '3', '--prompt', 'a cat', '--manifest', manifest]);
    expect(run.stderr).toBe('');
    const image = read(output);
    expect([image.width, image.height]).toEqual([96, 96]);
    expect(image.data.filter((_, i) => i % 4 === 3)).toEqual(resizeImage(resizeImage(discSprite(24, [230, 120, 40]), 48, 48, 'lanczos3'), 96, 96, 'lanczos3').data.filter((_, i) => i % 4 === 3));
    expect(run.stdout).toMatch(/^Wrote .*out\.png \(96×96, Lanczos \+ tiny-sdxs: 2 stages, \d+ patches, slider 1\/2, seed 3\) in \d+ ms\nModels ran on wasm/);
  });

  it('goes to a custom size in one stage with --one-step, and the same seed gives the same file', async () => {
    const manifest = installTinyModels();
    await upscale([photo, '-o', output, '--scale', '130x70', '--one-step', '--steps', '2', '--manifest', manifest]);
    const first = read(output);
    expect([first.width, first.height]).toEqual([130, 70]);
    const second = path.join(dir, 'again.png');
    const run = await upscale([photo, '-o', second, '--scale', '130x70', '--one-step', '--steps', '2', '--manifest', manifest]);
    expect(same(read(second), first)).toBe(true);
    expect(run.stdout).toContain('1 stage,');
  });

  it('stops on Ctrl-C within one patch and leaves no file behind', async () => {
    const manifest = installTinyModels();
    let interrupt = () => {};
    let unetRuns = 0;
    const d = deps({
      onInterrupt: (stop) => ((interrupt = stop), () => {}),
      createRunner: async (spec, bytes) => {
        const runner = await createOrtWebRunner(spec, bytes, { preferred: ['wasm'] });
        if (!spec.id.endsWith('unet.onnx')) return runner;
        return { ...runner, run: (f, o) => (++unetRuns === 3 && interrupt(), runner.run(f, o)), release: () => runner.release() };
      },
    });
    await expect(upscale([photo, '-o', output, '--steps', '4', '--manifest', manifest], d)).rejects.toMatchObject({ name: 'AbortError' });
    expect(unetRuns).toBe(3);
    expect(readdirSync(dir).sort()).toEqual(['cache', 'manifest.json', 'photo.png', 'sprite.png']);
  });
});

describe('tessera upscale, called wrongly', () => {
  it.each([
    [['-o', 'out.png'], /input image/],
    [['in.png'], /-o OUT/],
    [['in.png', '-o', 'out.jpg'], /\.png/],
    [['in.png', '-o', 'out.png', '--scale'], /argument missing/],
  ])('is a usage error: %j', async (args, message) => {
    const error = await upscale(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it.each([
    [['--scale', '3'], /--scale takes 2, 4 or a size WxH/],
    [['--scale', '30x30'], /30×30 is smaller than the 40×24/],
    [['--upsampler', 'bicubic'], /upsampler must be lanczos or learned/],
    [['--steps', '10', '--slider', '11'], /Slider counts guided steps/],
    [['--scale', '20000x20000'], /megapixels/],
  ])('refuses %j before any model is loaded', async (flags, message) => {
    const error = await upscale([photo, '-o', output, ...flags], deps({ createRunner: () => Promise.reject(new Error('no model should load')) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-input', userMessage: expect.stringMatching(message) });
    expect(readdirSync(dir).sort()).toEqual(['photo.png', 'sprite.png']);
  });
});

describe('the bundled tessera upscale', () => {
  it('runs a real PNG through installed tiny models on onnxruntime-node (wasm where it cannot load)', async () => {
    const manifest = installTinyModels();
    const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'upscale', photo, '-o', output, '--scale', '2', '--steps', '2', '--manifest', manifest], {
      env: { ...process.env, TESSERA_CACHE: cacheDir, HOME: path.join(dir, 'home') },
    });
    expect(stdout).toMatch(/\(80×48, Lanczos \+ tiny-sdxs: 1 stage, \d+ patches, slider 1\/2, seed 1\)/);
    expect(stdout).toMatch(/Models ran on (cpu|wasm)/);
    expect([read(output).width, read(output).height]).toEqual([80, 48]);
  });

  it('without models, prints the one line on stderr and upscales anyway', async () => {
    const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'upscale', photo, '-o', output, '--scale', '4'], {
      env: { ...process.env, TESSERA_CACHE: cacheDir, HOME: path.join(dir, 'home') },
    });
    expect(stderr).toContain('tessera upscale: refinement needs the diffusion model (tessera models pull sdxs-512-dreamshaper && tessera models pull taesd)');
    expect(stdout).toMatch(/\(160×96, Lanczos only\)/);
  });
});
