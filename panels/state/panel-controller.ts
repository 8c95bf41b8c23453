import { parsePalette } from '../../src/core/palette/palette-file.js';
import { rescaleSlider } from '../../src/core/diffusion/ddim-schedule.js';
import { extractPaletteCommand } from '../../src/commands/extract-palette.js';
import { generateCommand, resolveGenerateOptions } from '../../src/commands/generate.js';
import { pixelateCommand, resolvePixelateRequest, type PixelateCompute } from '../../src/commands/pixelate.js';
import { resolveUpscaleOptions, upscaleCommand } from '../../src/commands/upscale.js';
import type { Host } from '../../src/hosts/host.js';
import { createSdxsPrior } from '../../src/runtime/refine-prior/sdxs-prior.js';
import { testComputeConnection } from './compute-connection.js';
import { withCustomPalette, withoutCustomPalette } from './custom-palettes.js';
import { generateBlockedReason } from './generate-availability.js';
import { LivePreview } from './live-preview.js';
import { ModelLibrary } from './model-library.js';
import { PanelJobs } from './panel-jobs.js';
import { panelRunnerSource } from './panel-runner-source.js';
import type { ComputeSettings, GenerateSettings, PanelEventMap, PixelateSettings, UpscaleSettings } from './panel-state.js';
import type { PanelModelOptions } from './panel-model-options.js';
import type { PanelStore } from './panel-store.js';
import { EXTRACT_SEED, pixelateRequest } from './pixelate-request.js';
import { createRefinePreviewSink } from './refine-preview.js';
import type { SettingsStorage } from './saved-settings.js';
import { SdxsPipelineKeeper } from './sdxs-pipeline-keeper.js';
import { showPanelError } from './show-panel-error.js';
import { upscaleRefinementNote } from './upscale-availability.js';
import { UpscaleModelsKeeper, upscaleRequest } from './upscale-job.js';

export type { PanelModelOptions } from './panel-model-options.js';

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

const defaultRandomUint32 = (): number => crypto.getRandomValues(new Uint32Array(1))[0];

/** "Added “Pixelate · …” (1 undo step)." */
function addedNotice(outcome: { readonly layerName: string; readonly historySteps: number }): string {
  const steps = outcome.historySteps === 1 ? '1 undo step' : `${outcome.historySteps} undo steps`;
  return `Added “${outcome.layerName}” (${steps}).`;
}

/**
 * The one place that turns the panel's intents into commands: it listens at the panel's root,
 * runs commands as the panel's one job (panel-jobs.ts), and writes results and errors into the
 * store. The parts with their own state live beside it: the live preview, the model library, the
 * kept SDXS pipeline and Upscale's models. Components hold no logic; hosts know nothing of it.
 */
export class PanelController {
  private readonly jobs: PanelJobs;
  private readonly livePreview: LivePreview;
  private readonly pipeline: SdxsPipelineKeeper;
  private readonly upscaleModels: UpscaleModelsKeeper;
  private readonly modelLibrary: ModelLibrary;

  constructor(private readonly options: PanelControllerOptions) {
    const { store, host, previewCompute, models } = options;
    this.jobs = new PanelJobs(store);
    this.livePreview = new LivePreview({ store, host, compute: previewCompute });
    // One big model in memory at a time: loading either drops the other.
    this.pipeline = new SdxsPipelineKeeper(store, () => this.upscaleModels.release());
    this.upscaleModels = new UpscaleModelsKeeper(models, () => this.pipeline.release());
    this.modelLibrary = new ModelLibrary({ store, models, jobs: this.jobs, pipeline: this.pipeline, upscaleModels: this.upscaleModels });
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
      this.livePreview.abort();
      void this.pipeline.release();
      void this.upscaleModels.release();
    };
  }

  changeSettings(patch: Partial<PixelateSettings>, { persist = true } = {}): void {
    this.options.store.update((s) => ({ settings: { ...s.settings, ...patch } }));
    if (persist) this.save();
    this.schedulePreview();
  }

  /** The target or the settings changed: recompute the grid-size preview, shortly and once. */
  schedulePreview(): void {
    this.livePreview.schedule();
  }

  /**
   * Pixelate the target into a new layer. With Refine's diffusion prior, the SDXS models are
   * loaded here (kept with Generate's) and run on this thread, the optimiser in the worker
   * (worker-compute.ts); its progress shows in the preview, which never runs the prior itself.
   */
  async apply(): Promise<void> {
    const { store, host, compute } = this.options;
    if (this.jobs.busy) return; // one job at a time; the button is disabled meanwhile
    const outcome = await this.jobs.run('Pixelate', async (ctx) => {
      const options = resolvePixelateRequest(pixelateRequest(store.get()));
      const models = this.options.models;
      if (!options.refine?.prior || !models) return pixelateCommand(host, options, ctx, compute);
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const loaded = await this.pipeline.get(models, true, ctx.signal);
      this.livePreview.hold(); // the pane shows this run now
      try {
        const showPreview = createRefinePreviewSink((preview) => store.update({ preview }));
        const refinePrior = (models.createPrior ?? ((m) => createSdxsPrior(m)))(loaded.models);
        return await pixelateCommand(host, options, ctx, compute, { refinePrior, onRefinePreview: showPreview });
      } finally {
        this.livePreview.resume();
      }
    });
    if (outcome) store.update({ notice: addedNotice(outcome) });
  }

  cancel(): void {
    this.jobs.cancel();
  }

  async extractPalette(colors: number): Promise<void> {
    const { host } = this.options;
    if (this.jobs.busy) return;
    const palette = await this.jobs.run('Extract palette', (ctx) => extractPaletteCommand(host, { colors, seed: EXTRACT_SEED }, ctx));
    if (!palette) return;
    this.options.store.update((s) => withCustomPalette(s, palette, 'extracted', `Extracted ${palette.rgb.length / 3} colours from the layer.`));
    this.afterPalettesChange();
  }

  importPalette(fileName: string, bytes: Uint8Array): void {
    try {
      const { value, warnings } = parsePalette(bytes, { fileName });
      const notice = warnings.length ? `Imported “${value.name}”. ${warnings.join(' ')}` : `Imported “${value.name}”.`;
      this.options.store.update((s) => withCustomPalette(s, value, 'imported', notice));
      this.afterPalettesChange();
    } catch (e) {
      showPanelError(this.options.store, e);
    }
  }

  removePalette(id: string): void {
    this.options.store.update((s) => withoutCustomPalette(s, id));
    this.afterPalettesChange();
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
    if (!models || this.jobs.busy) return;
    const blocked = generateBlockedReason(store.get());
    if (blocked) {
      store.update({ error: { code: 'model-missing', message: blocked }, notice: null });
      return;
    }
    const g = store.get().generate;
    const outcome = await this.jobs.run('Generate', async (ctx) => {
      const options = resolveGenerateOptions({
        prompt: g.prompt,
        strength: g.strength,
        seed: g.seed,
        pixelate: g.asPixelArt ? resolvePixelateRequest(pixelateRequest(store.get())) : null,
      });
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const pipeline = await this.pipeline.get(models, options.strength < 1, ctx.signal);
      return generateCommand(host, pipeline.pipeline, options, ctx, compute);
    });
    if (outcome) store.update({ notice: addedNotice(outcome) });
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
    if (this.jobs.busy) return;
    const state = store.get();
    const refine = upscaleRefinementNote(state) === null;
    const outcome = await this.jobs.run('Upscale', async (ctx) => {
      const options = resolveUpscaleOptions(upscaleRequest(state.upscale));
      ctx.onProgress?.({ stage: 'read', fraction: 0 });
      const runnerSource = panelRunnerSource(state.compute, this.options.models, ctx.signal);
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
    await this.pipeline.release();
    await this.upscaleModels.release();
    await this.refreshModels();
  }

  /** "Test connection": the server, its models and what runs them, into the Compute status. */
  async testConnection(): Promise<void> {
    const { store, models } = this.options;
    const compute = store.get().compute;
    store.update({ computeStatus: { kind: 'testing' } });
    const status = await testComputeConnection(compute, { ...(models?.fetch ? { fetch: models.fetch } : {}), manifest: models?.manifest });
    // A setting changed meanwhile makes this answer stale.
    if (store.get().compute !== compute) return;
    store.update({ computeStatus: status });
    // A server that answers now may hold models it did not a moment ago.
    if (status.kind === 'connected' && this.modelLibrary.fromServer) await this.refreshModels();
  }

  /** Reads what the cache holds of every model in the manifest (no hashing, no network). */
  refreshModels(): Promise<void> {
    return this.modelLibrary.refresh();
  }

  /** Downloads (or resumes) one model into the cache, as the panel's one job. */
  downloadModel(id: string): Promise<void> {
    return this.modelLibrary.download(id);
  }

  /** Deletes what the cache keeps of a model, installed or partial. */
  removeModel(id: string): Promise<void> {
    return this.modelLibrary.remove(id);
  }

  /** A palette was added, selected or removed: keep it, and preview with it. */
  private afterPalettesChange(): void {
    this.save();
    this.schedulePreview();
  }

  private save(): void {
    const { settings, palettes, generate, upscale, compute } = this.options.store.get();
    const { backend: _backend, ...savedGenerate } = generate;
    this.options.storage.save({ version: 1, settings, customPalettes: palettes.filter((p) => p.source !== 'preset'), generate: savedGenerate, upscale, compute });
  }
}
