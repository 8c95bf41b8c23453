import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { loadManifest, type Manifest } from '../../../src/runtime/models/manifest.js';
import { startFileServer, testBytes, type FileServer, type ServedFile } from '../download/file-server.js';

/** Two tiny models served from a loopback server: one with sha256s, one with none (size only). */
export const TINY_FILES = {
  encoder: testBytes(700_001, 11),
  decoder: testBytes(300_007, 12),
  vocab: testBytes(5_003, 13),
};

export async function startModelServer(overrides: Record<string, Partial<ServedFile>> = {}): Promise<FileServer> {
  return startFileServer({
    '/tiny/encoder.onnx': { bytes: TINY_FILES.encoder, ...overrides['/tiny/encoder.onnx'] },
    '/tiny/decoder.onnx': { bytes: TINY_FILES.decoder, ...overrides['/tiny/decoder.onnx'] },
    '/plain/vocab.json': { bytes: TINY_FILES.vocab, ...overrides['/plain/vocab.json'] },
  });
}

/** The manifest JSON (before validation) for `server`. */
export function loopbackManifestJson(server: FileServer): unknown {
  return {
    schemaVersion: 1,
    notes: ['Test manifest on a loopback server.'],
    models: [
      {
        id: 'tiny-vae',
        name: 'Tiny VAE',
        description: 'Two files with sha256.',
        source: { repo: 'test/tiny', revision: 'r1' },
        licence: 'MIT',
        capabilities: ['encode-image', 'decode-latent'],
        notes: [],
        files: [
          { name: 'vae_encoder/model.onnx', role: 'vae-encoder', format: 'onnx', url: server.url('/tiny/encoder.onnx'), bytes: TINY_FILES.encoder.length, sha256: sha256Hex(TINY_FILES.encoder) },
          { name: 'vae_decoder/model.onnx', role: 'vae-decoder', format: 'onnx', url: server.url('/tiny/decoder.onnx'), bytes: TINY_FILES.decoder.length, sha256: sha256Hex(TINY_FILES.decoder) },
        ],
      },
      {
        id: 'plain',
        name: 'Plain tokenizer',
        description: 'One file without sha256 or size.',
        source: { repo: 'test/plain', revision: 'r1' },
        licence: null,
        capabilities: ['text-to-image'],
        notes: [],
        files: [{ name: 'tokenizer/vocab.json', role: 'tokenizer-vocab', format: 'json', url: server.url('/plain/vocab.json'), bytes: null, approxBytes: 5000, sha256: null }],
      },
    ],
  };
}

export function loopbackManifest(server: FileServer): Manifest {
  return loadManifest(loopbackManifestJson(server));
}
