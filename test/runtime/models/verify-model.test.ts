import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NodeModelCache } from '../../../src/runtime/cache/node-model-cache.js';
import { findModel } from '../../../src/runtime/models/manifest.js';
import { pullModel } from '../../../src/runtime/models/pull-model.js';
import { verifyModel } from '../../../src/runtime/models/verify-model.js';
import type { FileServer } from '../download/file-server.js';
import { loopbackManifest, startModelServer } from './loopback-manifest.js';

let server: FileServer;
let cache: NodeModelCache;
beforeEach(async () => {
  cache = new NodeModelCache(mkdtempSync(path.join(tmpdir(), 'tessera-verify-')));
  server = await startModelServer();
});
afterEach(async () => {
  await server.close();
});

/** Flips one byte in place: same size, different content. */
function damage(file: string): void {
  const bytes = readFileSync(file);
  bytes[bytes.length >> 1] ^= 0x40;
  writeFileSync(file, bytes);
}

describe('verifyModel', () => {
  it('passes freshly pulled files, by the manifest sha256 or the one recorded at download', async () => {
    const manifest = loopbackManifest(server);
    for (const m of manifest.models) await pullModel(cache, m, { retryDelayMs: 1 });
    expect(await cache.verify(findModel(manifest, 'tiny-vae'))).toMatchObject({ ok: true, files: [{ status: 'ok', checkedBy: 'sha256' }, { status: 'ok', checkedBy: 'sha256' }] });
    expect(await verifyModel(cache, findModel(manifest, 'plain'))).toMatchObject({ ok: true, files: [{ status: 'ok', checkedBy: 'recorded-sha256' }] });
  });

  it('finds a damaged byte, says expected vs found, and deletes the file', async () => {
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    await pullModel(cache, model, { retryDelayMs: 1 });
    damage(cache.path(model.id, 'vae_encoder/model.onnx'));
    const report = await verifyModel(cache, model);
    expect(report.ok).toBe(false);
    expect(report.files[0]).toMatchObject({ status: 'damaged', checkedBy: 'sha256', removed: true, expected: expect.stringMatching(/^sha256 /) });
    expect(report.files[1]).toMatchObject({ status: 'ok' });
    expect(await cache.fileState(model.id, 'vae_encoder/model.onnx')).toEqual({ kind: 'missing' });
  });

  it('catches later damage to a file the manifest has no sha256 for, through the recorded one', async () => {
    const model = findModel(loopbackManifest(server), 'plain');
    await pullModel(cache, model, { retryDelayMs: 1 });
    damage(cache.path(model.id, 'tokenizer/vocab.json'));
    const report = await verifyModel(cache, model, { removeDamaged: false });
    expect(report.files[0]).toMatchObject({ status: 'damaged', checkedBy: 'recorded-sha256', removed: false });
    expect(await cache.has(model.id, 'tokenizer/vocab.json')).toBe(true);
  });

  it('reports files that are not installed', async () => {
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    expect(await verifyModel(cache, model)).toEqual({
      modelId: 'tiny-vae',
      ok: false,
      files: [
        { name: 'vae_encoder/model.onnx', status: 'not-installed' },
        { name: 'vae_decoder/model.onnx', status: 'not-installed' },
      ],
    });
  });
});
