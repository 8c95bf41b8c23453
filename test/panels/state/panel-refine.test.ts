import { afterEach, describe, expect, it, vi } from 'vitest';
import { computeInThread } from '../../../src/commands/pixelate.js';
import { createImage } from '../../../src/core/image.js';
import { createPaletteMatcher } from '../../../src/core/palette/matcher.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import type { PriorImage, RefinePrior, RefinePriorRequest } from '../../../src/core/refine/prior.js';
import type { ModelCache } from '../../../src/runtime/cache/model-cache.js';
import type { Manifest } from '../../../src/runtime/models/manifest.js';
import type { LoadedSdxsPipeline, LoadSdxsOptions } from '../../../src/runtime/sdxs/load-sdxs-pipeline.js';
import type { SdxsPipelineModels } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import type { ModelEntryView, PanelState, PreviewState } from '../../../panels/state/panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import { refinePriorAvailable } from '../../../panels/state/prior-availability.js';
import { createRefinePreviewSink } from '../../../panels/state/refine-preview.js';
import { createWorkerCompute } from '../../../panels/workers/worker-compute.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { closeInProcessWorkers, inProcessWorker } from '../workers/in-process-worker.js';

afterEach(closeInProcessWorkers);

const installed = (id: string): ModelEntryView => ({ id, name: id, sizeText: '1 B', state: 'installed', textToImage: id.startsWith('sdxs'), refinesUpscales: id.startsWith('sdxs') });
const MODELS_INSTALLED = [installed('sdxs-512-dreamshaper'), installed('taesd')];
const pico = createPaletteMatcher(getPreset('pico-8').palette);

/** A prior that answers one palette colour everywhere (as if the model saw only that), recording its requests. */
function flatPrior(index: number): RefinePrior & { requests: RefinePriorRequest[] } {
  const requests: RefinePriorRequest[] = [];
  const prior = async (soft: PriorImage, request: RefinePriorRequest): Promise<PriorImage> => {
    requests.push(request);
    const linear = new Float32Array(soft.width * soft.height * 3);
    for (let i = 0; i < linear.length; i += 3) linear.set(pico.linear.subarray(index * 3, index * 3 + 3), i);
    return { width: soft.width, height: soft.height, linear };
  };
  return Object.assign(prior, { requests });
}

function setup({ models = true, workers = false } = {}) {
  const host = new MemoryHost({ image: hueSweepImage(64, 48), x: 0, y: 0, name: 'Photo' });
  const storage = { load: () => null, save: () => {} };
  const store = createPanelStore(initialPanelState(host, storage, { models }));
  const loads: LoadSdxsOptions[] = [];
  const loadPipeline = async (_c: ModelCache, _m: Manifest, options: LoadSdxsOptions): Promise<LoadedSdxsPipeline> => {
    loads.push(options);
    return { pipeline: { generate: () => Promise.reject(new Error('not used')) }, models: {} as SdxsPipelineModels, release: async () => {} };
  };
  const prior = flatPrior(12);
  const compute = workers ? createWorkerCompute(inProcessWorker) : computeInThread;
  const controller = new PanelController({
    store,
    host,
    compute,
    previewCompute: compute,
    storage,
    ...(models ? { models: { cache: new MemoryModelCache(), manifest: { schemaVersion: 1, notes: [], models: [] } as unknown as Manifest, loadPipeline, createPrior: () => prior } } : {}),
  });
  const previews: PreviewState[] = [];
  store.subscribe((s) => {
    if (previews.at(-1) !== s.preview) previews.push(s.preview);
  });
  return { host, store, controller, loads, prior, previews };
}

const settled = (store: { get(): PanelState }) => vi.waitFor(() => {
  const p = store.get().preview;
  if (p.kind !== 'ready' || p.status?.startsWith('Refining')) throw new Error('preview still running');
}, { timeout: 20_000, interval: 20 });

describe('panel controller: Refine', () => {
  it('the live preview shows Refine as it runs, then its result', async () => {
    const { store, controller, previews } = setup({ models: false, workers: true });
    controller.changeSettings({ refine: true, refineIterations: 300, cells: 24 });
    await settled(store);
    const statuses = previews.flatMap((p) => (p.kind === 'ready' ? [p.status ?? 'final'] : []));
    expect(statuses[0]).toBe('Refining 25 / 300');
    expect(statuses.at(-2)).toBe('Refining 300 / 300'); // the last always shows
    expect(statuses.at(-1)).toBe('final');
    for (let i = 1; i < statuses.length - 1; i++) expect(Number(statuses[i].split(' ')[1])).toBeGreaterThan(Number(statuses[i - 1].split(' ')[1]));
    const last = store.get().preview;
    expect(last).toMatchObject({ kind: 'ready', width: 24, height: 18 });
  });

  it('offers the diffusion prior only where Generate’s model and TAESD are installed', () => {
    const { store } = setup();
    expect(refinePriorAvailable(store.get())).toBe(false);
    store.update({ models: [MODELS_INSTALLED[0]] });
    expect(refinePriorAvailable(store.get())).toBe(false);
    store.update({ models: MODELS_INSTALLED });
    expect(refinePriorAvailable(store.get())).toBe(true);
    store.update({ models: [MODELS_INSTALLED[0], { ...MODELS_INSTALLED[1], state: 'partial', percent: 40 }] });
    expect(refinePriorAvailable(store.get())).toBe(false);
    expect(refinePriorAvailable(setup({ models: false }).store.get())).toBe(false);
  });

  it('with the prior switched on but its models missing, Apply refines without it', async () => {
    const { host, controller, loads, prior } = setup();
    controller.changeSettings({ refine: true, refineIterations: 30, cells: 8, refinePrior: true });
    await controller.apply();
    expect(host.writes.map((w) => w.name)).toEqual(['Pixelate · PICO-8 · 8×6 · refine 30 · seed 1']);
    expect(loads).toEqual([]);
    expect(prior.requests).toEqual([]);
  });

  it('Apply with the prior: loads SDXS with TAESD, runs the prior on the page while the worker refines, shows the progress, writes one layer', async () => {
    const { store, host, controller, loads, prior, previews } = setup({ workers: true });
    store.update({ models: MODELS_INSTALLED });
    controller.changeSettings({ refine: true, refineIterations: 60, cells: 16, refinePrior: true });
    await controller.apply();
    expect(store.get().error).toBeNull();
    expect(loads).toHaveLength(1);
    expect(loads[0]).toMatchObject({ modelId: 'sdxs-512-dreamshaper', withImageEncoder: true });
    expect(prior.requests.map((r) => r.iteration)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(prior.requests.every((r) => r.signal instanceof AbortSignal)).toBe(true);
    expect(host.writes.map((w) => w.name)).toEqual(['Pixelate · PICO-8 · 16×12 · refine 60 + prior · seed 1']);
    const shown = previews.flatMap((p) => (p.kind === 'ready' ? [p.status] : []));
    expect(shown).toContain('Refining 60 / 60');
    expect(shown.every((status) => status?.startsWith('Refining'))).toBe(true); // live previews waited for Apply
    await settled(store); // …and came back after it
    expect(store.get().preview).toMatchObject({ status: 'Without the diffusion prior: Apply runs it' });
    await controller.apply(); // the loaded models serve the next run
    expect(loads).toHaveLength(1);
  });

  it('the live preview never runs the prior, and says that Apply does', async () => {
    const { store, controller, prior } = setup();
    store.update({ models: MODELS_INSTALLED });
    controller.changeSettings({ refine: true, refineIterations: 30, cells: 8, refinePrior: true });
    await settled(store);
    expect(store.get().preview).toMatchObject({ kind: 'ready', status: 'Without the diffusion prior: Apply runs it' });
    expect(prior.requests).toEqual([]);
  });
});

describe('Refine preview sink', () => {
  it('shows the first preview, then at most one per interval, and always the last', () => {
    let t = 0;
    const shown: PreviewState[] = [];
    const sink = createRefinePreviewSink((p) => shown.push(p), { intervalMs: 250, now: () => t });
    const grid = createImage(2, 1, new Uint8ClampedArray([255, 0, 77, 255, 41, 173, 255, 255]));
    const send = (iteration: number, at: number) => {
      t = at;
      sink({ iteration, iterations: 200, grid, colorsUsed: 2 });
    };
    send(25, 0);
    send(50, 100);
    send(75, 249);
    send(100, 250);
    send(125, 300);
    send(200, 310);
    expect(shown.map((p) => (p.kind === 'ready' ? p.status : p.kind))).toEqual(['Refining 25 / 200', 'Refining 100 / 200', 'Refining 200 / 200']);
    expect(shown[0]).toMatchObject({ kind: 'ready', width: 2, height: 1, colorsUsed: 2, dataUrl: expect.stringMatching(/^data:image\/png;base64,/) });
  });
});
