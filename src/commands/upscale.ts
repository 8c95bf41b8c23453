import { createImage, pasteImage, type RgbaImage } from '../core/image.js';
import { checkDocumentFits } from '../hosts/document-limits.js';
import type { Host, LayerWrite } from '../hosts/host.js';
import type { UpscaleModels } from '../runtime/upscale/load-upscale-models.js';
import type { Upsampler } from '../runtime/upscale/upsample.js';
import { upscaleImage } from '../runtime/upscale/upscale-image.js';
import { checkUpscaleTarget, type Size } from '../runtime/upscale/upscale-plan.js';
import type { CommandContext } from './command-context.js';
import { applySelectionMask } from './selection-mask.js';
import type { UpscaleOptions } from './upscale-options.js';
import { upscaleCommandProgress } from './upscale-progress.js';

export type { UpscaleModels } from '../runtime/upscale/load-upscale-models.js';
export { DEFAULT_UPSAMPLER, DEFAULT_UPSCALE_STEPS, PIXELSMITH_SLIDER, resolveUpscaleOptions, type UpscaleOptions, type UpscaleRequest } from './upscale-options.js';
export { upscaleProgressDetail } from './upscale-progress.js';

const NAME_PROMPT_CHARS = 32;

export interface UpscaleCommandResult {
  readonly layerName: string;
  readonly layerId: string;
  readonly historySteps: number;
  /** false when no diffusion model was there: the result is the upsampler's alone. */
  readonly refined: boolean;
  /** What the user should know about how it was made (refinement off, learned upsampler missing); null when nothing. */
  readonly notice: string | null;
  /** The new document's size (scope 'canvas') or the new layer's (scope 'layer'). */
  readonly size: Size;
  readonly timingsMs: { readonly read: number; readonly compute: number; readonly write: number };
}

/**
 * Upscale into one new layer, refined with the diffusion model when `models.refiner` is there:
 * read → size check → the cascade (upsample, refine; runtime/upscale) → write.
 *
 * Scope 'canvas' (in place): hosts read the active layer (or the selection's crop of it), so the
 * command places it at its bounds on a transparent canvas the size of the document and upscales
 * that; the host resizes the document and adds the result covering it (`resizeDocument`), one
 * history step where it can. The other layers are scaled by the host and stay aligned under it.
 * For a layer that covers the document, as a flattened picture does, this costs nothing extra;
 * for a small layer in a big document, the empty area is refined too: use scope 'layer'.
 *
 * Scope 'layer': the target alone is upscaled and placed centred on where it was, like Free
 * Transform from the centre, without resizing the document; what falls outside the canvas is kept
 * or clipped as the host does for any layer. A custom size is the new layer's size here.
 *
 * The output size is checked against the host's `maxDocumentPixels` before any compute. Cancel
 * stops within one patch (or tile) and nothing is written.
 */
export async function upscaleCommand(host: Host, models: UpscaleModels, options: UpscaleOptions, ctx: CommandContext): Promise<UpscaleCommandResult> {
  const t0 = performance.now();
  ctx.onProgress?.({ stage: 'read', fraction: 0 });
  const target = await host.readTarget(ctx.signal);
  const t1 = performance.now();

  const masked = target.mask ? applySelectionMask(target.image, target.mask) : target.image;
  const { source, size, write } = placement(masked, target.bounds, target.documentSize, options);
  checkUpscaleTarget(source, size);
  checkDocumentFits(size.width, size.height, host.capabilities);

  const learned = options.upsampler === 'learned' ? models.learned : null;
  const image = (await upscaleImage(source, {
    target: size,
    oneStep: options.oneStep,
    refiner: models.refiner,
    learned,
    refine: { prompt: options.prompt, steps: options.steps, slider: options.slider, seed: options.seed },
    signal: ctx.signal,
    onProgress: (p) => ctx.onProgress?.(upscaleCommandProgress(p)),
  })) as RgbaImage;
  const t2 = performance.now();

  ctx.signal.throwIfAborted();
  ctx.onProgress?.({ stage: 'write', fraction: 0.97 });
  const refined = models.refiner !== null;
  const layerName = upscaleLayerName(options, size, refined, learned ? 'learned' : 'lanczos');
  const receipt = await host.writeResult({ name: layerName, image, ...write }, ctx.signal);
  ctx.onProgress?.({ stage: 'write', fraction: 1 });
  return {
    layerName,
    layerId: receipt.layerId,
    historySteps: receipt.historySteps,
    refined,
    notice: upscaleNotice(options, models),
    size,
    timingsMs: { read: t1 - t0, compute: t2 - t1, write: performance.now() - t2 },
  };
}

/** What the cascade upscales, to what size, and where the host puts the result. */
function placement(
  image: RgbaImage,
  bounds: { x: number; y: number; width: number; height: number },
  documentSize: Size,
  options: UpscaleOptions,
): { source: RgbaImage; size: Size; write: Pick<LayerWrite, 'x' | 'y' | 'resizeDocument'> } {
  const scaled = (from: Size): Size =>
    typeof options.scale === 'number' ? { width: from.width * options.scale, height: from.height * options.scale } : options.scale;
  if (options.scope === 'layer') {
    const size = scaled(image);
    const x = Math.round(bounds.x + (image.width - size.width) / 2), y = Math.round(bounds.y + (image.height - size.height) / 2);
    return { source: image, size, write: { x, y } };
  }
  const size = scaled(documentSize);
  const covers = bounds.x === 0 && bounds.y === 0 && image.width === documentSize.width && image.height === documentSize.height;
  const source = covers ? image : pasteImage(createImage(documentSize.width, documentSize.height), image, bounds.x, bounds.y);
  return { source, size, write: { x: 0, y: 0, resizeDocument: size } };
}

/** "Upscale ×4 · lanczos · a castle at dusk · slider 8/20 · seed 1"; without refinement only the scale and upsampler. */
export function upscaleLayerName(options: UpscaleOptions, size: Size, refined: boolean, upsamplerUsed: Upsampler): string {
  const scale = typeof options.scale === 'number' ? `×${options.scale}${options.scale === 4 && options.oneStep ? ' one step' : ''}` : `${size.width}×${size.height}`;
  const parts = ['Upscale', scale, upsamplerUsed];
  if (refined) {
    const chars = Array.from(options.prompt);
    if (chars.length > 0) parts.push(chars.length > NAME_PROMPT_CHARS ? `${chars.slice(0, NAME_PROMPT_CHARS - 1).join('').trimEnd()}…` : options.prompt);
    parts.push(`slider ${options.slider}/${options.steps}`, `seed ${options.seed}`);
  }
  return parts.join(' · ');
}

function upscaleNotice(options: UpscaleOptions, models: UpscaleModels): string | null {
  const notes: string[] = [];
  const learnedMissing = options.upsampler === 'learned' && models.learned === null;
  if (learnedMissing) notes.push('The learned upsampler is not available here, so Lanczos was used.');
  if (!models.refiner) notes.push(`Refinement needs a diffusion model, which is not installed: this is the ${learnedMissing || options.upsampler === 'lanczos' ? 'Lanczos' : 'learned'} upscale alone.`);
  return notes.length > 0 ? notes.join(' ') : null;
}
