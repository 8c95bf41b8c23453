import type { ModelRunner } from '../../src/runtime/model-runner.js';
import type { RunnerSource } from '../../src/runtime/models/model-file-runner.js';
import { loadSdxsPipeline, type LoadedSdxsPipeline } from '../../src/runtime/sdxs/load-sdxs-pipeline.js';
import { IMAGE_ENCODER_MODEL_ID } from './generate-availability.js';
import type { PanelModelOptions } from './panel-model-options.js';
import { panelRunnerSource } from './panel-runner-source.js';
import type { PanelStore } from './panel-store.js';

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

/**
 * Generate's SDXS pipeline (also Refine's diffusion prior), loaded on the first run that needs it
 * and kept for the next while it serves it. Loading first calls `beforeLoad`, so the panel can
 * drop Upscale's models: one ~900 MB model at a time. The store's Generate model and Compute
 * setting say what to load; the UNet's backend is written into the Generate section.
 */
export class SdxsPipelineKeeper {
  private kept: KeptPipeline | null = null;

  constructor(
    private readonly store: PanelStore,
    private readonly beforeLoad: () => Promise<void>,
  ) {}

  /** The id of the model kept in memory, if any. */
  get keptModelId(): string | undefined {
    return this.kept?.modelId;
  }

  /** The kept pipeline when it serves this run (one with an encoder serves every strength), else a fresh one. */
  async get(models: PanelModelOptions, withImageEncoder: boolean, signal: AbortSignal): Promise<LoadedSdxsPipeline> {
    const kept = this.kept;
    const modelId = this.store.get().generate.modelId;
    if (kept && kept.modelId === modelId && (kept.withImageEncoder || !withImageEncoder)) return kept.loaded;
    await this.release();
    await this.beforeLoad();
    const runners: ModelRunner[] = [];
    const loaded = await (models.loadPipeline ?? loadSdxsPipeline)(models.cache, models.manifest, {
      modelId,
      withImageEncoder,
      imageEncoderModelId: IMAGE_ENCODER_MODEL_ID,
      runnerSource: recordingSource(panelRunnerSource(this.store.get().compute, models, signal), runners),
      signal,
    });
    this.kept = { modelId, withImageEncoder, loaded };
    // The UNet does nearly all the work: its backend is the one worth showing.
    const main = runners.find((r) => r.id.includes('unet')) ?? runners[0];
    if (main) this.store.update((s) => ({ generate: { ...s.generate, backend: backendText(main) } }));
    return loaded;
  }

  async release(): Promise<void> {
    const kept = this.kept;
    this.kept = null;
    if (kept) await kept.loaded.release();
  }
}
