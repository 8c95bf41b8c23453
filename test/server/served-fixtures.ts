import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelRunner, ModelSpec } from '../../src/runtime/model-runner.js';
import { loadManifest, type FileRole, type Manifest } from '../../src/runtime/models/manifest.js';
import { createOrtNodeRunner } from '../../src/runtime/onnx/ort-node-runner.js';
import { servedModelName } from '../../src/runtime/remote/served-model-name.js';
import type { ServedModel } from '../../src/server/served-model.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, type OnnxFixture } from '../fixtures/onnx/index.js';
import { TINY_MERGES, tinyVocab } from '../runtime/sdxs/sdxs-test-models.js';

/**
 * The tiny fixture models as a server serves them: one manifest model `tiny-sdxs` (text encoder,
 * UNet, TAESD decoder, tokenizer) and `taesd` (the encoder), under their served names.
 */
export const TINY_MODEL_ID = 'tiny-sdxs';
export const TINY_ENCODER_ID = 'taesd';

interface TinyFile {
  readonly model: string;
  readonly name: string;
  readonly role: FileRole;
  readonly fixture: OnnxFixture;
}

export function tinyFiles(): TinyFile[] {
  return [
    { model: TINY_MODEL_ID, name: 'text_encoder.onnx', role: 'text-encoder', fixture: textEncoderFixture({ pooler: false }) },
    { model: TINY_MODEL_ID, name: 'unet.onnx', role: 'unet', fixture: unetFixture() },
    { model: TINY_MODEL_ID, name: 'vae_decoder.onnx', role: 'vae-decoder', fixture: taesdDecoderFixture() },
    { model: TINY_ENCODER_ID, name: 'vae_encoder/model.onnx', role: 'vae-encoder', fixture: taesdEncoderFixture() },
  ];
}

/** The served name and the fixture behind it, for comparing a remote run with the reference. */
export function servedFixture(role: FileRole): { name: string; fixture: OnnxFixture } {
  const file = tinyFiles().find((f) => f.role === role)!;
  return { name: servedModelName(file.model, file.role), fixture: file.fixture };
}

/** Every tiny model loaded on onnxruntime-node's CPU provider, ready for startInferenceServer. */
export async function loadTinyServedModels(wrap: (runner: ModelRunner, name: string) => ModelRunner = (r) => r): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  for (const f of tinyFiles()) {
    const name = servedModelName(f.model, f.role);
    const spec: ModelSpec = { ...f.fixture.spec, id: `${f.model}/${f.name}` };
    models.push({ name, spec, runner: wrap(await createOrtNodeRunner(spec, f.fixture.bytes, { preferred: ['cpu'] }), name) });
  }
  return models;
}

export interface RunnerHooks {
  /** Waits this long before each run (a slow model). */
  readonly delayMs?: number;
  /** Told when a run starts and ends. */
  readonly onRun?: (event: 'start' | 'end') => void;
  /** Told when the runner is released. */
  readonly onRelease?: () => void;
}

/** A runner that takes its time and reports what happens to it: the slow model of the fault tests. */
export function hooked(runner: ModelRunner, hooks: RunnerHooks): ModelRunner {
  return {
    id: runner.id,
    backend: runner.backend,
    backendReason: runner.backendReason,
    inputNames: runner.inputNames,
    outputNames: runner.outputNames,
    run: async (feeds, options) => {
      hooks.onRun?.('start');
      try {
        if (hooks.delayMs) await new Promise((r) => setTimeout(r, hooks.delayMs));
        return await runner.run(feeds, options);
      } finally {
        hooks.onRun?.('end');
      }
    },
    release: async () => {
      hooks.onRelease?.();
      await runner.release();
    },
  };
}

/**
 * Writes the tiny models into `cacheDir` as installed files (sizes match the manifest, no
 * install record: that counts as installed) and the manifest beside it; returns the manifest's path.
 * The UNet's tensor names are null, as in the real manifest, so the default names are exercised.
 */
export function installTinyModelCache(dir: string, cacheDir: string): { manifestFile: string; manifest: Manifest } {
  const files = tinyFiles();
  const write = (model: string, name: string, bytes: Uint8Array) => {
    const file = path.join(cacheDir, model, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  };
  for (const f of files) write(f.model, f.name, f.fixture.bytes);
  const vocab = new TextEncoder().encode(JSON.stringify(tinyVocab()));
  const merges = new TextEncoder().encode(TINY_MERGES);
  write(TINY_MODEL_ID, 'tokenizer/vocab.json', vocab);
  write(TINY_MODEL_ID, 'tokenizer/merges.txt', merges);
  const url = (name: string) => `http://127.0.0.1:9/${name}`;
  const tensor = (t: ModelSpec['inputs'][number], role: string, named = true) => ({ role, name: named ? t.name : null, type: t.type, shape: [...t.shape] });
  const onnx = (f: TinyFile, roles: { inputs: string[]; outputs: string[] }, named = true) => ({
    name: f.name,
    role: f.role,
    format: 'onnx',
    url: url(f.name),
    bytes: f.fixture.bytes.length,
    sha256: null,
    inputs: f.fixture.spec.inputs.map((t, i) => (f.role === 'unet' && t.name === 'timestep' ? { role: 'timestep', name: null, type: 'float32', shape: null } : tensor(t, roles.inputs[i], named))),
    outputs: f.fixture.spec.outputs.map((t, i) => ({ ...tensor(t, roles.outputs[i], named), ...(f.role === 'vae-decoder' ? { range: [-1, 1] } : {}) })),
  });
  const [text, unet, decoder, encoder] = files;
  const json = {
    schemaVersion: 1,
    notes: ['Tiny fixtures for the server tests.'],
    models: [
      {
        id: TINY_MODEL_ID,
        name: 'Tiny SDXS',
        description: 'Fixtures with the real tensor names.',
        source: { repo: 'test/tiny-sdxs', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['text-to-image', 'decode-latent'],
        notes: [],
        files: [
          onnx(text, { inputs: ['input-ids'], outputs: ['text-embeddings'] }),
          onnx(unet, { inputs: ['latent', 'timestep', 'text-embeddings'], outputs: ['noise-prediction'] }, false),
          onnx(decoder, { inputs: ['latent'], outputs: ['image'] }),
          { name: 'tokenizer/vocab.json', role: 'tokenizer-vocab', format: 'json', url: url('vocab'), bytes: vocab.length, sha256: null },
          { name: 'tokenizer/merges.txt', role: 'tokenizer-merges', format: 'text', url: url('merges'), bytes: merges.length, sha256: null },
        ],
      },
      {
        id: TINY_ENCODER_ID,
        name: 'Tiny TAESD encoder',
        description: 'The encoder fixture.',
        source: { repo: 'test/taesd', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['encode-image'],
        notes: [],
        files: [onnx(encoder, { inputs: ['image'], outputs: ['latent'] })],
      },
    ],
  };
  const manifestFile = path.join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(json));
  return { manifestFile, manifest: loadManifest(json) };
}
