import { describe, expect, it } from 'vitest';
import { computeInThread } from '../../../src/commands/pixelate.js';
import { DEFAULT_UPSAMPLER, resolveUpscaleOptions } from '../../../src/commands/upscale.js';
import type { RgbaImage } from '../../../src/core/image.js';
import { resizeImage } from '../../../src/core/resize.js';
import type { ModelCache } from '../../../src/runtime/cache/model-cache.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import type { Fetch } from '../../../src/runtime/download/fetch-following-redirects.js';
import type { ModelRunner, ModelSpec } from '../../../src/runtime/model-runner.js';
import { loadManifest, type Manifest } from '../../../src/runtime/models/manifest.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { fetchLearnedUpsampler } from '../../../src/runtime/upsample/fetch-learned-upsampler.js';
import { packagedLearnedUpsampler } from '../../../src/cli/learned-upsampler-source.js';
import { upsampleTo } from '../../../src/runtime/upscale/upsample.js';
import { LEARNED_UPSAMPLER_ID, type LoadedUpscaleModels, type LoadUpscaleOptions } from '../../../src/runtime/upscale/load-upscale-models.js';
import type { RefineRun, RefineSettings, UpscaleRefiner } from '../../../src/runtime/upscale/upscale-refiner.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import { DEFAULT_UPSCALE } from '../../../panels/state/panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import type { SavedSettings } from '../../../panels/state/saved-settings.js';
import { upscaleBlockedReason, upscaleModelChoices, upscaleRefinementNote } from '../../../panels/state/upscale-availability.js';
import { loadLearnedUpsampler } from '../../runtime/upsample/learned-runner.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { hueSweepImage } from '../../fixtures/images.js';

const SDXS_BYTES = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const TAESD_BYTES = new Uint8Array([9, 10, 11]);
const OTHER_BYTES = new Uint8Array([12, 13]);
const LEARNED_URL = 'https://tessera.test/rdn-2x.onnx';

/** The two models refinement needs, under their real ids and names, one tiny file each. */
const TINY_MANIFEST: Manifest = loadManifest({
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
      files: [{ name: 'unet.onnx', role: 'unet', format: 'onnx', url: 'https://example.org/sdxs/unet.onnx', bytes: SDXS_BYTES.length, sha256: sha256Hex(SDXS_BYTES), patchLatents: 64 }],
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
    {
      id: 'other-512',
      name: 'Other 512 (ONNX)',
      description: 'Fake: a second model that can refine.',
      source: { repo: 'test/other', revision: 'r1' },
      licence: 'MIT',
      capabilities: ['text-to-image'],
      notes: [],
      files: [{ name: 'unet.onnx', role: 'unet', format: 'onnx', url: 'https://example.org/other/unet.onnx', bytes: OTHER_BYTES.length, sha256: sha256Hex(OTHER_BYTES), patchLatents: 64 }],
    },
    {
      id: 'no-patch',
      name: 'No Patch (ONNX)',
      description: 'Fake: a UNet with no patch size, so it cannot refine.',
      source: { repo: 'test/no-patch', revision: 'r1' },
      licence: 'MIT',
      capabilities: ['text-to-image'],
      notes: [],
      files: [{ name: 'unet.onnx', role: 'unet', format: 'onnx', url: 'https://example.org/no-patch/unet.onnx', bytes: OTHER_BYTES.length, sha256: sha256Hex(OTHER_BYTES) }],
    },
  ],
});

const FILES: Record<string, Uint8Array> = {
  'https://example.org/sdxs/unet.onnx': SDXS_BYTES,
  'https://example.org/taesd/enc.onnx': TAESD_BYTES,
  'https://example.org/other/unet.onnx': OTHER_BYTES,
};
/** The real RDN ×2 as the build makes it, served where a page would find it beside its bundle. */
const LEARNED_BYTES = await packagedLearnedUpsampler();
const fetched: string[] = [];
const fakeFetch: Fetch = async (url) => {
  fetched.push(url);
  const bytes = url === LEARNED_URL ? LEARNED_BYTES : FILES[url];
  return bytes ? new Response(bytes.slice(), { status: 200, headers: { 'content-length': String(bytes.length) } }) : new Response('not found', { status: 404 });
};

function fakeRunner(spec: ModelSpec): ModelRunner {
  return { id: spec.id, backend: 'wasm', backendReason: 'test', inputNames: [], outputNames: [], run: async () => ({}), release: async () => {} };
}

/**
 * A refiner that inverts the image (so a refined result is told from Lanczos at a glance),
 * reporting three patches; with `hang` it waits after its first patch until cancelled.
 */
function fakeRefiner(behaviour: { hang?: boolean }, settingsSeen: RefineSettings[]): UpscaleRefiner {
  return {
    modelId: 'sdxs-512-dreamshaper',
    patchLatents: 64,
    patchCalls: () => 3,
    async refine(image: RgbaImage, settings: RefineSettings, run: RefineRun = {}) {
      settingsSeen.push(settings);
      for (let i = 1; i <= 3; i++) {
        run.onProgress?.({ phase: 'refine', fraction: i / 3, patchesDone: i, patchesEstimate: 3 });
        if (behaviour.hang) await new Promise((_resolve, reject) => run.signal?.addEventListener('abort', () => reject(run.signal?.reason)));
      }
      const out = { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data) };
      for (let p = 0; p < out.data.length; p += 4) out.data.set([255 - out.data[p], 255 - out.data[p + 1], 255 - out.data[p + 2], 255], p);
      return out;
    },
  };
}

function fakeLoader(behaviour: { hang?: boolean } = {}) {
  const calls: LoadUpscaleOptions[] = [];
  const settings: RefineSettings[] = [];
  let releases = 0;
  const loadUpscale = async (cache: ModelCache, _manifest: Manifest, options: LoadUpscaleOptions): Promise<LoadedUpscaleModels> => {
    calls.push(options);
    const installed = options.refine !== false && (await cache.has(options.modelId ?? 'sdxs-512-dreamshaper', 'unet.onnx'));
    return {
      models: { refiner: installed ? fakeRefiner(behaviour, settings) : null, learned: null },
      missing: installed ? null : 'SDXS-512 DreamShaper is not installed: refinement is off.',
      missingModelIds: installed ? [] : ['sdxs-512-dreamshaper'],
      release: async () => void releases++,
    };
  };
  return { loadUpscale, calls, settings, releases: () => releases };
}

const SOURCE = hueSweepImage(16, 12);

/**
 * A panel on a memory host. `learned`: the page serves the real RDN ×2 (through the fake fetch)
 * and Upscale's models load for real (loadUpscaleModels), the network on onnxruntime-web's wasm.
 */
async function setup(options: { models?: boolean; install?: readonly string[]; hang?: boolean; saved?: unknown; random?: () => number; learned?: boolean } = {}) {
  const host = new MemoryHost({ image: SOURCE, x: 0, y: 0, name: 'Photo' }, null, { width: 16, height: 12 });
  const saves: SavedSettings[] = [];
  const storage = { load: () => options.saved ?? null, save: (v: SavedSettings) => void saves.push(v) };
  const withModels = options.models ?? true;
  const store = createPanelStore(initialPanelState(host, storage, { models: withModels, learnedUpsampler: options.learned ?? false }));
  const loader = fakeLoader({ hang: options.hang });
  const createRunner = async (spec: ModelSpec, bytes: Uint8Array) =>
    spec.id === LEARNED_UPSAMPLER_ID ? createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }) : fakeRunner(spec);
  const controller = new PanelController({
    store,
    host,
    compute: computeInThread,
    previewCompute: computeInThread,
    storage,
    ...(withModels
      ? {
          models: {
            cache: new MemoryModelCache(),
            manifest: TINY_MANIFEST,
            fetch: fakeFetch,
            retryDelayMs: 1,
            createRunner,
            ...(options.learned ? { learnedUpsamplerBytes: fetchLearnedUpsampler(LEARNED_URL, fakeFetch) } : { loadUpscale: loader.loadUpscale }),
          },
        }
      : {}),
    ...(options.random ? { randomUint32: options.random } : {}),
  });
  for (const id of options.install ?? []) await controller.downloadModel(id);
  await controller.refreshModels();
  store.update({ notice: null });
  fetched.length = 0;
  return { host, store, controller, loader, saves };
}

/** Largest difference of any channel between two images of one size. */
function maxDiff(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let max = 0;
  for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
  return max;
}

describe('panel controller: upscale', () => {
  it('without a diffusion model upscales ×2 in place with Lanczos, loads nothing, and says refinement needs the model', async () => {
    const { store, controller, host, loader } = await setup();
    expect(upscaleRefinementNote(store.get())).toBe('Refinement needs SDXS-512 DreamShaper — download it above; upscaling with Lanczos only.');
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(loader.calls).toEqual([]);
    expect(host.writes).toHaveLength(1);
    const [write] = host.writes;
    expect(write).toMatchObject({ name: 'Upscale · ×2 · lanczos', x: 0, y: 0, resizeDocument: { width: 32, height: 24 } });
    expect(maxDiff(write.image, resizeImage(SOURCE, 32, 24, 'lanczos3'))).toBeLessThanOrEqual(2);
    expect(host.document).toEqual({ width: 32, height: 24 });
    expect(store.get().job).toBeNull();
    expect(store.get().notice).toMatch(/^Added “Upscale · ×2 · lanczos” at 32×24 \(1 undo step\)\. Refinement needs a diffusion model/);
  });

  it('in a host that keeps no models (Photoshop) it still upscales, to a custom size here', async () => {
    const { store, controller, host } = await setup({ models: false });
    expect(upscaleRefinementNote(store.get())).toBe('Refinement needs a host that keeps models; upscaling with Lanczos only.');
    controller.changeUpscale({ scale: 'custom', customWidth: 40, customHeight: 30 });
    await controller.upscale();
    expect(host.writes[0]).toMatchObject({ resizeDocument: { width: 40, height: 30 }, image: { width: 40, height: 30 } });
    expect(store.get().notice).toMatch(/at 40×30 \(1 undo step\)/);
  });

  it('with the models installed refines: loads them once, passes the Slider, steps, prompt and seed, and shows the patch detail', async () => {
    const { store, controller, host, loader } = await setup({ install: ['sdxs-512-dreamshaper', 'taesd'] });
    expect(upscaleRefinementNote(store.get())).toBeNull();
    controller.changeUpscale({ prompt: ' a lighthouse ', seed: 42, steps: 10 });
    expect(store.get().upscale).toMatchObject({ steps: 10, slider: 4 }); // 8 of 20 rescaled to 10 steps
    const details: string[] = [];
    store.subscribe((s) => s.job?.detail && details.push(s.job.detail));
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(loader.calls).toHaveLength(1);
    expect(loader.calls[0]).toMatchObject({ learnedUpsampler: false });
    expect(loader.settings).toEqual([{ prompt: 'a lighthouse', steps: 10, slider: 4, seed: 42 }]);
    expect(details).toContain('patch 3 of 3');
    const [write] = host.writes;
    expect(write.name).toBe('Upscale · ×2 · lanczos · a lighthouse · slider 4/10 · seed 42');
    // The fake refiner inverts the upsampled picture.
    const lanczos = resizeImage(SOURCE, 32, 24, 'lanczos3');
    const inverted = { ...lanczos, data: lanczos.data.map((v, i) => (i % 4 === 3 ? 255 : 255 - v)) };
    expect(maxDiff(write.image, inverted)).toBeLessThanOrEqual(2);
    expect(store.get().notice).toBe('Added “Upscale · ×2 · lanczos · a lighthouse · slider 4/10 · seed 42” at 32×24 (1 undo step).');

    await controller.upscale(); // the kept models serve the next run
    expect(loader.calls).toHaveLength(1);
    expect(host.document).toEqual({ width: 64, height: 48 });
  });

  it('Cancel during refinement writes nothing and says so', async () => {
    const { store, controller, host } = await setup({ install: ['sdxs-512-dreamshaper', 'taesd'], hang: true });
    const running = controller.upscale();
    await expect.poll(() => store.get().job?.stage).toBe('refine');
    controller.cancel();
    await running;
    expect(host.writes).toEqual([]);
    expect(host.document).toEqual({ width: 16, height: 12 });
    expect(store.get()).toMatchObject({ job: null, error: null, notice: 'Cancelled: nothing was changed.' });
  });

  it('refuses a size past the host limit before any compute, naming the limit', async () => {
    const { store, controller, host } = await setup({ models: false });
    host.capabilities = { ...host.capabilities, maxDocumentPixels: 500 };
    await controller.upscale();
    expect(host.writes).toEqual([]);
    expect(store.get().error?.code).toBe('invalid-input');
    expect(store.get().error?.message).toMatch(/32×24 .*at most/);
  });

  it('the dice draws a new seed; every change is saved and restored', async () => {
    const { store, controller, saves } = await setup({ random: () => 0xdeadbeef });
    const root = new EventTarget();
    const disconnect = controller.connect(root as unknown as HTMLElement);
    root.dispatchEvent(new CustomEvent('tessera-upscale-change', { detail: { scale: 'x4', oneStep: true, scope: 'layer', upsampler: 'learned', prompt: 'fox', slider: 3 } }));
    root.dispatchEvent(new CustomEvent('tessera-upscale-change', { detail: { modelId: 'other-512' } }));
    root.dispatchEvent(new CustomEvent('tessera-upscale-roll-seed'));
    disconnect();
    const saved = saves.at(-1)!;
    expect(saved.upscale).toEqual({ ...DEFAULT_UPSCALE, scale: 'x4', oneStep: true, scope: 'layer', upsampler: 'learned', prompt: 'fox', slider: 3, seed: 0xdeadbeef, modelId: 'other-512' });
    const again = createPanelStore(initialPanelState(new MemoryHost(null), { load: () => saved, save: () => {} }));
    expect(again.get().upscale).toEqual(store.get().upscale);
  });

  it('is blocked only while another job runs', async () => {
    const { store } = await setup();
    expect(upscaleBlockedReason(store.get())).toBeNull();
    store.update({ job: { label: 'Generate', stage: 'read', fraction: 0 } });
    expect(upscaleBlockedReason(store.get())).toBe('Wait for “Generate” to finish.');
  });

  it("the panel's defaults are the command's: Lanczos (the measured winner) and Pixelsmith's Slider rescaled", () => {
    expect(DEFAULT_UPSCALE.upsampler).toBe(DEFAULT_UPSAMPLER);
    expect(resolveUpscaleOptions({ steps: DEFAULT_UPSCALE.steps })).toMatchObject({ steps: DEFAULT_UPSCALE.steps, slider: DEFAULT_UPSCALE.slider });
  });
});

describe('panel controller: upscale model choice', () => {
  it('offers the models whose UNet has a patch size, names the chosen one in the note, and refines with it', async () => {
    const { store, controller, loader, host } = await setup({ install: ['sdxs-512-dreamshaper', 'taesd'] });
    expect(upscaleModelChoices(store.get())).toEqual([
      ['sdxs-512-dreamshaper', 'SDXS-512 DreamShaper'],
      ['other-512', 'Other 512'],
    ]);
    controller.changeUpscale({ modelId: 'other-512' });
    expect(upscaleRefinementNote(store.get())).toBe('Refinement needs Other 512 — download it above; upscaling with Lanczos only.');
    await controller.upscale(); // not installed: Lanczos alone, and no diffusion model is even looked at
    expect(loader.calls).toEqual([]);
    expect(host.writes.map((w) => w.name)).toEqual(['Upscale · ×2 · lanczos']);

    await controller.downloadModel('other-512');
    expect(upscaleRefinementNote(store.get())).toBeNull();
    await controller.upscale();
    expect(loader.calls).toHaveLength(1);
    expect(loader.calls[0]).toMatchObject({ modelId: 'other-512', refine: true, learnedUpsampler: false });
    expect(host.writes[1].name).toBe('Upscale · ×2 · lanczos · slider 8/20 · seed 1');

    // Another model: the kept one no longer serves, so it is released and the chosen one loaded.
    controller.changeUpscale({ modelId: 'sdxs-512-dreamshaper' });
    await controller.upscale();
    expect(loader.calls.map((c) => c.modelId)).toEqual(['other-512', 'sdxs-512-dreamshaper']);
    expect(loader.releases()).toBe(1);
  });

  it('a remembered model the list no longer has, or one that cannot refine, turns refinement off and says so', async () => {
    const saved = { version: 1, upscale: { ...DEFAULT_UPSCALE, modelId: 'retired-model', upsampler: 'learned' } };
    const { store, controller, loader, host } = await setup({ install: ['sdxs-512-dreamshaper', 'taesd'], saved });
    expect(store.get().upscale.modelId).toBe('retired-model');
    // This page has no learned network either, so the note says Lanczos.
    expect(upscaleRefinementNote(store.get())).toBe('The model list has no “retired-model”, which refinement needs; upscaling with Lanczos only.');
    controller.changeUpscale({ modelId: 'no-patch' });
    expect(upscaleRefinementNote(store.get())).toBe('No Patch cannot refine upscales (its UNet has no patch size): choose another model; upscaling with Lanczos only.');
    await controller.upscale();
    // SDXS is installed, but it is not the choice: nothing refines.
    expect(loader.calls).toHaveLength(1);
    expect(loader.calls[0]).toMatchObject({ refine: false, learnedUpsampler: true });
    expect(host.writes.map((w) => w.name)).toEqual(['Upscale · ×2 · lanczos']);
  });
});

describe('panel controller: the learned ×2 upsampler a page serves', () => {
  it('is not fetched for a Lanczos upscale', async () => {
    const { controller, host } = await setup({ learned: true });
    await controller.upscale();
    expect(host.writes.map((w) => w.name)).toEqual(['Upscale · ×2 · lanczos']);
    expect(fetched).toEqual([]);
  });

  it('"Learned ×2" fetches it once, runs it, and the new layer is the network’s ×2', async () => {
    const { store, controller, host } = await setup({ learned: true });
    controller.changeUpscale({ upsampler: 'learned' });
    expect(upscaleRefinementNote(store.get())).toBe('Refinement needs SDXS-512 DreamShaper — download it above; upscaling with the learned ×2 network only.');
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(fetched).toEqual([LEARNED_URL]);
    const [write] = host.writes;
    expect(write).toMatchObject({ name: 'Upscale · ×2 · learned', resizeDocument: { width: 32, height: 24 } });
    expect(store.get().notice).toMatch(/^Added “Upscale · ×2 · learned” at 32×24 \(1 undo step\)\. Refinement needs a diffusion model/);

    const runner = await loadLearnedUpsampler();
    try {
      const expected = await upsampleTo(SOURCE, { width: 32, height: 24 }, runner);
      expect(maxDiff(write.image, expected)).toBeLessThanOrEqual(1);
    } finally {
      await runner.release();
    }
    // …which is not Lanczos.
    expect(maxDiff(write.image, resizeImage(SOURCE, 32, 24, 'lanczos3'))).toBeGreaterThan(8);

    await controller.upscale(); // the loaded network serves the next run: no second fetch
    expect(store.get().error).toBeNull();
    expect(fetched).toEqual([LEARNED_URL]);
    expect(host.writes[1].name).toBe('Upscale · ×2 · learned');
  });
});
