import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadManifest } from '../../src/runtime/models/manifest.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture } from '../fixtures/onnx/index.js';
import { TINY_MERGES, tinyVocab } from '../runtime/sdxs/sdxs-test-models.js';

type TensorLike = { name: string; type: string; shape: readonly (number | string)[] };

/**
 * A manifest (written to `dir/manifest.json`) with a tiny text-to-image model `tiny-sdxs` (text
 * encoder, UNet, TAESD decoder, tokenizer: the fixtures, fixed 8×8 latents) and a tiny `taesd`
 * encoder, and the chosen ones installed in `cacheDir` by writing their files (sizes match, no
 * install record: that counts as installed). Returns the manifest's path.
 */
export function writeTinyModels(dir: string, cacheDir: string, install: { sdxs: boolean; taesd: boolean }): string {
  const text = textEncoderFixture({ pooler: false });
  const unet = unetFixture();
  const decoder = taesdDecoderFixture();
  const encoder = taesdEncoderFixture();
  const sdxsFiles: [string, Uint8Array][] = [
    ['text_encoder.onnx', text.bytes],
    ['unet.onnx', unet.bytes],
    ['vae_decoder.onnx', decoder.bytes],
    ['tokenizer/vocab.json', new TextEncoder().encode(JSON.stringify(tinyVocab()))],
    ['tokenizer/merges.txt', new TextEncoder().encode(TINY_MERGES)],
  ];
  const taesdFiles: [string, Uint8Array][] = [['vae_encoder/model.onnx', encoder.bytes]];
  const put = (model: string, files: [string, Uint8Array][]) => {
    for (const [name, bytes] of files) {
      const file = path.join(cacheDir, model, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  };
  if (install.sdxs) put('tiny-sdxs', sdxsFiles);
  if (install.taesd) put('taesd', taesdFiles);

  const size = (files: [string, Uint8Array][], name: string) => files.find(([n]) => n === name)![1].length;
  const url = (name: string) => `http://127.0.0.1:9/${name}`;
  const tensor = (t: TensorLike, role: string) => ({ role, name: t.name, type: t.type, shape: [...t.shape] });
  const file = (files: [string, Uint8Array][], name: string, role: string, extra: object = {}) => ({
    name, role, format: name.endsWith('.onnx') ? 'onnx' : name.endsWith('.json') ? 'json' : 'text', url: url(name), bytes: size(files, name), sha256: null, ...extra,
  });
  const manifest = {
    schemaVersion: 1,
    notes: ['Tiny fixtures for CLI tests.'],
    models: [
      {
        id: 'tiny-sdxs', name: 'Tiny SDXS', description: 'Fixtures with the real tensor names.', source: { repo: 'test/tiny-sdxs', revision: 'r1' },
        licence: 'MIT', capabilities: ['text-to-image', 'decode-latent'], notes: [],
        files: [
          file(sdxsFiles, 'text_encoder.onnx', 'text-encoder', { inputs: [tensor(text.spec.inputs[0], 'input-ids')], outputs: [tensor(text.spec.outputs[0], 'text-embeddings')] }),
          file(sdxsFiles, 'unet.onnx', 'unet', {
            inputs: [tensor(unet.spec.inputs[0], 'latent'), tensor(unet.spec.inputs[1], 'timestep'), tensor(unet.spec.inputs[2], 'text-embeddings')],
            outputs: [tensor(unet.spec.outputs[0], 'noise-prediction')],
          }),
          file(sdxsFiles, 'vae_decoder.onnx', 'vae-decoder', { inputs: [tensor(decoder.spec.inputs[0], 'latent')], outputs: [{ ...tensor(decoder.spec.outputs[0], 'image'), range: [-1, 1] }] }),
          file(sdxsFiles, 'tokenizer/vocab.json', 'tokenizer-vocab'),
          file(sdxsFiles, 'tokenizer/merges.txt', 'tokenizer-merges'),
        ],
      },
      {
        id: 'taesd', name: 'Tiny TAESD encoder', description: 'The encoder fixture.', source: { repo: 'test/taesd', revision: 'r1' },
        licence: 'MIT', capabilities: ['encode-image'], notes: [],
        files: [file(taesdFiles, 'vae_encoder/model.onnx', 'vae-encoder', { inputs: [tensor(encoder.spec.inputs[0], 'image')], outputs: [tensor(encoder.spec.outputs[0], 'latent')] })],
      },
    ],
  };
  loadManifest(manifest); // the test's manifest must itself be valid
  const manifestFile = path.join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(manifest));
  return manifestFile;
}
