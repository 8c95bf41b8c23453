import { createImage, isFullyTransparent, type RgbaImage } from '../image.js';
import { TesseraError } from '../errors.js';
import { extractPaletteSteps } from '../palette/extract.js';
import { createPaletteMatcher } from '../palette/matcher.js';
import type { Palette } from '../palette/palette.js';
import { runSliced, runSync, type RunContext, type Steps } from '../progress.js';
import { cellOfPixel } from './cells.js';
import { cleanupOrphans } from './cleanup.js';
import { DITHERERS } from './dither.js';
import type { RefinePrior } from '../refine/prior.js';
import { refineSteps, type RefineOptions } from '../refine/refine.js';
import { DOWNSCALERS } from './downscale.js';
import { resolveGrid, type PixelateOptions, type RefineSettings } from './options.js';

/**
 * What a run may call out to: functions, so they travel beside the (serialisable) options, not in
 * them.
 */
export interface PixelateHooks {
  /** Runs the diffusion prior; needed when `options.refine.prior` is set, ignored otherwise. */
  readonly refinePrior?: RefinePrior;
  /** Refine's result so far, every 25 iterations and after the last (before orphan cleanup). */
  readonly onRefinePreview?: (preview: RefineGridPreview) => void;
}

export interface RefineGridPreview {
  readonly iteration: number;
  readonly iterations: number;
  /** One pixel per cell, palette colours only; a new image each time. */
  readonly grid: RgbaImage;
  readonly colorsUsed: number;
}

export type PixelateRunContext = RunContext & PixelateHooks;

export interface PixelateResult {
  /** One pixel per cell, palette colours only, alpha 0 or 255. */
  readonly grid: RgbaImage;
  /** Palette index per cell, row-major; -1 where the cell is transparent. */
  readonly indices: Int16Array;
  readonly palette: Palette;
  /** The result at the requested output scale (the source's size for `original`). */
  readonly image: RgbaImage;
  /** How many palette colours the result uses. */
  readonly colorsUsed: number;
}

/**
 * Source image → pixel art: grid → palette (given or extracted) → per-cell colour → palette
 * mapping with optional dithering, or Refine's joint optimisation → binary alpha → optional
 * orphan cleanup → output scale.
 * Pure and deterministic for the same source, options and seed.
 */
export function* pixelateSteps(src: RgbaImage, options: PixelateOptions, hooks: PixelateHooks = {}): Steps<PixelateResult> {
  if (isFullyTransparent(src)) {
    throw new TesseraError('invalid-input', 'The image is completely transparent: there is nothing to pixelate.');
  }
  const size = resolveGrid(options.grid, src.width, src.height);
  const palette =
    options.palette.kind === 'fixed'
      ? options.palette.palette
      : yield* extractPaletteSteps(src, { colors: options.palette.colors, seed: options.seed, alphaThreshold: options.alphaThreshold });
  const matcher = createPaletteMatcher(palette);

  const cells = yield* DOWNSCALERS[options.downscale](src, size.width, size.height, matcher);
  const opaque = new Uint8Array(size.width * size.height);
  // Binary alpha: coverage ≥ threshold, and a cell with no picture at all never turns opaque.
  for (let i = 0; i < opaque.length; i++) opaque[i] = cells.coverage[i] > 0 && cells.coverage[i] >= options.alphaThreshold ? 1 : 0;

  const strength = options.dither === 'none' ? 0 : options.ditherStrength;
  let indices = options.refine
    ? yield* refineSteps(cells, opaque, matcher, refineOptions(options.refine, options.seed, hooks, size, palette))
    : yield* DITHERERS[options.dither](cells, opaque, matcher, strength);
  if (options.cleanup) indices = yield* cleanupOrphans(indices, size.width, size.height, matcher);

  const grid = renderIndices(indices, size.width, size.height, palette);
  const image = yield* scaleOutput(grid, indices, src, options, palette);
  return { grid, indices, palette, image, colorsUsed: countColors(indices) };
}

/** Pixelate, yielding to the event loop as it goes; `sliceMs` Infinity yields only to wait for the prior (a Worker). */
export function pixelateImage(src: RgbaImage, options: PixelateOptions, ctx: PixelateRunContext = {}, { sliceMs }: { sliceMs?: number } = {}): Promise<PixelateResult> {
  return runSliced(pixelateSteps(src, options, ctx), ctx, sliceMs === undefined ? {} : { sliceMs });
}

/** Pixelate in one go; Refine with a diffusion prior needs `pixelateImage` (it waits for the model). */
export function pixelateImageSync(src: RgbaImage, options: PixelateOptions, ctx: PixelateRunContext = {}): PixelateResult {
  return runSync(pixelateSteps(src, options, ctx), ctx);
}

function refineOptions(refine: RefineSettings, seed: number, hooks: PixelateHooks, size: { width: number; height: number }, palette: Palette): RefineOptions {
  const { iterations, faithfulness, prior } = refine;
  if (prior && !hooks.refinePrior) {
    throw new TesseraError('invalid-input', 'Refine with the diffusion prior needs its model, and none was given to this run. Turn the prior off or load the model.');
  }
  const onPreview = hooks.onRefinePreview;
  return {
    iterations,
    faithfulness,
    seed,
    ...(prior && hooks.refinePrior ? { prior: hooks.refinePrior, priorWeight: prior.weight, priorEvery: prior.every } : {}),
    ...(onPreview
      ? {
          onPreview: (p) =>
            onPreview({ iteration: p.iteration, iterations: p.iterations, grid: renderIndices(p.indices, size.width, size.height, palette), colorsUsed: countColors(p.indices) }),
        }
      : {}),
  };
}

function renderIndices(indices: Int16Array, width: number, height: number, palette: Palette): RgbaImage {
  const out = createImage(width, height);
  const px32 = new Uint32Array(out.data.buffer);
  const colours = packPalette(palette);
  for (let i = 0; i < indices.length; i++) if (indices[i] >= 0) px32[i] = colours[indices[i]];
  return out;
}

/** Palette entries as opaque RGBA words in this machine's byte order, for whole-pixel writes. */
function packPalette(palette: Palette): Uint32Array {
  const n = palette.rgb.length / 3;
  const bytes = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    bytes[i * 4] = palette.rgb[i * 3];
    bytes[i * 4 + 1] = palette.rgb[i * 3 + 1];
    bytes[i * 4 + 2] = palette.rgb[i * 3 + 2];
    bytes[i * 4 + 3] = 255;
  }
  return new Uint32Array(bytes.buffer);
}

function* scaleOutput(grid: RgbaImage, indices: Int16Array, src: RgbaImage, options: PixelateOptions, palette: Palette): Steps<RgbaImage> {
  if (options.output === 'grid') return grid;
  const width = options.output === 'original' ? src.width : grid.width * options.output;
  const height = options.output === 'original' ? src.height : grid.height * options.output;
  const out = createImage(width, height);
  const px32 = new Uint32Array(out.data.buffer);
  const colours = packPalette(palette);
  const xs = cellOfPixel(width, grid.width), ys = cellOfPixel(height, grid.height);
  const rowsPerStep = 64;
  for (let y = 0; y < height; y += rowsPerStep) {
    const end = Math.min(height, y + rowsPerStep);
    drawCellRows(px32, width, y, end, xs, ys, indices, grid.width, colours);
    yield { stage: 'upscale', fraction: end / height };
  }
  return out;
}

/** Rows [from, to) of the output: each new cell row drawn as runs of one colour, repeats copied. */
function drawCellRows(px32: Uint32Array, width: number, from: number, to: number, xs: Int32Array, ys: Int32Array, indices: Int16Array, gridWidth: number, colours: Uint32Array): void {
  for (let y = from; y < to; y++) {
    const row = y * width;
    if (y > 0 && ys[y] === ys[y - 1]) {
      px32.copyWithin(row, row - width, row); // same cells as the line above
      continue;
    }
    const cellRow = ys[y] * gridWidth;
    let start = 0;
    while (start < width) {
      const cell = xs[start];
      let end = start + 1;
      while (end < width && xs[end] === cell) end++;
      const idx = indices[cellRow + cell];
      if (idx >= 0) px32.fill(colours[idx], row + start, row + end);
      start = end;
    }
  }
}

function countColors(indices: Int16Array): number {
  const seen = new Uint8Array(256);
  let n = 0;
  for (let i = 0; i < indices.length; i++) {
    const v = indices[i];
    if (v >= 0 && !seen[v]) {
      seen[v] = 1;
      n++;
    }
  }
  return n;
}
