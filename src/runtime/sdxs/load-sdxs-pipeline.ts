import { createClipTokenizer } from '../../core/diffusion/clip-tokenizer.js';
import type { TensorRange } from '../../core/diffusion/image-tensor.js';
import { TesseraError } from '../../core/errors.js';
import type { ModelCache } from '../cache/model-cache.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import { findModel, type Manifest, type ModelEntry, type ModelFile } from '../models/manifest.js';
import { requireModel } from '../models/model-missing-error.js';
import { fileWithRole, manifestFileSpec } from './manifest-file-spec.js';
import { createSdxsPipeline, type SdxsModel, type SdxsPipeline } from './sdxs-pipeline.js';

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
  /** Loads one ONNX file: `createOrtWebRunner` with the caller's backends. */
  readonly createRunner: (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;
  readonly signal?: AbortSignal;
}

export interface LoadedSdxsPipeline {
  readonly pipeline: SdxsPipeline;
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
  await requireModel(cache, model);
  if (encoderModel && encoderModel !== model) await requireModel(cache, encoderModel);

  const runners: ModelRunner[] = [];
  const release = async () => {
    for (const r of runners.splice(0).reverse()) await r.release();
  };
  const load = async (entry: ModelEntry, file: ModelFile): Promise<SdxsModel> => {
    options.signal?.throwIfAborted();
    const spec = manifestFileSpec(entry, file);
    const runner = await options.createRunner(spec, await cache.read(entry.id, file.name));
    runners.push(runner);
    return { runner, spec };
  };
  try {
    const decoderFile = fileWithRole(model, 'vae-decoder');
    const vocabBytes = await cache.read(model.id, fileWithRole(model, 'tokenizer-vocab').name);
    const merges = new TextDecoder().decode(await cache.read(model.id, fileWithRole(model, 'tokenizer-merges').name));
    const tokenizer = createClipTokenizer({ vocab: parseVocab(vocabBytes, model.id), merges });
    const textEncoder = await load(model, fileWithRole(model, 'text-encoder'));
    const unet = await load(model, fileWithRole(model, 'unet'));
    const vaeDecoder = await load(model, decoderFile);
    const vaeEncoder = encoderModel ? await load(encoderModel, fileWithRole(encoderModel, 'vae-encoder')) : undefined;
    const pipeline = createSdxsPipeline({ textEncoder, unet, vaeDecoder, vaeEncoder, tokenizer, vaeRange: rangeOf(decoderFile) });
    return { pipeline, release };
  } catch (e) {
    await release();
    throw e;
  }
}

function parseVocab(bytes: Uint8Array, modelId: string): Record<string, number> {
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
function rangeOf(decoder: ModelFile): TensorRange {
  const range = decoder.outputs?.find((t) => t.role === 'image')?.range;
  return range && range[0] === 0 && range[1] === 1 ? 'zero-to-one' : 'neg-one-to-one';
}
