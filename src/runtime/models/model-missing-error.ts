import { TesseraError } from '../../core/errors.js';
import type { ModelCache } from '../cache/model-cache.js';
import { formatBytes } from '../download/format-bytes.js';
import type { ModelEntry } from './manifest.js';
import { modelState, type ModelState } from './model-state.js';

/**
 * `model-missing` that says which model, how big it is and how to get it. Never downloads: models
 * are fetched only when the user asks (`tessera models pull ID`, or Download in the panel's model manager).
 */
export function modelMissingError(state: ModelState): TesseraError {
  const { model } = state;
  const size = `${state.exact ? '' : '≈'}${formatBytes(state.totalBytes)}`;
  const sofar = state.kind === 'partial' ? `; ${Math.floor((100 * state.bytesOnHand) / Math.max(1, state.totalBytes))}% is downloaded` : '';
  const missing = state.files.filter((f) => f.status !== 'installed').map((f) => f.file.name);
  return new TesseraError(
    'model-missing',
    `The model ${model.name} (${model.id}, ${size}) is not installed${sofar}. Get it with "tessera models pull ${model.id}".`,
    { details: { modelId: model.id, totalBytes: state.totalBytes, bytesOnHand: state.bytesOnHand, missingFiles: missing } },
  );
}

/** Resolves when every file of `model` is installed; otherwise throws `model-missing`. */
export async function requireModel(cache: ModelCache, model: ModelEntry): Promise<void> {
  const state = await modelState(cache, model);
  if (state.kind !== 'installed') throw modelMissingError(state);
}
