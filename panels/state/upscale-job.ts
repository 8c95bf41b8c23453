import type { UpscaleModels, UpscaleRequest } from '../../src/commands/upscale.js';
import { loadUpscaleModels, type LoadedUpscaleModels } from '../../src/runtime/upscale/load-upscale-models.js';
import type { RunnerSource } from '../../src/runtime/models/model-file-runner.js';
import type { PanelModelOptions } from './panel-model-options.js';
import type { UpscaleSettings } from './panel-state.js';

/** Upscale with no models: the upsampler alone (Lanczos-3), and the result says refinement needs a model. */
export const NO_UPSCALE_MODELS: UpscaleModels = { refiner: null, learned: null };

/** The Upscale controls' values as the command's request (resolveUpscaleOptions validates them). */
export function upscaleRequest(u: UpscaleSettings): UpscaleRequest {
  const scale = u.scale === 'x2' ? 2 : u.scale === 'x4' ? 4 : { width: u.customWidth, height: u.customHeight };
  return { scale, scope: u.scope, slider: u.slider, steps: u.steps, prompt: u.prompt, seed: u.seed, upsampler: u.upsampler, oneStep: u.oneStep };
}

/**
 * Upscale's models, loaded from the page's cache on the first run that needs them and kept for
 * the next while they serve it (the same refining model or none, learned upsampler or not).
 * Loading a diffusion model first calls `beforeLoad`, so the panel can drop Generate's pipeline:
 * one ~900 MB model at a time (the learned network alone is ~0.9 MB and drops nothing).
 */
export class UpscaleModelsKeeper {
  private kept: { readonly key: string; readonly loaded: LoadedUpscaleModels } | null = null;

  constructor(
    private readonly models: PanelModelOptions | undefined,
    private readonly beforeLoad: () => Promise<void>,
  ) {}

  /**
   * No models at all where nothing can run them (no runner in the page and no server), or when
   * neither refinement nor the learned upsampler is wanted. `refine` is the panel's own verdict
   * (upscale-availability.ts): without it no diffusion model is loaded, whatever the cache holds.
   * `runnerSource` says where the diffusion model runs (the Compute setting); the learned network
   * always runs in the page.
   */
  async get({ modelId, refine, learned, runnerSource, signal }: { modelId: string; refine: boolean; learned: boolean; runnerSource: RunnerSource; signal: AbortSignal }): Promise<UpscaleModels> {
    const models = this.models;
    if (!models || (!refine && !learned)) return NO_UPSCALE_MODELS;
    if (!models.createRunner && (runnerSource.where === 'local' || !refine)) return NO_UPSCALE_MODELS;
    const key = `${refine ? modelId : ''}:${learned}:${runnerSource.where}`;
    if (this.kept?.key === key) return this.kept.loaded.models;
    await this.release();
    if (refine) await this.beforeLoad();
    const loaded = await (models.loadUpscale ?? loadUpscaleModels)(models.cache, models.manifest, {
      modelId,
      refine,
      learnedUpsampler: learned,
      ...(models.learnedUpsamplerBytes ? { learnedUpsamplerBytes: models.learnedUpsamplerBytes } : {}),
      ...(models.createRunner ? { createRunner: models.createRunner } : {}),
      runnerSource,
      signal,
    });
    this.kept = { key, loaded };
    return loaded.models;
  }

  async release(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    if (kept) await kept.loaded.release();
  }
}
