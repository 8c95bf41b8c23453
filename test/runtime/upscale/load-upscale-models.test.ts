import { describe, expect, it } from 'vitest';
import BUNDLED_MANIFEST from '../../../models/manifest.json';
import type { ModelRunner, ModelSpec } from '../../../src/runtime/model-runner.js';
import { loadManifest } from '../../../src/runtime/models/manifest.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { defaultUpscaleModel, LEARNED_UPSAMPLER_ID, loadUpscaleModels } from '../../../src/runtime/upscale/load-upscale-models.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { thrownTesseraError } from '../../fixtures/errors.js';
import { installInMemory, tinyModels, TINY_SDXS_ID, TINY_TAESD_ID } from '../../fixtures/tiny-models.js';

/** The tiny models with a UNet that has a patch size and takes any latent size. */
const upscaleModels = () => tinyModels({ flavour: 'optimum', patchLatents: 8 });

/** A runner factory that loads for real and remembers what it loaded and released. */
function recordingRunners() {
  const loaded: string[] = [];
  const released: string[] = [];
  const createRunner = async (spec: ModelSpec, bytes: Uint8Array): Promise<ModelRunner> => {
    const runner = await createOrtWebRunner(spec, bytes, { preferred: ['wasm'] });
    loaded.push(spec.id);
    return { ...runner, run: (f, o) => runner.run(f, o), release: async () => (released.push(spec.id), runner.release()) };
  };
  return { createRunner, loaded, released };
}

describe('loadUpscaleModels', () => {
  it('defaults to the bundled manifest’s model with a patch size, sdxs-512-dreamshaper', () => {
    expect(defaultUpscaleModel(loadManifest(BUNDLED_MANIFEST)).id).toBe('sdxs-512-dreamshaper');
  });

  it('turns refinement off, without an error, when the models are not installed, and says what to pull', async () => {
    const tiny = upscaleModels();
    const runners = recordingRunners();
    const loaded = await loadUpscaleModels(new MemoryModelCache(), tiny.manifest, { learnedUpsampler: false, createRunner: runners.createRunner });
    expect(loaded.models).toEqual({ refiner: null, learned: null });
    expect(loaded.missingModelIds).toEqual([TINY_SDXS_ID, TINY_TAESD_ID]);
    expect(loaded.missing).toMatch(/^Tiny SDXS \([\d.]+ [kK]B\) and Tiny TAESD encoder \([\d.]+ [kK]B\) are not installed: refinement is off\. Get them with "tessera models pull tiny-sdxs" and "tessera models pull taesd"/);
    expect(runners.loaded).toEqual([]);
  });

  it('names only the model that is missing', async () => {
    const tiny = upscaleModels();
    const cache = new MemoryModelCache();
    installInMemory(cache, tiny, [TINY_SDXS_ID]);
    const loaded = await loadUpscaleModels(cache, tiny.manifest, { learnedUpsampler: false, createRunner: recordingRunners().createRunner });
    expect(loaded.models.refiner).toBeNull();
    expect(loaded.missingModelIds).toEqual([TINY_TAESD_ID]);
    expect(loaded.missing).toMatch(/^Tiny TAESD encoder \(.*\) is not installed: refinement is off\. Get it with "tessera models pull taesd"/);
  });

  it('builds the refiner from both models when installed, and releases every session', async () => {
    const tiny = upscaleModels();
    const cache = new MemoryModelCache();
    installInMemory(cache, tiny);
    const runners = recordingRunners();
    const networkBytes = Uint8Array.of(1, 2, 3);
    let learnedBytes: Uint8Array | null = null;
    const loaded = await loadUpscaleModels(cache, tiny.manifest, {
      learnedUpsampler: true,
      learnedUpsamplerBytes: async () => networkBytes,
      createRunner: async (spec, bytes) => (spec.id === LEARNED_UPSAMPLER_ID ? ((learnedBytes = bytes), fakeRunner(spec.id)) : runners.createRunner(spec, bytes)),
    });
    expect(learnedBytes).toBe(networkBytes);
    expect(loaded.missing).toBeNull();
    expect(loaded.missingModelIds).toEqual([]);
    expect(loaded.models.refiner).toMatchObject({ modelId: TINY_SDXS_ID, patchLatents: 8 });
    expect(loaded.models.learned?.id).toBe(LEARNED_UPSAMPLER_ID);
    expect(runners.loaded.sort()).toEqual(['taesd/vae_encoder/model.onnx', 'tiny-sdxs/text_encoder.onnx', 'tiny-sdxs/unet.onnx', 'tiny-sdxs/vae_decoder.onnx']);
    await loaded.release();
    expect(runners.released.sort()).toEqual(runners.loaded.sort());
  });

  it('with refine off looks at no diffusion model and loads the learned network alone, passing it the signal', async () => {
    const tiny = upscaleModels();
    const cache = new MemoryModelCache();
    installInMemory(cache, tiny); // installed, but not asked for
    const loadedIds: string[] = [];
    const signals: (AbortSignal | undefined)[] = [];
    const signal = new AbortController().signal;
    const loaded = await loadUpscaleModels(cache, tiny.manifest, {
      modelId: 'not-in-the-manifest', // not even resolved
      refine: false,
      learnedUpsampler: true,
      learnedUpsamplerBytes: async (s) => (signals.push(s), Uint8Array.of(7)),
      createRunner: async (spec) => (loadedIds.push(spec.id), fakeRunner(spec.id)),
      signal,
    });
    expect(loaded).toMatchObject({ models: { refiner: null, learned: { id: LEARNED_UPSAMPLER_ID } }, missing: null, missingModelIds: [] });
    expect(loadedIds).toEqual([LEARNED_UPSAMPLER_ID]);
    expect(signals).toEqual([signal]);
    await loaded.release();
  });

  it('leaves the learned network out where there is no source for it', async () => {
    const loaded = await loadUpscaleModels(new MemoryModelCache(), upscaleModels().manifest, { learnedUpsampler: true, createRunner: recordingRunners().createRunner });
    expect(loaded.models.learned).toBeNull();
  });

  it('refuses a model whose UNet has no patch size', async () => {
    const json = structuredClone(upscaleModels().json) as { models: { files: { patchLatents?: number }[] }[] };
    delete json.models[0].files[1].patchLatents;
    const manifest = loadManifest(json);
    const e = await loadUpscaleModels(new MemoryModelCache(), manifest, { modelId: TINY_SDXS_ID, learnedUpsampler: false, createRunner: recordingRunners().createRunner }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'invalid-input', userMessage: expect.stringMatching(/tiny-sdxs cannot refine upscales: .*patchLatents/) });
    expect(thrownTesseraError(() => defaultUpscaleModel(manifest)).userMessage).toMatch(/No model in the manifest can refine upscales/);
  });
});

function fakeRunner(id: string): ModelRunner {
  return { id, backend: 'test', backendReason: 'a stand-in', inputNames: ['input'], outputNames: ['output'], run: async () => ({}), release: async () => {} };
}
