import type { RefinePrior } from '../../src/core/refine/prior.js';
import type { ModelCache } from '../../src/runtime/cache/model-cache.js';
import type { Fetch } from '../../src/runtime/download/fetch-following-redirects.js';
import type { ModelRunner, ModelSpec } from '../../src/runtime/model-runner.js';
import type { Manifest } from '../../src/runtime/models/manifest.js';
import type { LoadedSdxsPipeline, LoadSdxsOptions } from '../../src/runtime/sdxs/load-sdxs-pipeline.js';
import type { SdxsPipelineModels } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import type { LoadedUpscaleModels, LoadUpscaleOptions } from '../../src/runtime/upscale/load-upscale-models.js';

/**
 * What a page that keeps models gives the panel (PanelControllerOptions.models): its cache, the
 * manifest, and how to fetch, run and load them.
 */
export interface PanelModelOptions {
  readonly cache: ModelCache;
  readonly manifest: Manifest;
  /** The page's fetch; defaults to the global one. */
  readonly fetch?: Fetch;
  /** Passed to the downloader (tests make retries fast). */
  readonly retryDelayMs?: number;
  /**
   * Loads one ONNX file: the entry page passes createOrtWebRunner(spec, bytes, { preferred: ['webgpu', 'wasm'] })
   * with its ORT set up (kept out of this file so hosts without models do not bundle onnxruntime-web).
   * Without it Generate says this page cannot run models.
   */
  readonly createRunner?: (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;
  /** Builds the SDXS pipeline from the cache; default loadSdxsPipeline (tests pass a fake). */
  readonly loadPipeline?: (cache: ModelCache, manifest: Manifest, options: LoadSdxsOptions) => Promise<LoadedSdxsPipeline>;
  /** Refine's diffusion prior on the loaded SDXS models; default createSdxsPrior without a prompt (tests pass a fake). */
  readonly createPrior?: (models: SdxsPipelineModels) => RefinePrior;
  /**
   * Where the learned ×2 upsampler's ONNX bytes come from (the standalone page fetches the build's
   * rdn-2x.onnx); called only when an Upscale with "Learned ×2" loads its models. Without it
   * "Learned ×2" falls back to Lanczos and says so.
   */
  readonly learnedUpsamplerBytes?: (signal?: AbortSignal) => Promise<Uint8Array>;
  /** Loads Upscale's models from the cache; default loadUpscaleModels (tests pass a fake). */
  readonly loadUpscale?: (cache: ModelCache, manifest: Manifest, options: LoadUpscaleOptions) => Promise<LoadedUpscaleModels>;
}
