import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, type Manifest } from '../../../src/runtime/models/manifest.js';
import type { TensorSpec } from '../../../src/runtime/model-runner.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture } from '../../fixtures/onnx/index.js';
import type { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { TINY_MERGES, tinyVocab } from '../sdxs/sdxs-test-models.js';

export const TINY_UPSCALE_MODEL = 'tiny-sdxs';
/** The id loadUpscaleModels takes the TAESD encoder from when the diffusion model has none. */
export const TINY_ENCODER_MODEL = 'taesd';

export interface TinyUpscaleModels {
  /** The manifest as JSON (valid: loadManifest accepts it). */
  readonly json: unknown;
  readonly manifest: Manifest;
  /** Every file's bytes by model id. */
  readonly files: Record<string, readonly (readonly [string, Uint8Array])[]>;
}

/**
 * A manifest of tiny fixture models laid out as the real ones are (algorithms.md §4): an
 * SDXS-like model (text encoder, UNet with `patchLatents`, decoder, tokenizer) and a separate
 * `taesd` model holding the encoder. 'free' models take any latent size; 'fixed' ones fix the
 * UNet sample and decoder input at [1, 4, 8, 8], as the WebGPU export fixes them at 64. The UNet's
 * tensor names are null, as in the real manifest, so the optimum defaults are exercised.
 */
export function tinyUpscaleModels(kind: 'free' | 'fixed' = 'free'): TinyUpscaleModels {
  const flavour = kind === 'free' ? 'optimum' : 'sdxs-webgpu';
  const text = textEncoderFixture({ pooler: false });
  const unet = unetFixture({ flavour, latentSize: 8 });
  const decoder = taesdDecoderFixture({ flavour, latentSize: 8 });
  const encoder = taesdEncoderFixture();
  const vocab = new TextEncoder().encode(JSON.stringify(tinyVocab()));
  const merges = new TextEncoder().encode(TINY_MERGES);
  const files = {
    [TINY_UPSCALE_MODEL]: [
      ['text_encoder.onnx', text.bytes],
      ['unet.onnx', unet.bytes],
      ['vae_decoder.onnx', decoder.bytes],
      ['tokenizer/vocab.json', vocab],
      ['tokenizer/merges.txt', merges],
    ],
    [TINY_ENCODER_MODEL]: [['vae_encoder/model.onnx', encoder.bytes]],
  } as const;
  const size = (model: keyof typeof files, name: string) => files[model].find(([n]) => n === name)![1].length;
  const url = fileUrl;
  const tensor = (t: TensorSpec, role: string, named = true) => ({ role, name: named ? t.name : null, type: t.type, shape: [...t.shape] });
  const onnx = (model: keyof typeof files, name: string, role: string) => ({ name, role, format: 'onnx', url: url(name), bytes: size(model, name), sha256: null });
  const json = {
    schemaVersion: 1,
    notes: ['Tiny fixtures for the upscale tests.'],
    models: [
      {
        id: TINY_UPSCALE_MODEL,
        name: 'Tiny SDXS',
        description: 'Fixtures with the real tensor names.',
        source: { repo: 'test/tiny-sdxs', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['text-to-image', 'decode-latent'],
        notes: [],
        files: [
          { ...onnx(TINY_UPSCALE_MODEL, 'text_encoder.onnx', 'text-encoder'), inputs: [tensor(text.spec.inputs[0], 'input-ids')], outputs: [tensor(text.spec.outputs[0], 'text-embeddings')] },
          {
            ...onnx(TINY_UPSCALE_MODEL, 'unet.onnx', 'unet'),
            inputs: [
              tensor(unet.spec.inputs[0], 'latent', false),
              { role: 'timestep', name: null, type: unet.spec.inputs[1].type, shape: null },
              tensor(unet.spec.inputs[2], 'text-embeddings', false),
            ],
            outputs: [tensor(unet.spec.outputs[0], 'noise-prediction', false)],
            patchLatents: 8,
          },
          {
            ...onnx(TINY_UPSCALE_MODEL, 'vae_decoder.onnx', 'vae-decoder'),
            inputs: [tensor(decoder.spec.inputs[0], 'latent')],
            outputs: [{ ...tensor(decoder.spec.outputs[0], 'image'), range: [-1, 1] }],
          },
          { name: 'tokenizer/vocab.json', role: 'tokenizer-vocab', format: 'json', url: url('tokenizer/vocab.json'), bytes: vocab.length, sha256: null },
          { name: 'tokenizer/merges.txt', role: 'tokenizer-merges', format: 'text', url: url('tokenizer/merges.txt'), bytes: merges.length, sha256: null },
        ],
      },
      {
        id: TINY_ENCODER_MODEL,
        name: 'Tiny TAESD encoder',
        description: 'The encoder the tiny SDXS lacks.',
        source: { repo: 'test/taesd', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['encode-image'],
        notes: [],
        files: [
          {
            ...onnx(TINY_ENCODER_MODEL, 'vae_encoder/model.onnx', 'vae-encoder'),
            inputs: [tensor(encoder.spec.inputs[0], 'image')],
            outputs: [tensor(encoder.spec.outputs[0], 'latent')],
          },
        ],
      },
    ],
  };
  return { json, manifest: loadManifest(json), files };
}

/** Never fetched: the tests install the files themselves. */
function fileUrl(name: string): string {
  return `http://127.0.0.1:9/${name}`;
}

/** Puts the models' files into a memory cache as installed (the record matches the manifest). */
export function installInMemory(cache: MemoryModelCache, models: TinyUpscaleModels, only: readonly string[] = Object.keys(models.files)): void {
  for (const id of only) {
    for (const [name, bytes] of models.files[id]) {
      cache.installed.set(`${id}/${name}`, { bytes, record: { url: fileUrl(name), bytes: bytes.length, sha256: '0'.repeat(64), checkedBy: 'size' } });
    }
  }
}

/** Writes the models into a cache folder as `tessera models pull` leaves them (no install record: counts as installed). */
export function installInFolder(cacheDir: string, models: TinyUpscaleModels): void {
  for (const [id, files] of Object.entries(models.files)) {
    for (const [name, bytes] of files) {
      const file = path.join(cacheDir, id, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  }
}
