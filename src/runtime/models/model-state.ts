import type { ModelCache } from '../cache/model-cache.js';
import { modelSize, type ModelEntry, type ModelFile } from './manifest.js';

/**
 * `stale`: a file is at the installed name but is not the one the manifest names now (another
 * size, or installed from another URL or sha256); a pull replaces it.
 */
export type ModelFileStatus = 'installed' | 'partial' | 'missing' | 'stale';

export interface ModelFileState {
  readonly file: ModelFile;
  readonly status: ModelFileStatus;
  /** Bytes that count towards the model: the installed size, or what a partial holds. */
  readonly bytesOnHand: number;
}

export interface ModelState {
  readonly model: ModelEntry;
  readonly kind: 'installed' | 'partial' | 'missing';
  readonly files: readonly ModelFileState[];
  readonly bytesOnHand: number;
  /** The model's size (with estimates where the manifest has no exact size; see `exact`). */
  readonly totalBytes: number;
  readonly exact: boolean;
}

/** What the cache holds of `model`, file by file, checked against the manifest (no hashing). */
export async function modelState(cache: ModelCache, model: ModelEntry): Promise<ModelState> {
  const files: ModelFileState[] = [];
  for (const file of model.files) {
    const state = await cache.fileState(model.id, file.name);
    if (state.kind === 'missing') {
      files.push({ file, status: 'missing', bytesOnHand: 0 });
    } else if (state.kind === 'partial') {
      files.push({ file, status: 'partial', bytesOnHand: state.bytes });
    } else {
      const record = await cache.installRecord(model.id, file.name);
      const stale =
        (file.bytes !== null && state.bytes !== file.bytes) ||
        (record !== null && (record.url !== file.url || (file.sha256 !== null && record.sha256 !== file.sha256)));
      files.push({ file, status: stale ? 'stale' : 'installed', bytesOnHand: stale ? 0 : state.bytes });
    }
  }
  const { bytes: totalBytes, exact } = modelSize(model);
  const kind = files.every((f) => f.status === 'installed') ? 'installed' : files.every((f) => f.bytesOnHand === 0) ? 'missing' : 'partial';
  return { model, kind, files, bytesOnHand: files.reduce((sum, f) => sum + f.bytesOnHand, 0), totalBytes, exact };
}
