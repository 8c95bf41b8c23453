import type { CachedFileState, CachedModelListing, InstallRecord, ModelCache, PartialFile } from '../../src/runtime/cache/model-cache.js';
import { toTesseraError, type TesseraError } from '../../src/core/errors.js';
import { modelSize, type Manifest } from '../../src/runtime/models/manifest.js';
import { modelState, type ModelState } from '../../src/runtime/models/model-state.js';
import type { FetchLike } from '../../src/runtime/remote/inference-client.js';
import { RemoteModelCache } from '../../src/runtime/remote/remote-model-cache.js';
import type { ComputeSettings } from './panel-state.js';

/**
 * The model store of a panel that keeps none (Photoshop, Photopea): the files of the server the
 * Compute setting names now, through a RemoteModelCache for its URL and token, made anew when
 * they change (what one server gave out says nothing of another).
 */
export function serverModelCache(compute: () => ComputeSettings, options: { readonly manifest: Manifest; readonly fetch?: FetchLike }): ModelCache {
  let current: { readonly key: string; readonly cache: RemoteModelCache } | null = null;
  const cache = (): RemoteModelCache => {
    const { serverUrl, token } = compute();
    const key = `${serverUrl}\n${token}`;
    if (current?.key !== key) current = { key, cache: new RemoteModelCache({ url: serverUrl, token, manifest: options.manifest, ...(options.fetch ? { fetch: options.fetch } : {}) }) };
    return current.cache;
  };
  return {
    // Every read names the server in its errors; a URL that is not one fails there, as invalid-input.
    get location() {
      return `the inference server at ${compute().serverUrl}`;
    },
    fileState: (modelId: string, fileName: string): Promise<CachedFileState> => cache().fileState(modelId, fileName),
    has: (modelId: string, fileName: string): Promise<boolean> => cache().has(modelId, fileName),
    installRecord: (): Promise<InstallRecord | null> => cache().installRecord(),
    openPartial: (): Promise<PartialFile> => cache().openPartial(),
    readChunks: (modelId: string, fileName: string): AsyncIterable<Uint8Array> => cache().readChunks(modelId, fileName),
    read: (modelId: string, fileName: string): Promise<Uint8Array> => cache().read(modelId, fileName),
    removeFile: (): Promise<void> => cache().removeFile(),
    remove: (): Promise<number> => cache().remove(),
    list: (): Promise<CachedModelListing[]> => cache().list(),
  };
}

/**
 * Each manifest model as the server holds it (its ONNX files served, its other files given out).
 * A server that cannot be asked (not there, a wrong token, Triton) gives every model missing, and
 * the error that says why, for the Compute status: the panel shows no error for it, since
 * Pixelate needs no server.
 */
export async function serverModelStates(cache: ModelCache, manifest: Manifest): Promise<{ readonly states: ModelState[]; readonly failure: TesseraError | null }> {
  try {
    const states: ModelState[] = [];
    for (const model of manifest.models) states.push(await modelState(cache, model));
    return { states, failure: null };
  } catch (e) {
    const states = manifest.models.map((model): ModelState => {
      const { bytes: totalBytes, exact } = modelSize(model);
      return { model, kind: 'missing', files: model.files.map((file) => ({ file, status: 'missing', bytesOnHand: 0 })), bytesOnHand: 0, totalBytes, exact };
    });
    return { states, failure: toTesseraError(e) };
  }
}
