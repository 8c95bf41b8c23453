import { extractPaletteSteps } from '../core/palette/extract.js';
import type { Palette } from '../core/palette/palette.js';
import { runSliced } from '../core/progress.js';
import type { Host } from '../hosts/host.js';
import { stageProgress, type CommandContext } from './command-context.js';

export interface ExtractPaletteRequest {
  /** 1..256 */
  readonly colors: number;
  readonly seed: number;
}

/** k colours that represent the host's target (layer or selection), named after the layer. Writes nothing. */
export async function extractPaletteCommand(host: Host, request: ExtractPaletteRequest, ctx: CommandContext): Promise<Palette> {
  ctx.onProgress?.({ stage: 'read', fraction: 0 });
  const target = await host.readTarget(ctx.signal);
  return runSliced(
    extractPaletteSteps(target.image, { colors: request.colors, seed: request.seed, name: `${target.layerName} · ${request.colors}` }),
    { signal: ctx.signal, onProgress: stageProgress(ctx.onProgress, 0.05, 1) },
  );
}
