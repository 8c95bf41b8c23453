import path from 'node:path';
import { decodeImage } from '../core/codecs/decode-image.js';
import { encodeJpeg } from '../core/codecs/jpeg.js';
import { encodePng } from '../core/codecs/png.js';
import { TesseraError } from '../core/errors.js';
import type { RgbaImage } from '../core/image.js';
import { DEFAULT_REFINE_PRIOR, DITHER_METHODS, DOWNSCALE_METHODS, type OutputScale, type PixelateOptions } from '../core/pixelate/options.js';
import { pixelateImage, type PixelateResult } from '../core/pixelate/pipeline.js';
import { paletteSize } from '../core/palette/palette.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import { createSdxsPrior } from '../runtime/refine-prior/sdxs-prior.js';
import { loadSdxsPipeline } from '../runtime/sdxs/load-sdxs-pipeline.js';
import { readInputFile, writeOutputFile, type CliIo } from './io.js';
import { nodeModelDeps, readManifest, type ModelCliDeps } from './model-deps.js';
import { PIXELATE_FLAGS, pixelateOptionsFromFlags } from './pixelate-flags.js';
import { parseCommandArgs, parseNumberArg, progressPrinter, usageError } from './args.js';

export const PIXELATE_HELP = `Usage: tessera pixelate IN -o OUT [options]

Turn a PNG or JPEG into pixel art with a palette and a grid. Writes PNG (or JPEG if OUT ends in .jpg).

  -o, --output FILE        where to write the result (required)
  --grid N | WxH           cells on the longest side (aspect kept), or an exact grid      [64]
  --cell PX                instead of --grid: the size of one cell in source pixels
  --palette NAME|FILE|auto:K
                           a preset (tessera palette list), a .hex/.gpl/.pal/.txt/.png file,
                           or K colours extracted from the image                          [pico-8]
  --dither METHOD          ${DITHER_METHODS.join(' | ')}   [none]
  --strength S             dither strength 0..1                                          [1]
  --downscale METHOD       ${DOWNSCALE_METHODS.join(' | ')}                                [area]
  --alpha T                a cell is opaque when at least T (0..1) of it is covered       [0.5]
  --cleanup                replace orphan cells (no neighbour shares their colour)
  --scale original|grid|N  output size: the input's size, one pixel per cell, or N px per cell [original]
  --seed S                 seed for palette extraction and Refine                       [1]
  --refine                 optimise the whole grid's palette choices together (SD-πXL-style)
                           instead of mapping cell by cell; replaces --dither
  --iterations N           Refine's optimiser steps                                     [500]
  --faithfulness F         Refine: 0 = drawn (flat areas, clean shapes) … 1 = faithful tone [0.5]
  --prior MODEL            Refine guided by a diffusion model, e.g. sdxs-512-dreamshaper: every
                           ${DEFAULT_REFINE_PRIOR.every} iterations it runs once (TAESD encode, one UNet step, decode) and the
                           image is pulled toward its guess. Needs MODEL and taesd installed
                           (tessera models pull ID); nothing is downloaded by this command
  --prior-weight W         how strongly the prior pulls, against faithfulness to the image's 1 [${DEFAULT_REFINE_PRIOR.weight}]
  --prompt TEXT            with --prior: what the picture shows, to steer the model          [none]

Example: tessera pixelate photo.jpg -o sprite.png --grid 64 --palette sweetie-16 --dither bayer4
`;

export async function pixelateCommand(argv: string[], io: CliIo, deps: ModelCliDeps = nodeModelDeps()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string', short: 'o' },
    scale: { type: 'string' },
    seed: { type: 'string' },
    strength: { type: 'string' },
    prompt: { type: 'string' },
    manifest: { type: 'string' },
    ...PIXELATE_FLAGS,
  });
  if (values.prompt !== undefined && values.prior === undefined) throw usageError('--prompt goes with --prior MODEL.');
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'pixelate needs an input image.' : 'pixelate takes one input image.');
  if (!values.output) throw usageError('pixelate needs an output file: -o OUT.png');
  const input = positionals[0];
  const output = values.output;
  const outputFormat = outputFormatOf(output);
  const options = await pixelateOptionsFromFlags(values, io, {
    strengthFlag: 'strength',
    seed: values.seed === undefined ? 1 : parseNumberArg('--seed', values.seed),
    output: parseScaleArg(values.scale ?? 'original'),
  });

  const started = performance.now();
  const source = decodeImage(await readInputFile(input));
  const result = options.refine?.prior
    ? await pixelateWithPrior(source, options, { modelId: values.prior, prompt: values.prompt, manifest: values.manifest }, io, deps)
    : await pixelateImage(source, options, { onProgress: progressPrinter(io) });
  const bytes = outputFormat === 'png' ? encodePng(result.image) : encodeJpeg(result.image);
  await writeOutputFile(output, bytes);
  const ms = performance.now() - started;
  if (outputFormat === 'jpeg') io.stderr('tessera: warning: JPEG blurs the edges of pixel art and adds colours; PNG keeps them exact.\n');
  io.stdout(
    `Wrote ${output} (${result.image.width}×${result.image.height}, grid ${result.grid.width}×${result.grid.height}, ` +
      `${result.palette.name} (${paletteSize(result.palette)} colours, ${result.colorsUsed} used), ` +
      `${options.refine ? `refine ${options.refine.iterations} iterations${options.refine.prior ? ` + prior ${values.prior}` : ''}` : `dither ${options.dither}`}, ` +
      `seed ${options.seed}) in ${Math.round(ms)} ms\n`,
  );
  return 0;
}

/**
 * Refine with the diffusion prior: the installed SDXS model and TAESD encoder loaded once (never
 * downloaded: a missing one fails with what to pull), released after the run; Ctrl-C cancels
 * between model runs.
 */
async function pixelateWithPrior(
  source: RgbaImage,
  options: PixelateOptions,
  prior: { modelId: string | undefined; prompt: string | undefined; manifest: string | undefined },
  io: CliIo,
  deps: ModelCliDeps,
): Promise<PixelateResult> {
  const manifest = await readManifest(prior.manifest);
  const cache = new NodeModelCache(defaultCacheDir(deps.env, deps.homeDir));
  const controller = new AbortController();
  const stopListening = deps.onInterrupt(() => controller.abort());
  try {
    const loaded = await loadSdxsPipeline(cache, manifest, { modelId: prior.modelId, withImageEncoder: true, createRunner: deps.createRunner, signal: controller.signal });
    try {
      const refinePrior = createSdxsPrior(loaded.models, { prompt: prior.prompt ?? '' });
      return await pixelateImage(source, options, { signal: controller.signal, refinePrior, onProgress: progressPrinter(io) });
    } finally {
      await loaded.release();
    }
  } finally {
    stopListening();
  }
}

function outputFormatOf(file: string): 'png' | 'jpeg' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.png') return 'png';
  if (ext === '.jpg' || ext === '.jpeg') return 'jpeg';
  throw usageError(`The output must be a .png (or .jpg) file, not "${file}".`);
}

function parseScaleArg(text: string): OutputScale {
  if (text === 'original' || text === 'grid') return text;
  if (/^\d+$/.test(text)) return Number(text);
  throw new TesseraError('invalid-input', `--scale takes original, grid or a whole number, not "${text}".`);
}
