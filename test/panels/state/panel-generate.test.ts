import { describe, expect, it } from 'vitest';
import BUNDLED_MANIFEST from '../../../models/manifest.json';
import { computeInThread } from '../../../src/commands/pixelate.js';
import type { RgbaImage } from '../../../src/core/image.js';
import type { ModelRunner, ModelSpec } from '../../../src/runtime/model-runner.js';
import type { Fetch } from '../../../src/runtime/download/fetch-following-redirects.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { loadManifest, type Manifest } from '../../../src/runtime/models/manifest.js';
import { runnerSourceOf, type LoadedSdxsPipeline, type LoadSdxsOptions } from '../../../src/runtime/sdxs/load-sdxs-pipeline.js';
import type { SdxsGenerateInput, SdxsPipelineModels, SdxsRunContext } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { generateBlockedReason } from '../../../panels/state/generate-availability.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { PRESET_ENTRIES, initialPanelState } from '../../../panels/state/initial-panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import type { SavedSettings } from '../../../panels/state/saved-settings.js';
import type { ModelCache } from '../../../src/runtime/cache/model-cache.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { colourSet, hueSweepImage } from '../../fixtures/images.js';

const SDXS_BYTES = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const TAESD_BYTES = new Uint8Array([9, 10, 11]);

/** The two models Generate needs, under their real ids, with one tiny file each. */
const TINY_MANIFEST = loadManifest({
  schemaVersion: 1,
  notes: [],
  models: [
    {
      id: 'sdxs-512-dreamshaper',
      name: 'SDXS-512 DreamShaper (WebGPU ONNX export)',
      description: 'Fake.',
      source: { repo: 'test/sdxs', revision: 'r1' },
      licence: 'openrail++',
      capabilities: ['text-to-image'],
      notes: [],
      files: [{ name: 'unet.onnx', role: 'unet', format: 'onnx', url: 'https://example.org/sdxs/unet.onnx', bytes: SDXS_BYTES.length, sha256: sha256Hex(SDXS_BYTES) }],
    },
    {
      id: 'taesd',
      name: 'TAESD encoder + decoder (ONNX)',
      description: 'Fake.',
      source: { repo: 'test/taesd', revision: 'r1' },
      licence: 'MIT',
      capabilities: ['encode-image'],
      notes: [],
      files: [{ name: 'vae_encoder/model.onnx', role: 'vae-encoder', format: 'onnx', url: 'https://example.org/taesd/enc.onnx', bytes: TAESD_BYTES.length, sha256: sha256Hex(TAESD_BYTES) }],
    },
  ],
});

const FILES: Record<string, Uint8Array> = { 'https://example.org/sdxs/unet.onnx': SDXS_BYTES, 'https://example.org/taesd/enc.onnx': TAESD_BYTES };
const fakeFetch: Fetch = async (url) => {
  const bytes = FILES[url];
  return bytes ? new Response(bytes.slice(), { status: 200, headers: { 'content-length': String(bytes.length) } }) : new Response('not found', { status: 404 });
};

const WASM_REASON = 'WebGPU not used: no WebGPU in this environment; running on wasm (CPU)';

function fakeRunner(spec: ModelSpec): ModelRunner & { released: boolean } {
  return {
    id: spec.id,
    backend: 'wasm',
    backendReason: WASM_REASON,
    inputNames: [],
    outputNames: [],
    released: false,
    run: async () => ({}),
    async release() {
      this.released = true;
    },
  };
}

/**
 * Stands in for loadSdxsPipeline: loads one "unet" runner through the controller's runner source
 * (so the backend text is the runner's) and returns a pipeline that paints a hue sweep at the
 * source's size, or waits for Cancel when `hang` is set.
 */
function fakeLoader(behaviour: { hang?: boolean } = {}) {
  const calls: LoadSdxsOptions[] = [];
  const inputs: SdxsGenerateInput[] = [];
  let releases = 0;
  const loadPipeline = async (_cache: ModelCache, _manifest: Manifest, options: LoadSdxsOptions): Promise<LoadedSdxsPipeline> => {
    calls.push(options);
    const source = runnerSourceOf(options);
    if (source.where === 'local') await source.createRunner({ id: `${options.modelId}/unet.onnx`, inputs: [], outputs: [] }, SDXS_BYTES);
    return {
      pipeline: {
        async generate(input: SdxsGenerateInput, ctx?: SdxsRunContext): Promise<RgbaImage> {
          inputs.push(input);
          ctx?.onProgress?.({ stage: 'text-encode', fraction: 1 });
          if (behaviour.hang) {
            await new Promise((_resolve, reject) => ctx?.signal?.addEventListener('abort', () => reject(ctx.signal?.reason)));
          }
          ctx?.onProgress?.({ stage: 'image-decode', fraction: 1 });
          return hueSweepImage(input.image?.width ?? 512, input.image?.height ?? 512);
        },
      },
      models: {} as SdxsPipelineModels, // the sessions themselves: only Refine's prior uses them
      release: async () => {
        releases++;
      },
    };
  };
  return { loadPipeline, calls, inputs, releases: () => releases };
}

async function setup(options: { manifest?: Manifest; install?: readonly string[]; hang?: boolean; random?: () => number; saved?: unknown } = {}) {
  const host = new MemoryHost({ image: hueSweepImage(24, 16), x: 4, y: 2, name: 'Photo' });
  const saves: SavedSettings[] = [];
  const storage = { load: () => options.saved ?? null, save: (v: SavedSettings) => void saves.push(v) };
  const store = createPanelStore(initialPanelState(host, storage, { models: true }));
  const cache = new MemoryModelCache();
  const loader = fakeLoader({ hang: options.hang });
  const controller = new PanelController({
    store,
    host,
    compute: computeInThread,
    previewCompute: computeInThread,
    storage,
    models: { cache, manifest: options.manifest ?? TINY_MANIFEST, fetch: fakeFetch, retryDelayMs: 1, createRunner: async (spec) => fakeRunner(spec), loadPipeline: loader.loadPipeline },
    ...(options.random ? { randomUint32: options.random } : {}),
  });
  for (const id of options.install ?? []) await controller.downloadModel(id);
  await controller.refreshModels();
  store.update({ notice: null });
  return { host, store, controller, loader, saves };
}

describe('panel controller: generate', () => {
  it('says which model to download first, and writes nothing while it is missing', async () => {
    const { store, controller, host, loader } = await setup({ manifest: loadManifest(BUNDLED_MANIFEST) });
    expect(generateBlockedReason(store.get())).toBe('Download SDXS-512 DreamShaper (882.1 MB) above first');
    await controller.generate();
    expect(store.get().error).toEqual({ code: 'model-missing', message: 'Download SDXS-512 DreamShaper (882.1 MB) above first' });
    expect(host.writes).toEqual([]);
    expect(loader.calls).toEqual([]);
  });

  it('needs TAESD as well for a strength below 1, and nothing while a job runs', async () => {
    const { store, controller } = await setup({ install: ['sdxs-512-dreamshaper'] });
    expect(generateBlockedReason(store.get())).toBeNull();
    controller.changeGenerate({ strength: 0.5 });
    expect(generateBlockedReason(store.get())).toMatch(/^Download TAESD encoder \+ decoder \(3 B\) above first/);
    store.update({ job: { label: 'Pixelate', stage: 'read', fraction: 0 } });
    expect(generateBlockedReason(store.get())).toBe('Wait for “Pixelate” to finish.');
  });

  it('writes one layer named after the prompt, strength and seed; shows the backend; keeps the pipeline', async () => {
    const { store, controller, host, loader } = await setup({ install: ['sdxs-512-dreamshaper'] });
    controller.changeGenerate({ prompt: '  a knight   with a red cape ', seed: 42 });
    const stages: string[] = [];
    store.subscribe((s) => s.job && stages.push(s.job.label));
    await controller.generate();
    expect(store.get().error).toBeNull();
    expect(host.writes).toHaveLength(1);
    expect(host.writes[0]).toMatchObject({ name: 'Generate · a knight with a red cape · strength 1 · seed 42', x: 4, y: 2 });
    expect(host.writes[0].image).toMatchObject({ width: 24, height: 16 });
    expect(store.get()).toMatchObject({ job: null, notice: 'Added “Generate · a knight with a red cape · strength 1 · seed 42” (1 undo step).' });
    expect(store.get().generate.backend).toBe(`wasm (CPU) (${WASM_REASON})`);
    expect(new Set(stages)).toEqual(new Set(['Generate']));
    expect(loader.calls).toHaveLength(1);
    expect(loader.calls[0]).toMatchObject({ modelId: 'sdxs-512-dreamshaper', withImageEncoder: false });
    expect(loader.inputs[0]).toMatchObject({ prompt: 'a knight with a red cape', strength: 1, seed: 42 });

    await controller.generate(); // the same pipeline serves the next run
    expect(host.writes).toHaveLength(2);
    expect(loader.calls).toHaveLength(1);
  });

  it('offers the text-to-image models as choices and loads the one chosen', async () => {
    const { store, controller, loader } = await setup({ install: ['sdxs-512-dreamshaper'] });
    expect(store.get().models.filter((m) => m.textToImage).map((m) => m.id)).toEqual(['sdxs-512-dreamshaper']);
    controller.changeGenerate({ modelId: 'taesd-as-generator' });
    expect(generateBlockedReason(store.get())).toBe('The model list has no “taesd-as-generator”, which Generate needs.');
    controller.changeGenerate({ modelId: 'sdxs-512-dreamshaper', prompt: 'a cat' });
    await controller.generate();
    expect(loader.calls[0]).toMatchObject({ modelId: 'sdxs-512-dreamshaper' });
  });

  it('loads again with the image encoder for a strength below 1, releasing the first pipeline', async () => {
    const { controller, host, loader } = await setup({ install: ['sdxs-512-dreamshaper', 'taesd'] });
    controller.changeGenerate({ prompt: 'fox' });
    await controller.generate();
    controller.changeGenerate({ strength: 0.4 });
    await controller.generate();
    expect(loader.calls.map((c) => c.withImageEncoder)).toEqual([false, true]);
    expect(loader.releases()).toBe(1);
    expect(host.writes.map((w) => w.name)).toEqual(['Generate · fox · strength 1 · seed 1', 'Generate · fox · strength 0.4 · seed 1']);
    controller.changeGenerate({ strength: 1 }); // an encoder pipeline serves strength 1 too
    await controller.generate();
    expect(loader.calls).toHaveLength(2);
  });

  it('as pixel art: one layer in the Pixelate palette only', async () => {
    const { store, controller, host } = await setup({ install: ['sdxs-512-dreamshaper'] });
    controller.changeSettings({ paletteId: 'gameboy-dmg-green', cells: 8 });
    controller.changeGenerate({ prompt: 'castle', asPixelArt: true });
    await controller.generate();
    expect(store.get().error).toBeNull();
    expect(host.writes).toHaveLength(1);
    const write = host.writes[0];
    expect(write.name).toMatch(/^Generate · castle · strength 1 · seed 1 · /);
    expect(write.image).toMatchObject({ width: 24, height: 16 });
    const gameboy = PRESET_ENTRIES.find((p) => p.id === 'gameboy-dmg-green')!.colors.map((hex) => parseInt(hex.slice(1), 16));
    const { colours } = colourSet(write.image);
    expect(colours.size).toBeGreaterThan(1);
    for (const c of colours) expect(gameboy).toContain(c & 0xffffff);
    expect(store.get().notice).toBe(`Added “${write.name}” (1 undo step).`);
  });

  it('Cancel writes nothing and says so', async () => {
    const { store, controller, host } = await setup({ install: ['sdxs-512-dreamshaper'], hang: true });
    controller.changeGenerate({ prompt: 'slow' });
    const run = controller.generate();
    await until(() => (store.get().job?.fraction ?? 0) > 0.1);
    controller.cancel();
    await run;
    expect(host.writes).toEqual([]);
    expect(store.get()).toMatchObject({ job: null, error: null, notice: 'Cancelled: nothing was changed.' });
  });

  it('an empty prompt at strength 1 fails with the command’s reason', async () => {
    const { store, controller, host } = await setup({ install: ['sdxs-512-dreamshaper'] });
    await controller.generate();
    expect(store.get().error?.message).toMatch(/the prompt is empty/);
    expect(host.writes).toEqual([]);
  });

  it('New seed draws from the random source; Generate values are saved without the backend and restored', async () => {
    const draws = [7, 0xffffffff, 123456789];
    const { store, controller, saves } = await setup({ random: () => draws.shift()! });
    controller.rollSeed();
    expect(store.get().generate.seed).toBe(7);
    controller.rollSeed();
    expect(store.get().generate.seed).toBe(4294967295);
    controller.changeGenerate({ prompt: 'owl', asPixelArt: true, strength: 0.7 });
    const last = saves.at(-1)!;
    expect(last.generate).toEqual({ prompt: 'owl', strength: 0.7, seed: 4294967295, asPixelArt: true, modelId: 'sdxs-512-dreamshaper' });
    const again = await setup({ saved: last });
    expect(again.store.get().generate).toEqual({ prompt: 'owl', strength: 0.7, seed: 4294967295, asPixelArt: true, modelId: 'sdxs-512-dreamshaper', backend: null });
  });

  it('the default seed source is crypto, a whole number in range', async () => {
    const { store, controller } = await setup();
    controller.rollSeed();
    const { seed } = store.get().generate;
    expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff).toBe(true);
  });

  it('is unavailable where the host keeps no models', async () => {
    const host = new MemoryHost({ image: hueSweepImage(8, 8), x: 0, y: 0, name: 'Photo' });
    const storage = { load: () => null, save: () => {} };
    const store = createPanelStore(initialPanelState(host, storage));
    const controller = new PanelController({ store, host, compute: computeInThread, previewCompute: computeInThread, storage });
    controller.changeGenerate({ prompt: 'anything' });
    await controller.generate();
    expect(host.writes).toEqual([]);
    expect(store.get()).toMatchObject({ job: null, error: null });
    expect(generateBlockedReason(store.get())).toBe('Generate needs a host that keeps models.');
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}
