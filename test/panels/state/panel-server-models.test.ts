import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCommand, type ServeCliDeps } from '../../../src/cli/serve-command.js';
import type { CliIo } from '../../../src/cli/io.js';
import { computeInThread } from '../../../src/commands/pixelate.js';
import type { Manifest } from '../../../src/runtime/models/manifest.js';
import { createNodeRunnerFactory } from '../../../src/runtime/onnx/node-runner-factory.js';
import { createOrtNodeRunner } from '../../../src/runtime/onnx/ort-node-runner.js';
import { startInferenceServer } from '../../../src/server/inference-server.js';
import { generateBlockedReason } from '../../../panels/state/generate-availability.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import { serverModelCache } from '../../../panels/state/server-model-cache.js';
import { upscaleRefinementNote } from '../../../panels/state/upscale-availability.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { installInFolder, installInMemory, tinyModels, writeManifestFile, TINY_SDXS_ID, TINY_TAESD_ID } from '../../fixtures/tiny-models.js';

/**
 * The Photoshop and Photopea panels keep no models: with `modelSource: 'server'` their model
 * store is the server's (serverModelCache → RemoteModelCache), and the networks run there. Here a
 * real `tessera serve` on loopback serves the tiny fixture models (an SDXS-like model whose UNet
 * has a patch size, so it both generates and refines upscales, and TAESD's encoder).
 */

const tiny = tinyModels({ flavour: 'optimum', patchLatents: 8 });
const manifest: Manifest = tiny.manifest;
let dir: string;
let serverLog: string[];
let server: { url: string; stop: () => Promise<unknown> };
let encoderOnly: { url: string; stop: () => Promise<unknown> };

/** `tessera serve` in this process on a free loopback port, as serve.test.ts runs it. */
async function serve(args: string[] = []): Promise<{ url: string; stop: () => Promise<unknown>; log: string[] }> {
  const log: string[] = [];
  const io: CliIo = { stdout: (t) => void log.push(t), stderr: (t) => void log.push(t), interactive: false };
  let stop: () => void = () => {};
  let listening: (url: string) => void = () => {};
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const deps: ServeCliDeps = {
    env: { TESSERA_CACHE: path.join(dir, 'cache') },
    homeDir: path.join(dir, 'home'),
    createRunner: () => createNodeRunnerFactory({ preferred: ['cpu'] }),
    onStopSignal: (s) => ((stop = s), () => {}),
    onListening: (s) => listening(s.url),
  };
  const done = serveCommand(['--port', '0', '--manifest', path.join(dir, 'manifest.json'), ...args], io, deps);
  const url = await Promise.race([ready, done.then(() => Promise.reject(new Error(`serve ended early: ${log.join('')}`)))]);
  return { url, log, stop: () => (stop(), done) };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-panel-server-models-'));
  installInFolder(path.join(dir, 'cache'), tiny);
  writeManifestFile(dir, tiny);
  const full = await serve();
  serverLog = full.log;
  server = full;
  encoderOnly = await serve(['--models', TINY_TAESD_ID]);
}, 30_000);
afterAll(async () => Promise.all([server?.stop(), encoderOnly?.stop()]));

/** A Photoshop- or Photopea-like panel: no model store, no runner; the server at `url` holds the models. */
async function serverPanel(url: string, image = hueSweepImage(24, 16)) {
  const host = new MemoryHost({ image, x: 0, y: 0, name: 'Photo' }, null, { width: image.width, height: image.height });
  const saved = { version: 1, settings: {}, customPalettes: [], compute: { where: 'server', serverUrl: url, token: '' } };
  const storage = { load: () => saved, save: () => {} };
  const store = createPanelStore(initialPanelState(host, storage, { modelSource: 'server' }));
  const controller = new PanelController({
    store,
    host,
    compute: computeInThread,
    previewCompute: computeInThread,
    storage,
    models: { cache: serverModelCache(() => store.get().compute, { manifest }), manifest },
  });
  controller.changeGenerate({ modelId: TINY_SDXS_ID, prompt: 'a cat', seed: 5 });
  controller.changeUpscale({ modelId: TINY_SDXS_ID, steps: 2, slider: 1, seed: 3 });
  await controller.refreshModels();
  return { host, store, controller };
}

/** The standalone editor's panel, running the same models in this process: the reference. */
async function localPanel() {
  const host = new MemoryHost({ image: hueSweepImage(24, 16), x: 0, y: 0, name: 'Photo' }, null, { width: 24, height: 16 });
  const storage = { load: () => null, save: () => {} };
  const store = createPanelStore(initialPanelState(host, storage, { models: true }));
  const cache = new MemoryModelCache();
  installInMemory(cache, tiny);
  const controller = new PanelController({
    store,
    host,
    compute: computeInThread,
    previewCompute: computeInThread,
    storage,
    models: { cache, manifest, createRunner: (spec, bytes) => createOrtNodeRunner(spec, bytes, { preferred: ['cpu'] }) },
  });
  controller.changeGenerate({ modelId: TINY_SDXS_ID, prompt: 'a cat', seed: 5 });
  await controller.refreshModels();
  return { host, store, controller };
}

const stateOf = (store: { get(): { models: readonly { id: string; state: string }[] } }) => Object.fromEntries(store.get().models.map((m) => [m.id, m.state]));

describe('panel controller: models from a server (Photoshop, Photopea)', () => {
  it('always runs on the server, and lists the models as the server holds them', async () => {
    const { store } = await serverPanel(server.url);
    const s = store.get();
    expect(s.capabilities).toMatchObject({ models: true, modelSource: 'server' });
    expect(s.compute).toEqual({ where: 'server', serverUrl: server.url, token: '' });
    expect(stateOf(store)).toEqual({ [TINY_SDXS_ID]: 'installed', [TINY_TAESD_ID]: 'installed' });
    expect(generateBlockedReason(s)).toBeNull();
    expect(upscaleRefinementNote(s)).toBeNull();
    // Asked once for the list of files, nothing downloaded.
    expect(serverLog.join('')).toMatch(/GET \/tessera\/v1\/models 200 /);
  });

  it('Generate runs on the server with the tokenizer read from it, to the same pixels as in the page', async () => {
    const reference = await localPanel();
    await reference.controller.generate();
    expect(reference.store.get().error).toBeNull();

    const before = serverLog.length;
    const { host, store, controller } = await serverPanel(server.url);
    await controller.generate();
    expect(store.get().error).toBeNull();
    expect(store.get().notice).toMatch(/^Added “Generate/);
    expect(store.get().generate.backend).toMatch(new RegExp(`^a server \\(tessera dev at ${server.url.replace(/\./g, '\\.')}, model "tiny-sdxs\\.unet" on cpu`));
    expect(host.writes).toHaveLength(1);
    expect(Buffer.from(host.writes[0].image.data).equals(Buffer.from(reference.host.writes[0].image.data))).toBe(true);
    const log = serverLog.slice(before).join('');
    expect(log).toMatch(/GET \/tessera\/v1\/models\/tiny-sdxs\/files\/tokenizer\/vocab\.json 200 /);
    expect(log).toMatch(/GET \/tessera\/v1\/models\/tiny-sdxs\/files\/tokenizer\/merges\.txt 200 /);
    expect(log).toMatch(/POST \/v2\/models\/tiny-sdxs\.unet\/infer 200 /);
  });

  it('Upscale refines on the server: the refined layer, its UNet run there', async () => {
    const before = serverLog.length;
    const { host, store, controller } = await serverPanel(server.url, hueSweepImage(12, 8));
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(host.writes).toHaveLength(1);
    expect([host.writes[0].image.width, host.writes[0].image.height]).toEqual([24, 16]);
    // Named with the refinement's settings: the Lanczos-only layer is plain "Upscale · ×2 · lanczos".
    expect(store.get().notice).toMatch(/^Added “Upscale · ×2 · lanczos · slider 1\/2 · seed 3” at 24×16/);
    const unetCalls = (serverLog.slice(before).join('').match(/POST \/v2\/models\/tiny-sdxs\.unet\/infer 200 /g) ?? []).length;
    expect(unetCalls).toBeGreaterThan(0);
  });

  it('offers no downloads: Download and Remove do nothing to a server\'s models', async () => {
    const { store, controller } = await serverPanel(server.url);
    await controller.downloadModel(TINY_SDXS_ID);
    await controller.removeModel(TINY_SDXS_ID);
    expect(store.get().job).toBeNull();
    expect(store.get().error).toBeNull();
    expect(stateOf(store)[TINY_SDXS_ID]).toBe('installed');
  });

  it('a server without the model: Generate says to serve it, Upscale upscales with Lanczos and says why', async () => {
    const { host, store, controller } = await serverPanel(encoderOnly.url);
    expect(stateOf(store)).toEqual({ [TINY_SDXS_ID]: 'missing', [TINY_TAESD_ID]: 'installed' });
    expect(generateBlockedReason(store.get())).toBe('The server does not serve Tiny SDXS: start it with "tessera serve --models tiny-sdxs"');
    expect(upscaleRefinementNote(store.get())).toBe('Refinement needs Tiny SDXS. The server does not serve Tiny SDXS: start it with "tessera serve --models tiny-sdxs"; upscaling with Lanczos only.');
    await controller.generate();
    expect(host.writes).toHaveLength(0);
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(host.writes.map((w) => w.image.width)).toEqual([48]);
  });

  it('no server: every model missing, the Compute status says why (no error banner), and Pixelate and Lanczos still work', async () => {
    const gone = await startInferenceServer({ models: [], port: 0 });
    await gone.close();
    const { host, store, controller } = await serverPanel(gone.url);
    expect(stateOf(store)).toEqual({ [TINY_SDXS_ID]: 'missing', [TINY_TAESD_ID]: 'missing' });
    expect(store.get().computeStatus).toMatchObject({ kind: 'failed', message: expect.stringContaining(`nothing answers at ${gone.url}`) });
    expect(store.get().error).toBeNull();
    expect(generateBlockedReason(store.get())).toBe('The server cannot give Tiny SDXS: see Compute below');
    controller.changeSettings({ gridMode: 'cells', cells: 8 });
    await controller.apply();
    expect(store.get().error).toBeNull();
    await controller.upscale();
    expect(store.get().error).toBeNull();
    expect(host.writes.map((w) => w.name)).toEqual(['Pixelate · PICO-8 · 8×5 · none', 'Upscale · ×2 · lanczos']);

    // The server comes up: Test connection finds it and the list follows.
    await controller.changeCompute({ serverUrl: server.url });
    expect(stateOf(store)[TINY_SDXS_ID]).toBe('installed');
    await controller.testConnection();
    expect(store.get().computeStatus.kind).toBe('connected');
  }, 20_000);

  it('a server that gives out no files (Triton, KServe): the Compute status says the tokenizer is needed and how', async () => {
    const tritonLike = await startInferenceServer({ models: [], port: 0 });
    try {
      const { store } = await serverPanel(tritonLike.url);
      expect(stateOf(store)[TINY_SDXS_ID]).toBe('missing');
      expect(store.get().computeStatus).toMatchObject({ kind: 'failed', message: expect.stringMatching(/gives out no model files.*tokenizer.*use "tessera serve"/) });
    } finally {
      await tritonLike.close();
    }
  });
});
