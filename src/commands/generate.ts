import { TesseraError } from '../core/errors.js';
import type { PixelateOptions } from '../core/pixelate/options.js';
import type { Stage } from '../core/progress.js';
import type { Host } from '../hosts/host.js';
import type { SdxsPipeline, SdxsStage } from '../runtime/sdxs/sdxs-pipeline.js';
import { stageProgress, type CommandContext } from './command-context.js';
import { computeInThread, pixelateNameParts, type PixelateCompute } from './pixelate.js';
import { applySelectionMask } from './selection-mask.js';

/** Panel or CLI values for one Generate run, before validation. */
export interface GenerateRequest {
  readonly prompt?: string;
  /** 0..1; default 1 (text-to-image at the layer's size, keeping its alpha). */
  readonly strength?: number;
  /** A whole number 0..2³²−1; default 1. */
  readonly seed?: number;
  /** "Generate as pixel art": pixelate the generated image with these (validated) options, in the same command and layer. */
  readonly pixelate?: PixelateOptions | null;
}

export interface GenerateOptions {
  readonly prompt: string;
  readonly strength: number;
  readonly seed: number;
  readonly pixelate: PixelateOptions | null;
}

export interface GenerateCommandResult {
  readonly layerName: string;
  readonly layerId: string;
  readonly historySteps: number;
  readonly timingsMs: { readonly read: number; readonly compute: number; readonly write: number };
}

const MAX_SEED = 2 ** 32 - 1;
const NAME_PROMPT_CHARS = 32;

/**
 * Validated options (throws `invalid-input` naming the field). The prompt may be empty only when
 * the layer conditions the result (strength below 1); SDXS has no negative prompt or guidance.
 */
export function resolveGenerateOptions(raw: GenerateRequest): GenerateOptions {
  const prompt = (raw.prompt ?? '').replace(/\s+/g, ' ').trim();
  const strength = raw.strength ?? 1;
  const seed = raw.seed ?? 1;
  if (typeof strength !== 'number' || !(strength >= 0 && strength <= 1)) {
    throw new TesseraError('invalid-input', `The strength must be between 0 and 1 (got ${String(strength)}).`, { details: { field: 'strength' } });
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new TesseraError('invalid-input', `The seed must be a whole number from 0 to ${MAX_SEED} (got ${String(seed)}).`, { details: { field: 'seed' } });
  }
  if (prompt === '' && strength === 1) {
    throw new TesseraError('invalid-input', 'Describe what to generate: the prompt is empty. (An empty prompt works only with a strength below 1, starting from the layer.)', {
      details: { field: 'prompt' },
    });
  }
  return { prompt, strength, seed, pixelate: raw.pixelate ?? null };
}

/** Each pipeline stage's place on the command's bar (read 0–5 %, write 95–100 %). */
const STAGE_BAR: Record<SdxsStage, { readonly stage: Stage; readonly from: number; readonly to: number }> = {
  'text-encode': { stage: 'encode', from: 0.05, to: 0.2 },
  'image-encode': { stage: 'encode', from: 0.2, to: 0.3 },
  denoise: { stage: 'refine', from: 0.3, to: 0.8 },
  'image-decode': { stage: 'decode', from: 0.8, to: 0.95 },
};

/**
 * Generate over the host's target and write the result as one new layer at its bounds: read →
 * one SDXS step (cancellable between model runs) → optionally Pixelate → write. The source layer
 * is never changed; "as pixel art" is still one layer and one history step.
 */
export async function generateCommand(
  host: Host,
  pipeline: SdxsPipeline,
  options: GenerateOptions,
  ctx: CommandContext,
  compute: PixelateCompute = computeInThread,
): Promise<GenerateCommandResult> {
  const t0 = performance.now();
  ctx.onProgress?.({ stage: 'read', fraction: 0 });
  const target = await host.readTarget(ctx.signal);
  const t1 = performance.now();

  const generated = await pipeline.generate(
    { image: target.image, prompt: options.prompt, strength: options.strength, seed: options.seed },
    {
      signal: ctx.signal,
      onProgress: (p) => {
        const bar = STAGE_BAR[p.stage];
        // With Pixelate after it, the generation's share of the bar ends at 85 % instead of 95 %.
        const squeeze = (f: number) => (options.pixelate ? 0.05 + ((f - 0.05) * 0.8) / 0.9 : f);
        ctx.onProgress?.({ stage: bar.stage, fraction: squeeze(bar.from + (bar.to - bar.from) * p.fraction) });
      },
    },
  );
  let result = generated;
  let layerName = generateLayerName(options);
  if (options.pixelate) {
    const pixelated = await compute(generated, { ...options.pixelate, output: 'original' }, { signal: ctx.signal, onProgress: stageProgress(ctx.onProgress, 0.85, 0.95) });
    result = pixelated.image;
    layerName = [layerName, ...pixelateNameParts(pixelated, options.pixelate)].join(' · ');
  }
  const image = target.mask ? applySelectionMask(result, target.mask) : result;
  const t2 = performance.now();

  ctx.signal.throwIfAborted();
  ctx.onProgress?.({ stage: 'write', fraction: 0.95 });
  const receipt = await host.writeResult({ name: layerName, image, x: target.bounds.x, y: target.bounds.y }, ctx.signal);
  ctx.onProgress?.({ stage: 'write', fraction: 1 });
  return { layerName, layerId: receipt.layerId, historySteps: receipt.historySteps, timingsMs: { read: t1 - t0, compute: t2 - t1, write: performance.now() - t2 } };
}

/** "Generate · a knight with a red cape · strength 1 · seed 42"; the prompt cut to 32 characters with "…". */
export function generateLayerName(options: Pick<GenerateOptions, 'prompt' | 'strength' | 'seed'>): string {
  const chars = Array.from(options.prompt);
  const prompt = chars.length > NAME_PROMPT_CHARS ? `${chars.slice(0, NAME_PROMPT_CHARS - 1).join('').trimEnd()}…` : options.prompt;
  return ['Generate', ...(prompt ? [prompt] : []), `strength ${options.strength}`, `seed ${options.seed}`].join(' · ');
}
