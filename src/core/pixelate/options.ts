import { TesseraError } from '../errors.js';
import type { Palette } from '../palette/palette.js';

export type DownscaleMethod = 'area' | 'dominant' | 'kcentroid';
export type DitherMethod = 'none' | 'bayer2' | 'bayer4' | 'bayer8' | 'floyd-steinberg' | 'atkinson';

export const DOWNSCALE_METHODS: readonly DownscaleMethod[] = ['area', 'dominant', 'kcentroid'];
export const DITHER_METHODS: readonly DitherMethod[] = ['none', 'bayer2', 'bayer4', 'bayer8', 'floyd-steinberg', 'atkinson'];

/**
 * The target grid: the longest side in cells (aspect kept), an exact cells size, or the size of
 * one cell in source pixels.
 */
export type GridSpec =
  | { readonly kind: 'longest'; readonly cells: number }
  | { readonly kind: 'exact'; readonly width: number; readonly height: number }
  | { readonly kind: 'cell-size'; readonly px: number };

/** Where the palette comes from: given colours, or k colours extracted from the image. */
export type PaletteSource = { readonly kind: 'fixed'; readonly palette: Palette } | { readonly kind: 'extract'; readonly colors: number };

/** `original` = the source's size (cells drawn as blocks); `grid` = one pixel per cell; a number = that many pixels per cell. */
export type OutputScale = 'original' | 'grid' | number;

export interface PixelateOptions {
  readonly grid: GridSpec;
  readonly palette: PaletteSource;
  readonly downscale: DownscaleMethod;
  readonly dither: DitherMethod;
  /** 0..1: how far dithering goes; 0 is plain nearest mapping. */
  readonly ditherStrength: number;
  /** 0..1: a cell is opaque when at least this share of it is covered. */
  readonly alphaThreshold: number;
  /** Replace isolated single cells with their neighbours' colour. */
  readonly cleanup: boolean;
  readonly output: OutputScale;
  readonly seed: number;
  /**
   * Optimise the cells' palette choices together (SD-πXL-style, src/core/refine) instead of
   * mapping each cell on its own; replaces dithering. null: plain mapping/dithering.
   */
  readonly refine: RefineSettings | null;
}

export interface RefineSettings {
  /** Optimiser steps, 1..10000. */
  readonly iterations: number;
  /** 0..1, "drawn ↔ faithful": low favours flat areas and clean shapes, high favours tone. */
  readonly faithfulness: number;
  /**
   * Guide Refine with a diffusion model (src/core/refine/prior.ts). These are its settings; the
   * model itself comes with the run (PixelateHooks.refinePrior), since a model is no option value.
   */
  readonly prior?: RefinePriorSettings | null;
}

export interface RefinePriorSettings {
  /** The prior's pull against fidelity's 1, 0..100. */
  readonly weight: number;
  /** Iterations between two model runs, 1..1000. */
  readonly every: number;
}

export const DEFAULT_REFINE_PRIOR: RefinePriorSettings = { weight: 1, every: 10 };

export const DEFAULT_PIXELATE_OPTIONS = {
  downscale: 'area',
  dither: 'none',
  ditherStrength: 1,
  alphaThreshold: 0.5,
  cleanup: false,
  output: 'original',
  seed: 1,
  refine: null,
} as const satisfies Partial<PixelateOptions>;

/** The largest upscale factor we write: beyond this a result is all block, no picture. */
export const MAX_OUTPUT_SCALE = 64;

/** Options with defaults filled in and every value checked; throws `invalid-input` with a message per field. */
export function resolvePixelateOptions(raw: Partial<PixelateOptions> & Pick<PixelateOptions, 'grid' | 'palette'>): PixelateOptions {
  const o = { ...DEFAULT_PIXELATE_OPTIONS, ...raw };
  checkGridSpec(o.grid);
  if (o.palette.kind === 'extract') checkInteger('number of colours', o.palette.colors, 1, 256);
  if (!DOWNSCALE_METHODS.includes(o.downscale)) invalid(`Unknown downscale method "${o.downscale}". Choose ${DOWNSCALE_METHODS.join(', ')}.`);
  if (!DITHER_METHODS.includes(o.dither)) invalid(`Unknown dither "${o.dither}". Choose ${DITHER_METHODS.join(', ')}.`);
  checkRange('dither strength', o.ditherStrength, 0, 1);
  checkRange('alpha threshold', o.alphaThreshold, 0, 1);
  if (typeof o.output === 'number') checkInteger('output scale', o.output, 1, MAX_OUTPUT_SCALE);
  else if (o.output !== 'original' && o.output !== 'grid') invalid(`Unknown output scale "${String(o.output)}". Use original, grid or a whole number.`);
  checkInteger('seed', o.seed, 0, 2 ** 32 - 1);
  if (o.refine) {
    checkInteger('number of Refine iterations', o.refine.iterations, 1, 10000);
    checkRange('faithfulness', o.refine.faithfulness, 0, 1);
    if (o.refine.prior) {
      checkRange('diffusion prior weight', o.refine.prior.weight, 0, 100);
      checkInteger('diffusion prior interval', o.refine.prior.every, 1, 1000);
    }
  }
  return o;
}

function checkGridSpec(grid: GridSpec): void {
  if (grid.kind === 'longest') checkInteger('grid size', grid.cells, 1, 65536);
  else if (grid.kind === 'exact') {
    checkInteger('grid width', grid.width, 1, 65536);
    checkInteger('grid height', grid.height, 1, 65536);
  } else if (grid.kind === 'cell-size') checkInteger('cell size', grid.px, 1, 65536);
  else invalid('Unknown grid.');
}

/** Grid cells for a source of width × height. Throws `invalid-input` when the grid would need more cells than pixels. */
export function resolveGrid(grid: GridSpec, width: number, height: number): { width: number; height: number } {
  let gw: number, gh: number;
  if (grid.kind === 'longest') {
    if (width >= height) {
      gw = grid.cells;
      gh = Math.max(1, Math.round((grid.cells * height) / width));
    } else {
      gh = grid.cells;
      gw = Math.max(1, Math.round((grid.cells * width) / height));
    }
  } else if (grid.kind === 'exact') {
    gw = grid.width;
    gh = grid.height;
  } else {
    if (grid.px > Math.max(width, height)) {
      invalid(`A cell of ${grid.px} px is larger than the ${width}×${height} image. Choose a cell size up to ${Math.max(width, height)}.`);
    }
    gw = Math.max(1, Math.round(width / grid.px));
    gh = Math.max(1, Math.round(height / grid.px));
  }
  if (gw > width || gh > height) {
    invalid(`A ${gw}×${gh} grid needs more cells than the ${width}×${height} image has pixels. Choose a grid up to ${width}×${height}.`);
  }
  return { width: gw, height: gh };
}

function checkInteger(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) invalid(`The ${what} must be a whole number from ${min} to ${max} (got ${String(v)}).`);
}

function checkRange(what: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !(v >= min && v <= max)) invalid(`The ${what} must be between ${min} and ${max} (got ${String(v)}).`);
}

function invalid(message: string): never {
  throw new TesseraError('invalid-input', message);
}
