import { TesseraError } from '../core/errors.js';
import type { RgbaImage } from '../core/image.js';
import type { Palette } from '../core/palette/palette.js';
import { DEFAULT_REFINE_PRIOR, resolvePixelateOptions, type DitherMethod, type DownscaleMethod, type PixelateOptions } from '../core/pixelate/options.js';
import { pixelateImage, type PixelateHooks, type PixelateResult, type PixelateRunContext } from '../core/pixelate/pipeline.js';
import type { Host } from '../hosts/host.js';
import { stageProgress, type CommandContext } from './command-context.js';
import { applySelectionMask } from './selection-mask.js';

/**
 * Runs the pixelate pipeline somewhere: in this thread by default, in a Worker in browsers. The
 * context carries the hooks too (Refine's diffusion prior, its previews): a Worker compute runs
 * the prior back on the calling thread, where the models are.
 */
export type PixelateCompute = (source: RgbaImage, options: PixelateOptions, ctx: PixelateRunContext) => Promise<PixelateResult>;

export const computeInThread: PixelateCompute = (source, options, ctx) => pixelateImage(source, options, ctx);

/** Panel or CLI values for one Pixelate run, before validation. */
export interface PixelateRequest {
  /** A fixed palette, or a number of colours to extract from the target. */
  readonly palette: Palette | { readonly extract: number };
  readonly gridMode: 'cells' | 'cell-size';
  readonly cells: number;
  readonly cellSize: number;
  readonly downscale: DownscaleMethod;
  readonly dither: DitherMethod;
  readonly ditherStrength: number;
  readonly alphaThreshold: number;
  readonly cleanup: boolean;
  readonly seed: number;
  /** Refine instead of dithering (see RefineSettings in core); off when false. */
  readonly refine: boolean;
  readonly refineIterations: number;
  /** 0..1 */
  readonly faithfulness: number;
  /** Guide Refine with a diffusion model (its default settings); the run must bring the model. Default false. */
  readonly refinePrior?: boolean;
}

/** Validated core options for a request (throws `invalid-input` naming the field). Defaults live in core. */
export function resolvePixelateRequest(request: PixelateRequest): PixelateOptions {
  return resolvePixelateOptions({
    grid: request.gridMode === 'cells' ? { kind: 'longest', cells: request.cells } : { kind: 'cell-size', px: request.cellSize },
    palette: 'extract' in request.palette ? { kind: 'extract', colors: request.palette.extract } : { kind: 'fixed', palette: request.palette },
    downscale: request.downscale,
    dither: request.dither,
    ditherStrength: request.ditherStrength,
    alphaThreshold: request.alphaThreshold,
    cleanup: request.cleanup,
    seed: request.seed,
    refine: request.refine
      ? { iterations: request.refineIterations, faithfulness: request.faithfulness, prior: request.refinePrior ? DEFAULT_REFINE_PRIOR : null }
      : null,
  });
}

export interface PixelateCommandResult {
  readonly layerName: string;
  readonly layerId: string;
  readonly historySteps: number;
  readonly grid: { readonly width: number; readonly height: number };
  readonly colorsUsed: number;
  readonly timingsMs: { readonly read: number; readonly compute: number; readonly write: number };
}

/**
 * Pixelate the host's target and write the result as one new layer over it: read → compute
 * (outside the host, cancellable, with progress) → write. The source layer is never changed.
 * Refine with the diffusion prior needs `hooks.refinePrior` (e.g. createSdxsPrior on loaded models).
 */
export async function pixelateCommand(
  host: Host,
  options: PixelateOptions,
  ctx: CommandContext,
  compute: PixelateCompute = computeInThread,
  hooks: PixelateHooks = {},
): Promise<PixelateCommandResult> {
  if (options.refine?.prior && !hooks.refinePrior) {
    throw new TesseraError('model-missing', 'Refine with the diffusion prior needs the SDXS and TAESD models, which are not loaded. Install them, or turn the prior off.');
  }
  const t0 = performance.now();
  ctx.onProgress?.({ stage: 'read', fraction: 0 });
  const target = await host.readTarget(ctx.signal);
  const t1 = performance.now();

  const result = await compute(target.image, { ...options, output: 'original' }, { ...hooks, signal: ctx.signal, onProgress: stageProgress(ctx.onProgress, 0.05, 0.95) });
  const image = target.mask ? applySelectionMask(result.image, target.mask) : result.image;
  const t2 = performance.now();

  ctx.signal.throwIfAborted();
  ctx.onProgress?.({ stage: 'write', fraction: 0.95 });
  const layerName = pixelateLayerName(result, options);
  const receipt = await host.writeResult({ name: layerName, image, x: target.bounds.x, y: target.bounds.y }, ctx.signal);
  ctx.onProgress?.({ stage: 'write', fraction: 1 });

  return {
    layerName,
    layerId: receipt.layerId,
    historySteps: receipt.historySteps,
    grid: { width: result.grid.width, height: result.grid.height },
    colorsUsed: result.colorsUsed,
    timingsMs: { read: t1 - t0, compute: t2 - t1, write: performance.now() - t2 },
  };
}

/** "Pixelate · PICO-8 · 64×48 · bayer4", plus the seed when the palette was extracted (it shaped the result). */
export function pixelateLayerName(result: Pick<PixelateResult, 'palette' | 'grid'>, options: PixelateOptions): string {
  return ['Pixelate', ...pixelateNameParts(result, options)].join(' · ');
}

/** The settings part of a Pixelate layer name, for names that combine operations. */
export function pixelateNameParts(result: Pick<PixelateResult, 'palette' | 'grid'>, options: PixelateOptions): string[] {
  const palette = options.palette.kind === 'fixed' ? result.palette.name : `auto ${options.palette.colors}`;
  const method = options.refine ? `refine ${options.refine.iterations}${options.refine.prior ? ' + prior' : ''}` : options.dither;
  const parts = [palette, `${result.grid.width}×${result.grid.height}`, method];
  if (options.downscale !== 'area') parts.push(options.downscale);
  if (options.cleanup) parts.push('cleanup');
  if (options.palette.kind === 'extract' || options.refine) parts.push(`seed ${options.seed}`);
  return parts;
}
