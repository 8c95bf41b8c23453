import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeInThread } from '../../../src/commands/pixelate.js';
import type { Manifest } from '../../../src/runtime/models/manifest.js';
import { createOrtNodeRunner } from '../../../src/runtime/onnx/ort-node-runner.js';
import { startInferenceServer, type InferenceServer } from '../../../src/server/inference-server.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import { DEFAULT_COMPUTE } from '../../../panels/state/compute-settings.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import type { SavedSettings } from '../../../panels/state/saved-settings.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { installTinyModelCache, TINY_SDXS_ID } from '../../fixtures/tiny-models.js';
import { loadTinyServedModels } from '../../server/served-fixtures.js';

let server: InferenceServer;
let manifest: Manifest;
let diskCache: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-panel-compute-'));
  diskCache = path.join(dir, 'cache');
  manifest = installTinyModelCache(dir, diskCache).manifest;
  server = await startInferenceServer({ models: await loadTinyServedModels(), port: 0, token: 'panel-token' });
});
afterAll(async () => server.close());

/** A memory cache holding `files` of the tiny models (copied from the fixture cache on disk). */
function cacheWith(files: (f: { model: string; name: string; format: string }) => boolean): MemoryModelCache {
  const cache = new MemoryModelCache();
  for (const model of manifest.models) {
    for (const file of model.files) {
      if (!files({ model: model.id, name: file.name, format: file.format })) continue;
      const bytes = new Uint8Array(readFileSync(path.join(diskCache, model.id, file.name)));
      cache.installed.set(`${model.id}/${file.name}`, { bytes, record: { url: file.url, bytes: bytes.length, sha256: '0'.repeat(64), checkedBy: 'size' } });
    }
  }
  return cache;
}

async function setup(options: { cache?: MemoryModelCache; saved?: unknown; localCompute?: boolean } = {}) {
  const host = new MemoryHost({ image: hueSweepImage(24, 16), x: 0, y: 0, name: 'Photo' }, null, { width: 24, height: 16 });
  const saves: SavedSettings[] = [];
  const storage = { load: () => options.saved ?? null, save: (v: SavedSettings) => void saves.push(v) };
  const store = createPanelStore(initialPanelState(host, storage, { models: true, localCompute: options.localCompute ?? true }));
  const controller = new PanelController({
    store,
    host,
    compute: computeInThread,
    previewCompute: computeInThread,
    storage,
    models: { cache: options.cache ?? cacheWith(() => true), manifest, createRunner: (spec, bytes) => createOrtNodeRunner(spec, bytes, { preferred: ['cpu'] }) },
  });
  controller.changeGenerate({ modelId: TINY_SDXS_ID, prompt: 'a cat', seed: 5 });
  await controller.refreshModels();
  return { host, store, controller, saves };
}

const serverCompute = () => ({ where: 'server' as const, serverUrl: server.url, token: 'panel-token' });

describe('panel controller: Compute', () => {
  it('runs models in the page by default, on a local tessera serve where the host cannot (Photoshop), and restores a saved choice', async () => {
    expect((await setup()).store.get().compute).toEqual(DEFAULT_COMPUTE);
    expect((await setup({ localCompute: false })).store.get().compute).toEqual({ where: 'server', serverUrl: 'http://127.0.0.1:8765', token: '' });
    const saved = { version: 1, settings: {}, customPalettes: [], compute: { where: 'server', serverUrl: 'http://gpu:8000', token: 't' } };
    expect((await setup({ saved })).store.get().compute).toEqual({ where: 'server', serverUrl: 'http://gpu:8000', token: 't' });
    expect((await setup({ saved: { compute: { where: 'moon', serverUrl: 42 } } })).store.get().compute).toEqual(DEFAULT_COMPUTE);
  });

  it('keeps a new setting between visits', async () => {
    const { controller, saves, store } = await setup();
    await controller.changeCompute(serverCompute());
    expect(saves.at(-1)?.compute).toEqual(serverCompute());
    expect(store.get().computeStatus).toEqual({ kind: 'idle' });
  });

  it('Test connection reports the server, its models and the execution provider of each', async () => {
    const { controller, store } = await setup();
    await controller.changeCompute(serverCompute());
    await controller.testConnection();
    expect(store.get().computeStatus).toEqual({
      kind: 'connected',
      server: `tessera dev at ${server.url}`,
      models: ['tiny-sdxs.text-encoder', 'tiny-sdxs.unet', 'tiny-sdxs.vae-decoder', 'taesd.vae-encoder'].map((name) => ({ name, ready: true, detail: 'cpu (CPU was asked for)' })),
    });
  });

  it('Test connection says why it failed: a wrong token, nothing there', async () => {
    const { controller, store } = await setup();
    await controller.changeCompute({ ...serverCompute(), token: 'nope' });
    await controller.testConnection();
    expect(store.get().computeStatus).toMatchObject({ kind: 'failed', message: expect.stringMatching(/refused the request \(401: wrong or missing token\)/) });
    const gone = await startInferenceServer({ models: [], port: 0 });
    await gone.close();
    await controller.changeCompute({ serverUrl: gone.url });
    await controller.testConnection();
    expect(store.get().computeStatus).toMatchObject({ kind: 'failed', message: expect.stringContaining(`nothing answers at ${gone.url}`) });
  });

  it('with a server, needs only the tokenizer files here: the model list says so', async () => {
    const tokenizerOnly = cacheWith((f) => f.format !== 'onnx');
    const { controller, store } = await setup({ cache: tokenizerOnly });
    const stateOf = (id: string) => store.get().models.find((m) => m.id === id)?.state;
    expect([stateOf(TINY_SDXS_ID), stateOf('taesd')]).toEqual(['partial', 'missing']);
    await controller.changeCompute(serverCompute());
    expect([stateOf(TINY_SDXS_ID), stateOf('taesd')]).toEqual(['installed', 'installed']);
  });

  it('Generate runs through the server, to the same pixels as in the page, and says where it ran', async () => {
    const local = await setup();
    await local.controller.generate();
    expect(local.store.get().error).toBeNull();
    const remote = await setup({ cache: cacheWith((f) => f.format !== 'onnx') });
    await remote.controller.changeCompute(serverCompute());
    await remote.controller.generate();
    expect(remote.store.get().error).toBeNull();
    expect(remote.store.get().generate.backend).toMatch(new RegExp(`^a server \\(tessera dev at ${server.url.replace(/\./g, '\\.')}, model "tiny-sdxs\\.unet" on cpu`));
    expect(remote.host.writes).toHaveLength(1);
    expect(Buffer.from(remote.host.writes[0].image.data).equals(Buffer.from(local.host.writes[0].image.data))).toBe(true);
  });
});
