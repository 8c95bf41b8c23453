import { TesseraError } from '../../core/errors.js';
import type { ModelCache } from '../cache/model-cache.js';
import { formatBytes } from '../download/format-bytes.js';
import type { ModelRunner } from '../model-runner.js';
import { findModel, modelSize, type Manifest, type ModelEntry } from '../models/manifest.js';
import { localPartOf, type CreateRunner, type RunnerSource } from '../models/model-file-runner.js';
import { modelState } from '../models/model-state.js';
import { createModelLoader, DEFAULT_IMAGE_ENCODER_MODEL, loadClipTokenizer, rangeOf, runnerSourceOf } from '../sdxs/load-sdxs-pipeline.js';
import { fileWithRole } from '../sdxs/manifest-file-spec.js';
import { learnedUpsamplerSpec } from '../upsample/learned-upsampler.js';
import { createUpscaleRefiner, type UpscaleRefiner } from './upscale-refiner.js';

/** What Upscale runs with. */
export interface UpscaleModels {
  /** null: no diffusion model installed: upscale with the upsampler only and say refinement needs a model. */
  readonly refiner: UpscaleRefiner | null;
  /** The learned ×2 network, when available; null → Lanczos. */
  readonly learned: ModelRunner | null;
}

/** The id the learned ×2 network (RDN ×2 from @upscalerjs/default-model, MIT) runs under. */
export const LEARNED_UPSAMPLER_ID = 'rdn-2x';

export interface LoadUpscaleOptions {
  /** Manifest id of the diffusion model; default the manifest's first model whose UNet has `patchLatents` (sdxs-512-dreamshaper). */
  readonly modelId?: string;
  /** Load the learned ×2 network too. */
  readonly learnedUpsampler: boolean;
  /**
   * false: look at no diffusion model at all (refiner null, nothing missing) and load only the
   * learned network; the panel passes it when its own check says refinement is off. Default true.
   */
  readonly refine?: boolean;
  /**
   * Where the learned network's ONNX bytes come from, called only when it is loaded: the CLI reads
   * the build's dist/models/rdn-2x.onnx (src/cli/learned-upsampler-source.ts), the standalone page
   * fetches its copy (fetch-learned-upsampler.ts). Without a source, `learned` is null and the
   * upscale uses Lanczos.
   */
  readonly learnedUpsamplerBytes?: (signal?: AbortSignal) => Promise<Uint8Array>;
  /**
   * Loads one ONNX file here: `createOrtWebRunner` (or a Node runner) with the caller's backends.
   * Give this or `runnerSource`; the learned network always runs here, through this (or a local
   * `runnerSource`'s).
   */
  readonly createRunner?: CreateRunner;
  /** Where the diffusion model's ONNX files run (here, or on an inference server); default local through `createRunner`. */
  readonly runnerSource?: RunnerSource;
  readonly signal?: AbortSignal;
}

export interface LoadedUpscaleModels {
  readonly models: UpscaleModels;
  /** Why refinement is off, in words for the user ("… is not installed: refinement is off. Get it with …"); null when it is on. */
  readonly missing: string | null;
  /** The manifest ids to install for refinement (empty when it is on). */
  readonly missingModelIds: readonly string[];
  /** Frees every session; call it in a `finally`. */
  release(): Promise<void>;
}

/**
 * Upscale's models from the cache. Unlike Generate, a diffusion model that is not installed is
 * not an error: `refiner` is null and `missing` says what to install (the command then upscales
 * without refinement). Nothing is downloaded. The refiner takes the UNet, text encoder,
 * tokenizer and decoder from the diffusion model and the TAESD encoder from the model itself or,
 * as sdxs-512-dreamshaper ships none, from `taesd`.
 */
export async function loadUpscaleModels(cache: ModelCache, manifest: Manifest, options: LoadUpscaleOptions): Promise<LoadedUpscaleModels> {
  if (options.refine === false) return loadLearnedOnly(options);
  const model = options.modelId === undefined ? defaultUpscaleModel(manifest) : findModel(manifest, options.modelId);
  const encoderModel = model.files.some((f) => f.role === 'vae-encoder') ? model : findModel(manifest, DEFAULT_IMAGE_ENCODER_MODEL);
  const unetFile = fileWithRole(model, 'unet');
  if (unetFile.patchLatents === undefined) {
    throw new TesseraError('invalid-input', `The model ${model.id} cannot refine upscales: the manifest gives its UNet no patch size (patchLatents).`, {
      details: { model: model.id },
    });
  }
  const source = runnerSourceOf(options);
  const notInstalled: ModelEntry[] = [];
  for (const m of model === encoderModel ? [model] : [model, encoderModel]) {
    // With a server running the ONNX files, only the others (the tokenizer) must be here.
    const needed = localPartOf(m, source.where);
    if (needed.files.length > 0 && (await modelState(cache, needed)).kind !== 'installed') notInstalled.push(m);
  }
  const createLocal = options.createRunner ?? (source.where === 'local' ? source.createRunner : undefined);

  const { load, keep, release } = createModelLoader(cache, source, options.signal);
  try {
    const loadedLearned = await loadLearned(options, createLocal);
    const learned = loadedLearned ? keep(loadedLearned) : null;
    let refiner: UpscaleRefiner | null = null;
    if (notInstalled.length === 0) {
      const decoderModel = model.files.some((f) => f.role === 'vae-decoder') ? model : encoderModel;
      const decoderFile = fileWithRole(decoderModel, 'vae-decoder');
      refiner = createUpscaleRefiner({
        modelId: model.id,
        textEncoder: await load(model, fileWithRole(model, 'text-encoder')),
        unet: await load(model, unetFile),
        vaeEncoder: await load(encoderModel, fileWithRole(encoderModel, 'vae-encoder')),
        vaeDecoder: await load(decoderModel, decoderFile),
        tokenizer: await loadClipTokenizer(cache, model),
        patchLatents: unetFile.patchLatents,
        vaeRange: rangeOf(decoderFile),
      });
    }
    return { models: { refiner, learned }, missing: missingText(notInstalled), missingModelIds: notInstalled.map((m) => m.id), release };
  } catch (e) {
    await release();
    throw e;
  }
}

/** The learned ×2 network alone, for an upscale that will not refine. */
async function loadLearnedOnly(options: LoadUpscaleOptions): Promise<LoadedUpscaleModels> {
  const source = options.runnerSource ?? null;
  const learned = await loadLearned(options, options.createRunner ?? (source?.where === 'local' ? source.createRunner : undefined));
  return { models: { refiner: null, learned }, missing: null, missingModelIds: [], release: async () => learned?.release() };
}

/** The learned ×2 network when it is asked for, has a source and can run here; else null (Lanczos). */
async function loadLearned(options: LoadUpscaleOptions, createLocal: CreateRunner | undefined): Promise<ModelRunner | null> {
  if (!options.learnedUpsampler || !options.learnedUpsamplerBytes || !createLocal) return null;
  options.signal?.throwIfAborted();
  const bytes = await options.learnedUpsamplerBytes(options.signal);
  options.signal?.throwIfAborted();
  return createLocal(learnedUpsamplerSpec(LEARNED_UPSAMPLER_ID), bytes);
}

/** The manifest's first model whose UNet has a patch size: the one Upscale refines with by default. */
export function defaultUpscaleModel(manifest: Manifest): ModelEntry {
  const model = manifest.models.find(canRefineUpscales);
  if (model) return model;
  throw new TesseraError('invalid-input', 'No model in the manifest can refine upscales (none has a UNet with a patch size).', {
    details: { models: manifest.models.map((m) => m.id) },
  });
}

/** A model Upscale can refine with: its UNet has a patch size (`patchLatents`). */
export function canRefineUpscales(model: ModelEntry): boolean {
  return model.files.some((f) => f.role === 'unet' && f.patchLatents !== undefined);
}

/** "SDXS-512 DreamShaper (882 MB) and TAESD (≈9.8 MB) are not installed: refinement is off. Get them with …" */
function missingText(models: readonly ModelEntry[]): string | null {
  if (models.length === 0) return null;
  const names = models.map((m) => {
    const { bytes, exact } = modelSize(m);
    return `${m.name} (${exact ? '' : '≈'}${formatBytes(bytes)})`;
  });
  const verb = models.length === 1 ? 'is' : 'are';
  const pull = models.map((m) => `"tessera models pull ${m.id}"`).join(' and ');
  return `${names.join(' and ')} ${verb} not installed: refinement is off. Get ${models.length === 1 ? 'it' : 'them'} with ${pull}, or the model manager.`;
}
