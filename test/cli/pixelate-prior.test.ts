import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeEach, describe, expect, it } from 'vitest';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { UsageError } from '../../src/cli/args.js';
import type { CliIo } from '../../src/cli/io.js';
import type { ModelCliDeps } from '../../src/cli/model-deps.js';
import { pixelateCommand } from '../../src/cli/pixelate-command.js';
import { decodePng, encodePng } from '../../src/core/codecs/png.js';
import type { TesseraError } from '../../src/core/errors.js';
import { paletteToHex } from '../../src/core/palette/palette.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { formatBytes } from '../../src/runtime/download/format-bytes.js';
import { findModel, loadManifest, modelSize } from '../../src/runtime/models/manifest.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { colourSet, discSprite } from '../fixtures/images.js';
import { installTinyModelCache, TINY_SDXS_ID } from '../fixtures/tiny-models.js';

let dir: string, cacheDir: string, input: string, output: string;
const picoColours = new Set(paletteToHex(getPreset('pico-8').palette).map((h) => parseInt(h.slice(1), 16)));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-pixelate-prior-'));
  cacheDir = path.join(dir, 'cache');
  input = path.join(dir, 'sprite.png');
  output = path.join(dir, 'out.png');
  writeFileSync(input, encodePng(discSprite(40, [220, 90, 40])));
});

function deps(): ModelCliDeps {
  return {
    env: { TESSERA_CACHE: cacheDir },
    homeDir: path.join(dir, 'home'),
    createRunner: (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }),
    onInterrupt: () => () => {},
  };
}

/** `tessera pixelate …` in-process: what it printed, or the error as runCli would see it. */
async function pixelate(args: string[]): Promise<string> {
  let stdout = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => {}, interactive: false };
  expect(await pixelateCommand(args, io, deps())).toBe(0);
  return stdout;
}

const failure = (args: string[]): Promise<unknown> => pixelate(args).then(() => { throw new Error('expected pixelate to fail'); }, (e: unknown) => e);

describe('tessera pixelate --refine --prior', () => {
  it('says which model is missing, its size and the pull command, and writes nothing', async () => {
    const model = findModel(loadManifest(BUNDLED_MANIFEST), 'sdxs-512-dreamshaper');
    const error = (await failure([input, '-o', output, '--grid', '10', '--refine', '--prior', 'sdxs-512-dreamshaper'])) as TesseraError;
    expect(error.code).toBe('model-missing');
    expect(error.userMessage).toContain(formatBytes(modelSize(model).bytes));
    expect(error.userMessage).toContain('tessera models pull sdxs-512-dreamshaper');
    expect(existsSync(output)).toBe(false);
  });

  it('names taesd when only the text-to-image model is installed', async () => {
    const manifest = installTinyModelCache(dir, cacheDir, { namedUnet: true, only: [TINY_SDXS_ID] }).manifestFile;
    const error = (await failure([input, '-o', output, '--grid', '10', '--refine', '--prior', 'tiny-sdxs', '--manifest', manifest])) as TesseraError;
    expect(error.code).toBe('model-missing');
    expect(error.userMessage).toContain('tessera models pull taesd');
    expect(existsSync(output)).toBe(false);
  });

  it('refines with the prior on the installed tiny models: palette colours, the sprite’s transparency, the prior in the report', async () => {
    const manifest = installTinyModelCache(dir, cacheDir, { namedUnet: true }).manifestFile;
    const stdout = await pixelate([input, '-o', output, '--grid', '10', '--refine', '--iterations', '30', '--prior', 'tiny-sdxs', '--prior-weight', '2', '--prompt', 'a cat', '--manifest', manifest, '--seed', '3']);
    expect(stdout).toMatch(/refine 30 iterations \+ prior tiny-sdxs, seed 3\)/);
    const image = decodePng(new Uint8Array(readFileSync(output)));
    expect([image.width, image.height]).toEqual([40, 40]);
    const { colours, binaryAlpha } = colourSet(image);
    expect(binaryAlpha).toBe(true);
    for (const c of colours) expect(picoColours.has(c)).toBe(true);
    expect(image.data[3]).toBe(0);
    // Same seed, same pixels: the prior's noise comes from the seed too.
    const again = path.join(dir, 'again.png');
    await pixelate([input, '-o', again, '--grid', '10', '--refine', '--iterations', '30', '--prior', 'tiny-sdxs', '--prior-weight', '2', '--prompt', 'a cat', '--manifest', manifest, '--seed', '3']);
    expect(readFileSync(again)).toEqual(readFileSync(output));
  });

  it.each([
    [['--prior', 'tiny-sdxs'], /go with --refine/],
    [['--refine', '--prior-weight', '2'], /--prior-weight goes with --prior/],
    [['--refine', '--prompt', 'a cat'], /--prompt goes with --prior/],
  ])('is a usage error when called wrongly: %j', async (args, message) => {
    const error = await failure([input, '-o', output, ...args]);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('runs from the bundled CLI too', async () => {
    const manifest = installTinyModelCache(dir, cacheDir, { namedUnet: true }).manifestFile;
    const bin = path.resolve(import.meta.dirname, '../../bin/tessera.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'pixelate', input, '-o', output, '--grid', '8', '--refine', '--iterations', '20', '--prior', 'tiny-sdxs', '--manifest', manifest], {
      env: { ...process.env, TESSERA_CACHE: cacheDir, HOME: path.join(dir, 'home') },
    });
    expect(stdout).toContain('+ prior tiny-sdxs');
    expect(decodePng(new Uint8Array(readFileSync(output))).width).toBe(40);
  });
});
