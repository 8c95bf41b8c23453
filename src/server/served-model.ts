import type { ModelCache } from '../runtime/cache/model-cache.js';
import type { ModelRunner, ModelSpec } from '../runtime/model-runner.js';
import { findModel, type Manifest, type ModelEntry } from '../runtime/models/manifest.js';
import type { CreateRunner } from '../runtime/models/model-file-runner.js';
import { requireModel } from '../runtime/models/model-missing-error.js';
import { modelState } from '../runtime/models/model-state.js';
import { servedModelName } from '../runtime/remote/served-model-name.js';
import { manifestFileSpec } from '../runtime/sdxs/manifest-file-spec.js';
import { TesseraError } from '../core/errors.js';

/** One ONNX file the server runs, under its served name. */
export interface ServedModel {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly runner: ModelRunner;
}

export interface LoadServedModelsOptions {
  /** Manifest ids to serve; null serves every model that is fully installed. */
  readonly ids: readonly string[] | null;
  readonly createRunner: CreateRunner;
  readonly signal?: AbortSignal;
  /** Told of each model as it is loaded (the CLI prints it with its execution provider). */
  readonly onLoaded?: (model: ServedModel) => void;
}

/**
 * Loads the ONNX files of the chosen manifest models from the cache, one runner each, named
 * `<model id>.<file role>`. A model asked for by id must be installed (`model-missing` says how
 * to get it); with no ids, the installed ones are served and at least one must be. On any
 * failure the runners loaded so far are released.
 */
export async function loadServedModels(cache: ModelCache, manifest: Manifest, options: LoadServedModelsOptions): Promise<ServedModel[]> {
  const entries = await chooseModels(cache, manifest, options.ids);
  const served: ServedModel[] = [];
  try {
    for (const entry of entries) {
      for (const file of entry.files.filter((f) => f.format === 'onnx')) {
        options.signal?.throwIfAborted();
        const spec = manifestFileSpec(entry, file);
        const runner = await options.createRunner(spec, await cache.read(entry.id, file.name));
        const model = { name: servedModelName(entry.id, file.role), spec, runner };
        served.push(model);
        options.onLoaded?.(model);
      }
    }
  } catch (e) {
    for (const m of served.reverse()) await m.runner.release();
    throw e;
  }
  return served;
}

async function chooseModels(cache: ModelCache, manifest: Manifest, ids: readonly string[] | null): Promise<ModelEntry[]> {
  if (ids !== null) {
    const entries = [...new Set(ids)].map((id) => findModel(manifest, id));
    for (const entry of entries) await requireModel(cache, entry);
    return entries;
  }
  const installed: ModelEntry[] = [];
  for (const entry of manifest.models) if ((await modelState(cache, entry)).kind === 'installed') installed.push(entry);
  if (installed.length === 0) {
    throw new TesseraError('model-missing', `No model is installed in ${cache.location}, so there is nothing to serve. Get one with "tessera models pull ${manifest.models[0].id}".`, {
      details: { cache: cache.location },
    });
  }
  return installed;
}
