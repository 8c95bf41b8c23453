import { pngDataUrl } from '../../src/core/codecs/base64.js';
import { encodePng } from '../../src/core/codecs/png.js';
import { TesseraError, toTesseraError } from '../../src/core/errors.js';
import { parsePalette } from '../../src/core/palette/palette-file.js';
import { paletteFromHex, paletteToHex, type Palette } from '../../src/core/palette/palette.js';
import { PALETTE_PRESETS } from '../../src/core/palette/presets.js';
import { runCommand, type CommandContext, type CommandProgress } from '../../src/commands/command-context.js';
import { extractPaletteCommand } from '../../src/commands/extract-palette.js';
import { generateCommand, resolveGenerateOptions } from '../../src/commands/generate.js';
import { pixelateCommand, resolvePixelateRequest, type PixelateCompute } from '../../src/commands/pixelate.js';
import { resolveUpscaleOptions, upscaleCommand } from '../../src/commands/upscale.js';
import { rescaleSlider } from '../../src/core/diffusion/ddim-schedule.js';
import { resolveGrid } from '../../src/core/pixelate/options.js';
import type { Host } from '../../src/hosts/host.js';
import type { ModelCache } from '../../src/runtime/cache/model-cache.js';
import type { ModelRunner, ModelSpec } from '../../src/runtime/model-runner.js';
import { loadSdxsPipeline, type LoadedSdxsPipeline, type LoadSdxsOptions } from '../../src/runtime/sdxs/load-sdxs-pipeline.js';
import type { SdxsPipelineModels } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import { createSdxsPrior } from '../../src/runtime/refine-prior/sdxs-prior.js';
import type { RefinePrior } from '../../src/core/refine/prior.js';
import { canRefineUpscales, type LoadedUpscaleModels, type LoadUpscaleOptions } from '../../src/runtime/upscale/load-upscale-models.js';
import type { Fetch } from '../../src/runtime/download/fetch-following-redirects.js';
import { formatBytes } from '../../src/runtime/download/format-bytes.js';
import { findModel, type Manifest, type ModelEntry } from '../../src/runtime/models/manifest.js';
import { modelState, type ModelState } from '../../src/runtime/models/model-state.js';
import { pullModel } from '../../src/runtime/models/pull-model.js';
import { IMAGE_ENCODER_MODEL_ID, generateBlockedReason } from './generate-availability.js';
import { computeRunnerSource, testComputeConnection } from './compute-connection.js';
import { localPartOf, type RunnerSource } from '../../src/runtime/models/model-file-runner.js';
import { DEFAULT_SETTINGS, type ComputeSettings, type GenerateSettings, type ModelEntryView, type PaletteEntry, type PanelEventMap, type PanelState, type PixelateSettings, type UpscaleSettings } from './panel-state.js';
import type { PanelStore } from './panel-store.js';
import { refinePriorAvailable } from './prior-availability.js';
import { createRefinePreviewSink } from './refine-preview.js';
import { restoreSettings, type SettingsStorage } from './saved-settings.js';
import { serverModelStates } from './server-model-cache.js';
import { upscaleRefinementNote } from './upscale-availability.js';
import { UpscaleModelsKeeper, upscaleRequest } from './upscale-job.js';


export interface PanelControllerOptions {
  readonly store: PanelStore;
  readonly host: Host;
  /** Runs Apply; a Worker in browsers. */
  readonly compute: PixelateCompute;
  /** Runs the live preview; separate from `compute` so cancelling one never stops the other. */
  readonly previewCompute: PixelateCompute;
  readonly storage: SettingsStorage;
  /**
   * Where this host keeps models, if it can: a browser page passes its cache, the manifest and its
   * `fetch`; Photoshop's and Photopea's panels (modelSource 'server') pass the server's files as
   * the cache (serverModelCache) and no runner. Without it the Generate section says what it needs.
   */
  readonly models?: PanelModelOptions;
  /** A uniformly random whole number 0..2³²−1 for "New seed"; default crypto.getRandomValues (tests pass their own). */
  readonly randomUint32?: () => number;
}

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


const noRunner = (): Promise<ModelRunner> => Promise.reject(new TesseraError('internal', 'This page gives the panel no way to run models.'));

const defaultRandomUint32 = (): number => crypto.getRandomValues(new Uint32Array(1))[0];

const BACKEND_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'wasm (CPU)', remote: 'a server' };

/** "WebGPU (WebGPU adapter found …)", "wasm (CPU) (WebGPU not used: …)": what runs the UNet and why. */
function backendText(runner: ModelRunner): string {
  return `${BACKEND_NAMES[runner.backend] ?? runner.backend} (${runner.backendReason})`;
}

/** The same source, noting each runner it opens (the panel shows what runs the UNet). */
function recordingSource(source: RunnerSource, opened: ModelRunner[]): RunnerSource {
  const keep = (runner: ModelRunner) => (opened.push(runner), runner);
  return source.where === 'local'
    ? { where: 'local', createRunner: async (spec, bytes) => keep(await source.createRunner(spec, bytes)) }
    : { where: 'remote', openRunner: async (spec, ref) => keep(await source.openRunner(spec, ref)) };
}

/** The loaded pipeline the panel keeps between runs (one at a time: the SDXS files are near 900 MB). */
interface KeptPipeline {
  readonly modelId: string;
  readonly withImageEncoder: boolean;
  readonly loaded: LoadedSdxsPipeline;
}

/** Seed for palette extraction: fixed, so "Extract 16 colours" gives the same palette every time. */
const EXTRACT_SEED = 1;
const PREVIEW_DELAY_MS = 150;
/** Past this a preview costs seconds and shows nothing a 300 px panel can display. */
const MAX_PREVIEW_CELLS = 512 * 512;

export const PRESET_ENTRIES: readonly PaletteEntry[] = PALETTE_PRESETS.map((p) => ({
  id: p.id,
  name: p.name,
  colors: paletteToHex(p.palette),
  source: 'preset',
}));

/** The panel's first state: saved settings and palettes restored, nothing running. */
export function initialPanelState(
  host: Host,
  storage: SettingsStorage,
  {
    models = false,
    localCompute = true,
    learnedUpsampler = false,
    modelSource = 'cache',
  }: { models?: boolean; localCompute?: boolean; learnedUpsampler?: boolean; /** 'server': the models are a server's (PanelCapabilities.modelSource). */ modelSource?: 'cache' | 'server' } = {},
): PanelState {
  const { settings, customPalettes, generate, upscale, compute } = restoreSettings(storage.load());
  const palettes = [...PRESET_ENTRIES, ...customPalettes];
  const fromServer = modelSource === 'server';
  return {
    capabilities: {
      hostName: host.capabilities.name,
      singleUndoStep: host.capabilities.singleUndoStep,
      models: models || fromServer,
      learnedUpsampler,
      ...(fromServer ? { modelSource } : {}),
    },
    settings: palettes.some((p) => p.id === settings.paletteId) ? settings : { ...settings, paletteId: DEFAULT_SETTINGS.paletteId },
    palettes,
    preview: { kind: 'none', reason: 'Select a layer to see a preview.' },
    job: null,
    error: null,
    notice: null,
    models: [],
    generate,
    upscale,
    // A host that cannot run models itself (Photoshop, Photopea) runs them on a server.
    compute: localCompute && !fromServer ? compute : { ...compute, where: 'server' },
    computeStatus: { kind: 'idle' },
  };
}

/** How the model manager shows one model's cache state; `entry` is the whole manifest entry when `state` is of its local part (a server runs the ONNX files). */
export function modelEntryView(state: ModelState, entry: ModelEntry = state.model): ModelEntryView {
  const { model } = state;
  const percent = state.kind === 'partial' ? Math.floor((100 * state.bytesOnHand) / Math.max(1, state.totalBytes)) : undefined;
  return {
    id: model.id,
    name: model.name,
    sizeText: `${state.exact ? '' : '≈'}${formatBytes(state.totalBytes)}`,
    state: state.kind,
    ...(percent !== undefined ? { percent } : {}),
    ...(model.licence ? { licence: model.licence } : {}),
    textToImage: model.capabilities.includes('text-to-image'),
    refinesUpscales: canRefineUpscales(entry),
  };
}

/**
 * The one place that turns the panel's intents into commands: it listens at the panel's root,
 * runs commands through runCommand, and writes progress, results and errors into the store. It
 * owns the AbortController behind Cancel. Components hold no logic; hosts know nothing of it.
 */
export class PanelController {
  private job: AbortController | null = null;
  private preview: AbortController | null = null;
  private previewTimer: ReturnType<typeof setTimeout> | null = null;
  private pipeline: KeptPipeline | null = null;
  /** Apply with the diffusion prior is showing its progress in the preview: live previews wait (true once one was asked for meanwhile). */
  private previewHeld: boolean | null = null;
  private readonly upscaleModels: UpscaleModelsKeeper;

  constructor(private readonly options: PanelControllerOptions) {
    // One big model in memory at a time: loading Upscale's drops Generate's pipeline.
    this.upscaleModels = new UpscaleModelsKeeper(options.models, () => this.releasePipeline());
  }

  /** Listen for the panel's events on `root`; returns the function that stops listening. */
  connect(root: HTMLElement): () => void {
    const handlers: { [K in keyof PanelEventMap]: (e: PanelEventMap[K]) => void } = {
      'tessera-change': (e) => this.changeSettings(e.detail),
      'tessera-input': (e) => this.changeSettings(e.detail, { persist: false }),
      'tessera-apply': () => void this.apply(),
      'tessera-cancel': () => this.cancel(),
      'tessera-import-palette': (e) => this.importPalette(e.detail.fileName, e.detail.bytes),
      'tessera-extract-palette': (e) => void this.extractPalette(e.detail.colors),
      'tessera-remove-palette': (e) => this.removePalette(e.detail.id),
      'tessera-dismiss': () => this.options.store.update({ error: null, notice: null }),
      'tessera-download-model': (e) => void this.downloadModel(e.detail.id),
      'tessera-remove-model': (e) => void this.removeModel(e.detail.id),
      'tessera-generate-change': (e) => this.changeGenerate(e.detail),
      'tessera-generate': () => void this.generate(),
      'tessera-roll-seed': () => this.rollSeed(),
      'tessera-upscale-change': (e) => this.changeUpscale(e.detail),
      'tessera-upscale': () => void this.upscale(),
      'tessera-upscale-roll-seed': () => this.changeUpscale({ seed: (this.options.randomUint32 ?? defaultRandomUint32)() >>> 0 }),
      'tessera-compute-change': (e) => void this.changeCompute(e.detail),
      'tessera-test-connection': () => void this.testConnection(),
    };
    const entries = Object.entries(handlers) as [string, EventListener][];
    for (const [name, handler] of entries) root.addEventListener(name, handler);
    void this.refreshModels(); // reads the cache only: nothing downloads unless the user asks
    return () => {
      for (const [name, handler] of entries) root.removeEventListener(name, handler);
      this.cancel();
      this.preview?.abort();
      void this.releasePipeline();
      void this.upscaleModels.release();
    };
  }

  /** New Upscale values; a new step count rescales the Slider (20 of 50 → 8 of 20) unless it comes too. */
  changeUpscale(patch: Partial<UpscaleSettings>): void {
    this.options.store.update((s) => {
      const steps = patch.steps ?? s.upscale.steps;
      const slider = patch.slider ?? (steps !== s.upscale.steps ? rescaleSlider(s.upscale.slider, s.upscale.steps, steps) : s.upscale.slider);
      return { upscale: { ...s.upscale, ...patch, slider: Math.min(steps, Math.max(0, slider)) } };
    });
    this.save();
  }

  /**
   * Upscale the canvas in place (or the layer) into one new layer, as the panel's one job. It
   * refines when the models are installed; without them it upscales with the upsampler alone and
   * the notice says what refinement needs.
   */
  async upscale(): Promise<void> {
    const { store, host } = this.options;
    if (this.job) return;
    const state = store.get();
    const refine = upscaleRefinementNote(state) === null;
    const outcome = await this.runJob('Upscale', async (ctx) => {
      const options = resolveUpscaleOptions(upscaleRequest(state.upscale));
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const runnerSource = computeRunnerSource(state.compute, this.options.models?.createRunner ?? noRunner, { ...(this.options.models?.fetch ? { fetch: this.options.models.fetch } : {}), signal: ctx.signal });
      const models = await this.upscaleModels.get({ modelId: state.upscale.modelId, refine, learned: options.upsampler === 'learned', runnerSource, signal: ctx.signal });
      return upscaleCommand(host, models, options, ctx);
    });
    if (!outcome) return;
    const steps = outcome.historySteps === 1 ? '1 undo step' : `${outcome.historySteps} undo steps`;
    const size = `${outcome.size.width}×${outcome.size.height}`;
    store.update({ notice: `Added “${outcome.layerName}” at ${size} (${steps}).${outcome.notice ? ` ${outcome.notice}` : ''}` });
  }



  /**
   * A new Compute setting. Models loaded for the old one are released (they ran elsewhere), and
   * the model list is read again: with a server, only each model's non-ONNX files must be here.
   */
  async changeCompute(patch: Partial<ComputeSettings>): Promise<void> {
    this.options.store.update((s) => ({ compute: { ...s.compute, ...patch }, computeStatus: { kind: 'idle' } }));
    this.save();
    await this.releasePipeline();
    await this.upscaleModels.release();
    await this.refreshModels();
  }

  /** "Test connection": the server, its models and what runs them, into the Compute status. */
  async testConnection(): Promise<void> {
    const { store } = this.options;
    const compute = store.get().compute;
    store.update({ computeStatus: { kind: 'testing' } });
    const status = await testComputeConnection(compute, { ...(this.options.models?.fetch ? { fetch: this.options.models.fetch } : {}), manifest: this.options.models?.manifest });
    // A setting changed meanwhile makes this answer stale.
    if (store.get().compute !== compute) return;
    store.update({ computeStatus: status });
    // A server that answers now may hold models it did not a moment ago.
    if (status.kind === 'connected' && this.modelsFromServer()) await this.refreshModels();
  }

  changeGenerate(patch: Partial<Omit<GenerateSettings, 'backend'>>): void {
    this.options.store.update((s) => ({ generate: { ...s.generate, ...patch } }));
    this.save();
  }

  /** "New seed": a random whole number 0..2³²−1 (crypto, or the injected source). */
  rollSeed(): void {
    const seed = (this.options.randomUint32 ?? defaultRandomUint32)() >>> 0;
    this.changeGenerate({ seed });
  }

  /**
   * Generate into one new layer, as the panel's one job (progress, Cancel). The pipeline loads on
   * the first run and is kept for the next; "as pixel art" pixelates in the same command and layer.
   */
  async generate(): Promise<void> {
    const { store, host, compute } = this.options;
    const models = this.options.models;
    if (!models || this.job) return;
    const blocked = generateBlockedReason(store.get());
    if (blocked) {
      store.update({ error: { code: 'model-missing', message: blocked }, notice: null });
      return;
    }
    const g = store.get().generate;
    const outcome = await this.runJob('Generate', async (ctx) => {
      const options = resolveGenerateOptions({
        prompt: g.prompt,
        strength: g.strength,
        seed: g.seed,
        pixelate: g.asPixelArt ? resolvePixelateRequest(this.request()) : null,
      });
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const pipeline = await this.loadPipeline(models, options.strength < 1, ctx.signal);
      return generateCommand(host, pipeline.pipeline, options, ctx, compute);
    });
    if (!outcome) return;
    const steps = outcome.historySteps === 1 ? '1 undo step' : `${outcome.historySteps} undo steps`;
    store.update({ notice: `Added “${outcome.layerName}” (${steps}).` });
  }

  /** The kept pipeline when it serves this run (one with an encoder serves every strength), else a fresh one. */
  private async loadPipeline(models: PanelModelOptions, withImageEncoder: boolean, signal: AbortSignal): Promise<LoadedSdxsPipeline> {
    const kept = this.pipeline;
    const modelId = this.options.store.get().generate.modelId;
    if (kept && kept.modelId === modelId && (kept.withImageEncoder || !withImageEncoder)) return kept.loaded;
    await this.releasePipeline();
    await this.upscaleModels.release();
    const createRunner = models.createRunner ?? noRunner;
    const runners: ModelRunner[] = [];
    const loaded = await (models.loadPipeline ?? loadSdxsPipeline)(models.cache, models.manifest, {
      modelId,
      withImageEncoder,
      imageEncoderModelId: IMAGE_ENCODER_MODEL_ID,
      runnerSource: recordingSource(computeRunnerSource(this.options.store.get().compute, createRunner, { ...(models.fetch ? { fetch: models.fetch } : {}), signal }), runners),
      signal,
    });
    this.pipeline = { modelId, withImageEncoder, loaded };
    // The UNet does nearly all the work: its backend is the one worth showing.
    const main = runners.find((r) => r.id.includes('unet')) ?? runners[0];
    if (main) this.options.store.update((s) => ({ generate: { ...s.generate, backend: backendText(main) } }));
    return loaded;
  }

  private async releasePipeline(): Promise<void> {
    const kept = this.pipeline;
    this.pipeline = null;
    if (kept) await kept.loaded.release();
  }

  changeSettings(patch: Partial<PixelateSettings>, { persist = true } = {}): void {
    const { store } = this.options;
    store.update((s) => ({ settings: { ...s.settings, ...patch } }));
    if (persist) this.save();
    this.schedulePreview();
  }

  /**
   * Pixelate the target into a new layer. With Refine's diffusion prior, the SDXS models are
   * loaded here (kept with Generate's) and run on this thread, the optimiser in the worker
   * (worker-compute.ts); its progress shows in the preview, which never runs the prior itself.
   */
  async apply(): Promise<void> {
    const { store, host, compute } = this.options;
    if (this.job) return; // one job at a time; the button is disabled meanwhile
    const outcome = await this.runJob('Pixelate', async (ctx) => {
      const options = resolvePixelateRequest(this.request());
      const models = this.options.models;
      if (!options.refine?.prior || !models) return pixelateCommand(host, options, ctx, compute);
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const loaded = await this.loadPipeline(models, true, ctx.signal);
      this.preview?.abort(); // the pane shows this run now
      this.previewHeld = false;
      try {
        const showPreview = createRefinePreviewSink((preview) => store.update({ preview }));
        const refinePrior = (models.createPrior ?? ((m) => createSdxsPrior(m)))(loaded.models);
        return await pixelateCommand(host, options, ctx, compute, { refinePrior, onRefinePreview: showPreview });
      } finally {
        if (this.previewHeld) this.schedulePreview();
        this.previewHeld = null;
      }
    });
    if (!outcome) return;
    const steps = outcome.historySteps === 1 ? '1 undo step' : `${outcome.historySteps} undo steps`;
    store.update({ notice: `Added “${outcome.layerName}” (${steps}).` });
  }

  cancel(): void {
    this.job?.abort();
  }

  /** Reads what the cache holds of every model in the manifest (no hashing, no network). */
  async refreshModels(): Promise<void> {
    const models = this.options.models;
    if (!models) return;
    if (this.modelsFromServer()) return this.refreshServerModels(models);
    try {
      const views: ModelEntryView[] = [];
      const where = this.options.store.get().compute.where === 'server' ? 'remote' : 'local';
      for (const model of models.manifest.models) views.push(modelEntryView(await modelState(models.cache, localPartOf(model, where)), model));
      this.options.store.update({ models: views });
    } catch (e) {
      this.showError(e);
    }
  }

  /**
   * The server's models (modelSource 'server'): each whole model as the server holds it (its ONNX
   * files served, its tokenizer given out). A server that cannot be asked leaves every model
   * missing and says why in the Compute status rather than as an error: Pixelate needs no server.
   */
  private async refreshServerModels(models: PanelModelOptions): Promise<void> {
    const { store } = this.options;
    const compute = store.get().compute;
    const { states, failure } = await serverModelStates(models.cache, models.manifest);
    if (store.get().compute !== compute) return; // answered for settings no longer current
    const views = states.map((state) => modelEntryView(state));
    store.update(failure === null ? { models: views } : { models: views, computeStatus: { kind: 'failed', message: failure.userMessage } });
  }

  private modelsFromServer(): boolean {
    return this.options.store.get().capabilities.modelSource === 'server';
  }

  /**
   * Downloads (or resumes) one model into the cache, as the panel's one job: its progress bar, its
   * Cancel. A cancel or a network failure keeps the bytes so far; the next Download resumes.
   */
  async downloadModel(id: string): Promise<void> {
    const { store } = this.options;
    const models = this.options.models;
    // A server's models are installed there, not from this panel.
    if (!models || this.job || this.modelsFromServer()) return;
    let model: ModelEntry;
    try {
      model = findModel(models.manifest, id);
    } catch (e) {
      this.showError(e);
      return;
    }
    const label = `Download ${model.name}`;
    const showPercent = (percent: number, stage: string) =>
      store.update((s) => ({
        job: { label, stage, fraction: percent / 100 },
        models: s.models.map((m) => (m.id === id ? { ...m, state: 'downloading', percent } : m)),
      }));
    const controller = (this.job = new AbortController());
    store.update({ error: null, notice: null });
    showPercent(store.get().models.find((m) => m.id === id)?.percent ?? 0, 'Starting');
    const outcome = await runCommand(
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
      { signal: controller.signal },
    );
    this.job = null;
    store.update({ job: null });
    await this.refreshModels();
    if (outcome.ok) {
      const fetched = outcome.value.alreadyInstalled ? 'it was already here' : `${formatBytes(outcome.value.downloadedBytes)} downloaded`;
      store.update({ notice: `Installed ${model.name} (${fetched}).` });
    } else if (outcome.error.code === 'cancelled') {
      const kept = store.get().models.find((m) => m.id === id);
      store.update({ notice: `Download paused${kept?.percent ? ` at ${kept.percent} %` : ''}: the bytes so far are kept, and Download resumes.` });
    } else {
      this.showError(outcome.error);
    }
  }

  /** Deletes what the cache keeps of a model, installed or partial. */
  async removeModel(id: string): Promise<void> {
    const models = this.options.models;
    if (!models || this.job || this.modelsFromServer()) return;
    try {
      if (id === this.pipeline?.modelId || id === IMAGE_ENCODER_MODEL_ID) await this.releasePipeline();
      await this.upscaleModels.release();
      const name = models.manifest.models.find((m) => m.id === id)?.name ?? id;
      const freed = await models.cache.remove(id);
      this.options.store.update({ notice: `Removed ${name} (${formatBytes(freed)} freed).`, error: null });
    } catch (e) {
      this.showError(e);
    }
    await this.refreshModels();
  }

  async extractPalette(colors: number): Promise<void> {
    const { host } = this.options;
    if (this.job) return;
    const palette = await this.runJob('Extract palette', (ctx) => extractPaletteCommand(host, { colors, seed: EXTRACT_SEED }, ctx));
    if (palette) this.addCustomPalette(palette, 'extracted', `Extracted ${palette.rgb.length / 3} colours from the layer.`);
  }

  importPalette(fileName: string, bytes: Uint8Array): void {
    try {
      const { value, warnings } = parsePalette(bytes, { fileName });
      this.addCustomPalette(value, 'imported', warnings.length ? `Imported “${value.name}”. ${warnings.join(' ')}` : `Imported “${value.name}”.`);
    } catch (e) {
      this.showError(e);
    }
  }

  removePalette(id: string): void {
    this.options.store.update((s) => ({
      palettes: s.palettes.filter((p) => p.id !== id || p.source === 'preset'),
      settings: s.settings.paletteId === id ? { ...s.settings, paletteId: DEFAULT_SETTINGS.paletteId } : s.settings,
    }));
    this.save();
    this.schedulePreview();
  }

  /** The target or the settings changed: recompute the grid-size preview, shortly and once. */
  schedulePreview(): void {
    if (this.previewTimer !== null) clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => {
      this.previewTimer = null;
      void this.renderPreview();
    }, PREVIEW_DELAY_MS);
  }

  private async renderPreview(): Promise<void> {
    const { store, host, previewCompute } = this.options;
    if (this.previewHeld !== null) {
      this.previewHeld = true;
      return;
    }
    this.preview?.abort();
    const controller = (this.preview = new AbortController());
    store.update({ preview: { kind: 'busy' } });
    const withPrior = this.request().refinePrior;
    const showPreview = createRefinePreviewSink((preview) => {
      if (controller === this.preview) store.update({ preview });
    });
    const outcome = await runCommand(async (ctx) => {
      const options = resolvePixelateRequest({ ...this.request(), refinePrior: false }); // the prior runs on Apply only: ~3 model runs per 10 iterations
      const target = await host.readTarget(ctx.signal);
      const grid = resolveGrid(options.grid, target.image.width, target.image.height);
      if (grid.width * grid.height > MAX_PREVIEW_CELLS) {
        throw new TesseraError('invalid-input', `No preview for a ${grid.width}×${grid.height} grid (the panel previews up to 512×512 cells); Apply still works.`);
      }
      const result = await previewCompute(target.image, { ...options, output: 'grid' }, { signal: ctx.signal, ...(options.refine ? { onRefinePreview: showPreview } : {}) });
      return { result, dataUrl: pngDataUrl(encodePng(result.grid)) };
    }, { signal: controller.signal });
    if (controller !== this.preview) return; // a newer preview has started
    this.preview = null;
    if (outcome.ok) {
      const { result, dataUrl } = outcome.value;
      const status = withPrior ? 'Without the diffusion prior: Apply runs it' : undefined;
      store.update({ preview: { kind: 'ready', dataUrl, width: result.grid.width, height: result.grid.height, colorsUsed: result.colorsUsed, ...(status ? { status } : {}) } });
    } else if (outcome.error.code !== 'cancelled') {
      store.update({ preview: { kind: 'none', reason: outcome.error.userMessage } });
    }
  }

  /** Runs one job with progress and Cancel; returns its value, or null after showing why it failed. */
  private async runJob<T>(label: string, run: (ctx: CommandContext) => Promise<T>): Promise<T | null> {
    const { store } = this.options;
    const controller = (this.job = new AbortController());
    store.update({ job: { label, stage: 'read', fraction: 0 }, error: null, notice: null });
    const onProgress = (p: CommandProgress) => store.update({ job: { label, stage: p.stage, fraction: p.fraction, ...(p.detail ? { detail: p.detail } : {}) } });
    const outcome = await runCommand(run, { signal: controller.signal, onProgress });
    this.job = null;
    store.update({ job: null });
    if (outcome.ok) return outcome.value;
    if (outcome.error.code === 'cancelled') store.update({ notice: 'Cancelled: nothing was changed.' });
    else this.showError(outcome.error);
    return null;
  }

  private request() {
    const state = this.options.store.get();
    const { settings, palettes } = state;
    const entry = palettes.find((p) => p.id === settings.paletteId) ?? PRESET_ENTRIES[0];
    // The prior only where its models are installed (the switch is hidden otherwise).
    const refinePrior = settings.refine && (settings.refinePrior ?? false) && refinePriorAvailable(state);
    return { ...settings, refinePrior, palette: paletteFromHex(entry.name, entry.colors), seed: EXTRACT_SEED };
  }

  private addCustomPalette(palette: Palette, source: 'imported' | 'extracted', notice: string): void {
    const { palettes } = this.options.store.get();
    // Ids outlive the session (they are saved), so the next one follows the highest saved.
    const used = palettes.map((p) => Number(/^custom-(\d+)$/.exec(p.id)?.[1] ?? 0));
    const id = `custom-${Math.max(0, ...used) + 1}`;
    const entry: PaletteEntry = { id, name: palette.name, colors: paletteToHex(palette), source };
    this.options.store.update((s) => ({ palettes: [...s.palettes, entry], settings: { ...s.settings, paletteId: id }, notice, error: null }));
    this.save();
    this.schedulePreview();
  }

  private showError(e: unknown): void {
    const error = e instanceof TesseraError ? e : toTesseraError(e);
    this.options.store.update({ error: { code: error.code, message: error.userMessage } });
  }

  private save(): void {
    const { settings, palettes, generate, upscale, compute } = this.options.store.get();
    const { backend: _backend, ...savedGenerate } = generate;
    this.options.storage.save({ version: 1, settings, customPalettes: palettes.filter((p) => p.source !== 'preset'), generate: savedGenerate, upscale, compute });
  }
}
