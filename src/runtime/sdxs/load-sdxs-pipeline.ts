import { createClipTokenizer, type ClipTokenizer } from '../../core/diffusion/clip-tokenizer.js';
import type { TensorRange } from '../../core/diffusion/image-tensor.js';
import { assert, TesseraError } from '../../core/errors.js';
import type { ModelCache } from '../cache/model-cache.js';
import type { ModelRunner } from '../model-runner.js';
import { findModel, type Manifest, type ModelEntry, type ModelFile } from '../models/manifest.js';
import { openModelFileRunner, requireModelFiles, type CreateRunner, type RunnerSource } from '../models/model-file-runner.js';
import { fileWithRole, manifestFileSpec } from './manifest-file-spec.js';
import { createSdxsPipeline, type SdxsModel, type SdxsPipeline, type SdxsPipelineModels } from './sdxs-pipeline.js';

export const DEFAULT_SDXS_MODEL = 'sdxs-512-dreamshaper';
/** Where the TAESD encoder comes from when the text-to-image model ships none (sdxs-512-dreamshaper does not). */
export const DEFAULT_IMAGE_ENCODER_MODEL = 'taesd';

export interface LoadSdxsOptions {
  /** Manifest id of the text-to-image model. Default `sdxs-512-dreamshaper`. */
  readonly modelId?: string;
  /** Load a TAESD encoder too (for strength below 1). */
  readonly withImageEncoder: boolean;
  /** Manifest id to take the encoder from when the model has none. Default `taesd`. */
  readonly imageEncoderModelId?: string;
  /** Loads one ONNX file from the cache: `createOrtWebRunner` with the caller's backends. Give this or `runnerSource`. */
  readonly createRunner?: CreateRunner;
  /** Where the ONNX files run (here, or on an inference server); default local through `createRunner`. */
  readonly runnerSource?: RunnerSource;
  readonly signal?: AbortSignal;
}

export interface LoadedSdxsPipeline {
  readonly pipeline: SdxsPipeline;
  /** The loaded models themselves, for other uses of the same sessions (Refine's diffusion prior). */
  readonly models: SdxsPipelineModels;
  /** Frees every session; call it in a `finally`. */
  release(): Promise<void>;
}

/**
 * Builds the SDXS pipeline from installed model files. Never downloads: a model that is not
 * installed fails with `model-missing` (which model, its size, `tessera models pull ID`), checked
 * for every model needed before any file is read.
 */
export async function loadSdxsPipeline(cache: ModelCache, manifest: Manifest, options: LoadSdxsOptions): Promise<LoadedSdxsPipeline> {
  const model = findModel(manifest, options.modelId ?? DEFAULT_SDXS_MODEL);
  const encoderModel = options.withImageEncoder
    ? model.files.some((f) => f.role === 'vae-encoder')
      ? model
      : findModel(manifest, options.imageEncoderModelId ?? DEFAULT_IMAGE_ENCODER_MODEL)
    : null;
  const source = runnerSourceOf(options);
  await requireModelFiles(cache, model, source);
  if (encoderModel && encoderModel !== model) await requireModelFiles(cache, encoderModel, source);

  const { load, release } = createModelLoader(cache, source, options.signal);
  try {
    const decoderFile = fileWithRole(model, 'vae-decoder');
    const tokenizer = await loadClipTokenizer(cache, model);
    const textEncoder = await load(model, fileWithRole(model, 'text-encoder'));
    const unet = await load(model, fileWithRole(model, 'unet'));
    const vaeDecoder = await load(model, decoderFile);
    const vaeEncoder = encoderModel ? await load(encoderModel, fileWithRole(encoderModel, 'vae-encoder')) : undefined;
    const models: SdxsPipelineModels = { textEncoder, unet, vaeDecoder, vaeEncoder, tokenizer, vaeRange: rangeOf(decoderFile) };
    return { pipeline: createSdxsPipeline(models), models, release };
  } catch (e) {
    await release();
    throw e;
  }
}

/** The options' runner source: `runnerSource`, else local through `createRunner`. */
/** Opens model files as runners and releases all of them together (in reverse order). */
export interface ModelLoader {
  load(entry: ModelEntry, file: ModelFile): Promise<SdxsModel>;
  /** Adopts a runner opened elsewhere, so release() frees it too. */
  keep(runner: ModelRunner): ModelRunner;
  release(): Promise<void>;
}

export function createModelLoader(cache: ModelCache, source: RunnerSource, signal?: AbortSignal): ModelLoader {
  const runners: ModelRunner[] = [];
  return {
    async load(entry, file) {
      signal?.throwIfAborted();
      const spec = manifestFileSpec(entry, file);
      const runner = await openModelFileRunner(cache, source, spec, { model: entry, file });
      runners.push(runner);
      return { runner, spec };
    },
    keep(runner) {
      runners.push(runner);
      return runner;
    },
    async release() {
      for (const r of runners.splice(0).reverse()) await r.release();
    },
  };
}

/** The model's CLIP tokenizer from its vocab.json and merges.txt in the cache. */
export async function loadClipTokenizer(cache: ModelCache, model: ModelEntry): Promise<ClipTokenizer> {
  const vocabBytes = await cache.read(model.id, fileWithRole(model, 'tokenizer-vocab').name);
  const merges = new TextDecoder().decode(await cache.read(model.id, fileWithRole(model, 'tokenizer-merges').name));
  return createClipTokenizer({ vocab: parseVocab(vocabBytes, model.id), merges });
}

export function runnerSourceOf(options: { readonly createRunner?: CreateRunner; readonly runnerSource?: RunnerSource }): RunnerSource {
  if (options.runnerSource) return options.runnerSource;
  assert(options.createRunner !== undefined, 'loadSdxsPipeline needs createRunner or runnerSource');
  return { where: 'local', createRunner: options.createRunner };
}

export function parseVocab(bytes: Uint8Array, modelId: string): Record<string, number> {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number>;
  } catch (e) {
    throw new TesseraError('model-mismatch', `The tokenizer of ${modelId} is not valid JSON. Delete the model and pull it again.`, {
      cause: e,
      details: { model: modelId, file: 'vocab.json' },
    });
  }
}

/** The decoder's image range from the manifest, where it says; else the optimum convention [−1, 1]. */
export function rangeOf(decoder: ModelFile): TensorRange {
  const range = decoder.outputs?.find((t) => t.role === 'image')?.range;
  return range && range[0] === 0 && range[1] === 1 ? 'zero-to-one' : 'neg-one-to-one';
}
