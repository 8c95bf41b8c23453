import type { ModelCache } from '../cache/model-cache.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import type { ModelEntry, ModelFile } from './manifest.js';
import { requireModel } from './model-missing-error.js';

/** Loads one ONNX file from its bytes: onnxruntime-web or onnxruntime-node with the caller's backends. */
export type CreateRunner = (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;

export interface ModelFileRef {
  readonly model: ModelEntry;
  readonly file: ModelFile;
}

/** Opens a runner for a model file that a server holds (servedModelName names it there). */
export type OpenRemoteRunner = (spec: ModelSpec, ref: ModelFileRef) => Promise<ModelRunner>;

/**
 * Where a model's ONNX files run: here, from the bytes in the cache, or on an inference server
 * that holds them, in which case only the model's other files (a tokenizer) must be in the cache.
 * Pipelines (SDXS, Upscale) take one of these and stay unaware of which.
 */
export type RunnerSource =
  | { readonly where: 'local'; readonly createRunner: CreateRunner }
  | { readonly where: 'remote'; readonly openRunner: OpenRemoteRunner };

/**
 * The part of a model that must be in the cache when its ONNX files run `where`: all of it
 * locally, only the other files (a tokenizer) when a server runs the networks. What the model
 * manager shows and downloads in that case, too.
 */
export function localPartOf(model: ModelEntry, where: RunnerSource['where']): ModelEntry {
  return where === 'local' ? model : { ...model, files: model.files.filter((f) => f.format !== 'onnx') };
}

/** `model-missing` unless every file this source reads from the cache is installed (all of them locally; no ONNX file remotely). */
export async function requireModelFiles(cache: ModelCache, model: ModelEntry, source: RunnerSource): Promise<void> {
  const local = localPartOf(model, source.where);
  if (local.files.length > 0) await requireModel(cache, local);
}

/** A runner for one ONNX file of a model, from wherever `source` runs it. */
export async function openModelFileRunner(cache: ModelCache, source: RunnerSource, spec: ModelSpec, ref: ModelFileRef): Promise<ModelRunner> {
  if (source.where === 'remote') return source.openRunner(spec, ref);
  return source.createRunner(spec, await cache.read(ref.model.id, ref.file.name));
}
