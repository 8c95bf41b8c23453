import { formatBytes } from '../../src/runtime/download/format-bytes.js';
import { findModel, type ModelEntry } from '../../src/runtime/models/manifest.js';
import { localPartOf } from '../../src/runtime/models/model-file-runner.js';
import { modelState } from '../../src/runtime/models/model-state.js';
import { pullModel } from '../../src/runtime/models/pull-model.js';
import { IMAGE_ENCODER_MODEL_ID } from './generate-availability.js';
import { modelEntryView } from './model-entry-view.js';
import type { PanelModelOptions } from './panel-model-options.js';
import type { PanelJobs } from './panel-jobs.js';
import type { ModelEntryView } from './panel-state.js';
import type { PanelStore } from './panel-store.js';
import type { SdxsPipelineKeeper } from './sdxs-pipeline-keeper.js';
import { serverModelStates } from './server-model-cache.js';
import { showPanelError } from './show-panel-error.js';
import type { UpscaleModelsKeeper } from './upscale-job.js';

export interface ModelLibraryOptions {
  readonly store: PanelStore;
  readonly models: PanelModelOptions | undefined;
  /** A download is the panel's one job: its progress bar, its Cancel. */
  readonly jobs: PanelJobs;
  /** Released before a model they hold is removed. */
  readonly pipeline: SdxsPipelineKeeper;
  readonly upscaleModels: UpscaleModelsKeeper;
}

/**
 * The model manager's side of the panel: what the cache (or the server) holds of each model in
 * the manifest, and Download and Remove. The runtime does the work (modelState, pullModel, the
 * cache); this writes what it found into the store.
 */
export class ModelLibrary {
  constructor(private readonly options: ModelLibraryOptions) {}

  /** The models are a server's (modelSource 'server'): installed there, not from this panel. */
  get fromServer(): boolean {
    return this.options.store.get().capabilities.modelSource === 'server';
  }

  /** Reads what the cache holds of every model in the manifest (no hashing, no network). */
  async refresh(): Promise<void> {
    const { store, models } = this.options;
    if (!models) return;
    if (this.fromServer) return this.refreshServer(models);
    try {
      const views: ModelEntryView[] = [];
      const where = store.get().compute.where === 'server' ? 'remote' : 'local';
      for (const model of models.manifest.models) views.push(modelEntryView(await modelState(models.cache, localPartOf(model, where)), model));
      store.update({ models: views });
    } catch (e) {
      showPanelError(store, e);
    }
  }

  /**
   * The server's models (modelSource 'server'): each whole model as the server holds it (its ONNX
   * files served, its tokenizer given out). A server that cannot be asked leaves every model
   * missing and says why in the Compute status rather than as an error: Pixelate needs no server.
   */
  private async refreshServer(models: PanelModelOptions): Promise<void> {
    const { store } = this.options;
    const compute = store.get().compute;
    const { states, failure } = await serverModelStates(models.cache, models.manifest);
    if (store.get().compute !== compute) return; // answered for settings no longer current
    const views = states.map((state) => modelEntryView(state));
    store.update(failure === null ? { models: views } : { models: views, computeStatus: { kind: 'failed', message: failure.userMessage } });
  }

  /**
   * Downloads (or resumes) one model into the cache, as the panel's one job: its progress bar, its
   * Cancel. A cancel or a network failure keeps the bytes so far; the next Download resumes.
   */
  async download(id: string): Promise<void> {
    const { store, models, jobs } = this.options;
    if (!models || jobs.busy || this.fromServer) return;
    let model: ModelEntry;
    try {
      model = findModel(models.manifest, id);
    } catch (e) {
      showPanelError(store, e);
      return;
    }
    const label = `Download ${model.name}`;
    const showPercent = (percent: number, stage: string) =>
      store.update((s) => ({
        job: { label, stage, fraction: percent / 100 },
        models: s.models.map((m) => (m.id === id ? { ...m, state: 'downloading', percent } : m)),
      }));
    const outcome = await jobs.runShowingOwnProgress(
      () => {
        store.update({ error: null, notice: null });
        showPercent(store.get().models.find((m) => m.id === id)?.percent ?? 0, 'Starting');
      },
      (ctx) =>
        pullModel(models.cache, localPartOf(model, store.get().compute.where === 'server' ? 'remote' : 'local'), {
          signal: ctx.signal,
          ...(models.fetch ? { fetch: models.fetch } : {}),
          ...(models.retryDelayMs !== undefined ? { retryDelayMs: models.retryDelayMs } : {}),
          onProgress: (p) => {
            const percent = Math.floor((100 * p.modelReceivedBytes) / Math.max(1, p.modelTotalBytes));
            showPercent(percent, `${p.fileName} (${p.fileIndex + 1} of ${p.fileCount})`);
          },
        }),
    );
    await this.refresh();
    if (outcome.ok) {
      const fetched = outcome.value.alreadyInstalled ? 'it was already here' : `${formatBytes(outcome.value.downloadedBytes)} downloaded`;
      store.update({ notice: `Installed ${model.name} (${fetched}).` });
    } else if (outcome.error.code === 'cancelled') {
      const kept = store.get().models.find((m) => m.id === id);
      store.update({ notice: `Download paused${kept?.percent ? ` at ${kept.percent} %` : ''}: the bytes so far are kept, and Download resumes.` });
    } else {
      showPanelError(store, outcome.error);
    }
  }

  /** Deletes what the cache keeps of a model, installed or partial. */
  async remove(id: string): Promise<void> {
    const { store, models, jobs, pipeline, upscaleModels } = this.options;
    if (!models || jobs.busy || this.fromServer) return;
    try {
      if (id === pipeline.keptModelId || id === IMAGE_ENCODER_MODEL_ID) await pipeline.release();
      await upscaleModels.release();
      const name = models.manifest.models.find((m) => m.id === id)?.name ?? id;
      const freed = await models.cache.remove(id);
      store.update({ notice: `Removed ${name} (${formatBytes(freed)} freed).`, error: null });
    } catch (e) {
      showPanelError(store, e);
    }
    await this.refresh();
  }
}
