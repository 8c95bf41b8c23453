import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { NodeModelCache } from '../../../src/runtime/cache/node-model-cache.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { findModel, loadManifest } from '../../../src/runtime/models/manifest.js';
import { modelMissingError, requireModel } from '../../../src/runtime/models/model-missing-error.js';
import { modelState } from '../../../src/runtime/models/model-state.js';
import { pullModel, type PullProgress } from '../../../src/runtime/models/pull-model.js';
import { sameBytes, type FileServer } from '../download/file-server.js';
import { loopbackManifest, loopbackManifestJson, startModelServer, TINY_FILES } from './loopback-manifest.js';

let server: FileServer;
let cache: NodeModelCache;
beforeEach(() => {
  cache = new NodeModelCache(mkdtempSync(path.join(tmpdir(), 'tessera-pull-')));
});
afterEach(async () => {
  await server?.close();
});

const FAST = { retryDelayMs: 1 };

describe('pullModel', () => {
  it('downloads every file, verifies it, and installs it with a record; no partial is left', async () => {
    server = await startModelServer();
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    const progress: PullProgress[] = [];
    const result = await pullModel(cache, model, { ...FAST, onProgress: (p) => progress.push(p) });
    expect(result.files.map((f) => [f.name, f.checkedBy])).toEqual([
      ['vae_encoder/model.onnx', 'sha256'],
      ['vae_decoder/model.onnx', 'sha256'],
    ]);
    expect(result.downloadedBytes).toBe(TINY_FILES.encoder.length + TINY_FILES.decoder.length);
    expect((await modelState(cache, model)).kind).toBe('installed');
    expect(sameBytes(await cache.read('tiny-vae', 'vae_decoder/model.onnx'), TINY_FILES.decoder)).toBe(true);
    expect(await cache.installRecord('tiny-vae', 'vae_encoder/model.onnx')).toMatchObject({ sha256: sha256Hex(TINY_FILES.encoder), checkedBy: 'sha256' });
    expect(readdirSync(cache.modelFolder('tiny-vae'), { recursive: true }).filter((f) => String(f).includes('.partial'))).toEqual([]);
    // Progress across the model only grows and ends at the model's size.
    for (let i = 1; i < progress.length; i++) expect(progress[i].modelReceivedBytes).toBeGreaterThanOrEqual(progress[i - 1].modelReceivedBytes);
    expect(progress.at(-1)).toMatchObject({ fileIndex: 1, fileCount: 2, modelReceivedBytes: result.downloadedBytes, modelTotalBytes: result.downloadedBytes });
  });

  it('pulling again fetches nothing', async () => {
    server = await startModelServer();
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    await pullModel(cache, model, FAST);
    const requests = server.requests.length;
    const again = await pullModel(cache, model, FAST);
    expect(again).toMatchObject({ alreadyInstalled: true, downloadedBytes: 0 });
    expect(server.requests.length).toBe(requests);
  });

  it('a file without sha256 or size is checked against the Content-Length, and its sha256 is recorded', async () => {
    server = await startModelServer();
    const model = findModel(loopbackManifest(server), 'plain');
    const result = await pullModel(cache, model, FAST);
    expect(result.files[0]).toMatchObject({ checkedBy: 'size', bytes: TINY_FILES.vocab.length });
    expect(await cache.installRecord('plain', 'tokenizer/vocab.json')).toMatchObject({ sha256: sha256Hex(TINY_FILES.vocab), checkedBy: 'size' });
  });

  it('resumes after a dropped connection within the pull', async () => {
    server = await startModelServer({ '/tiny/encoder.onnx': { cut: { afterBytes: 250_000 }, etag: '"e1"' } });
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    await pullModel(cache, model, FAST);
    expect(server.requests.filter((r) => r.path === '/tiny/encoder.onnx').map((r) => r.ifRange)).toEqual([null, '"e1"']);
    expect(sameBytes(await cache.read('tiny-vae', 'vae_encoder/model.onnx'), TINY_FILES.encoder)).toBe(true);
  });

  it('a cancelled pull keeps the partial, and the next pull resumes it with Range', async () => {
    server = await startModelServer({ '/tiny/encoder.onnx': { stallAfter: 400_000 } });
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    const controller = new AbortController();
    const e = await pullModel(cache, model, {
      ...FAST,
      signal: controller.signal,
      onProgress: (p) => p.receivedBytes >= 300_000 && controller.abort(),
    }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'cancelled' });
    const state = await modelState(cache, model);
    expect(state.kind).toBe('partial');
    expect(state.files[0]).toMatchObject({ status: 'partial' });
    expect(existsSync(cache.path('tiny-vae', 'vae_encoder/model.onnx'))).toBe(false);

    delete server.files['/tiny/encoder.onnx'].stallAfter;
    await pullModel(cache, model, FAST);
    expect(server.requests.filter((r) => r.path === '/tiny/encoder.onnx').at(-1)?.range).toMatch(/^bytes=\d{6}-$/);
    expect(sameBytes(await cache.read('tiny-vae', 'vae_encoder/model.onnx'), TINY_FILES.encoder)).toBe(true);
  });

  it('corrupt bytes: checksum-mismatch, and neither an installed file nor a partial remains', async () => {
    const corrupt = TINY_FILES.decoder.slice();
    corrupt[1000] ^= 1;
    server = await startModelServer({ '/tiny/decoder.onnx': { bytes: corrupt } });
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    const e = (await pullModel(cache, model, FAST).catch((err: unknown) => err)) as TesseraError;
    expect(e.code).toBe('checksum-mismatch');
    expect(e.details).toMatchObject({ expected: sha256Hex(TINY_FILES.decoder), actual: sha256Hex(corrupt) });
    expect(await cache.fileState('tiny-vae', 'vae_decoder/model.onnx')).toEqual({ kind: 'missing' });
    expect(await cache.has('tiny-vae', 'vae_encoder/model.onnx')).toBe(true); // the good file stays
  });

  it('replaces a stale file (another size than the manifest names)', async () => {
    server = await startModelServer();
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    await pullModel(cache, model, FAST);
    writeFileSync(cache.path('tiny-vae', 'vae_decoder/model.onnx'), 'short');
    expect((await modelState(cache, model)).files[1].status).toBe('stale');
    await pullModel(cache, model, FAST);
    expect(sameBytes(await cache.read('tiny-vae', 'vae_decoder/model.onnx'), TINY_FILES.decoder)).toBe(true);
  });

  it('treats a file installed from another URL (a new revision) as stale', async () => {
    server = await startModelServer();
    const json = loopbackManifestJson(server) as any;
    await pullModel(cache, loadManifest(json).models[1], FAST);
    json.models[1].files[0].url = server.url('/plain/vocab.json?rev=2');
    expect((await modelState(cache, loadManifest(json).models[1])).files[0].status).toBe('stale');
  });
});

describe('model-missing', () => {
  it('says which model, its size, and how to get it', async () => {
    server = await startModelServer();
    const model = findModel(loopbackManifest(server), 'tiny-vae');
    const e = (await requireModel(cache, model).catch((err: unknown) => err)) as TesseraError;
    expect(e.code).toBe('model-missing');
    expect(e.userMessage).toBe('The model Tiny VAE (tiny-vae, 1.0 MB) is not installed. Get it with "tessera models pull tiny-vae".');
    expect(e.details).toMatchObject({ modelId: 'tiny-vae', missingFiles: ['vae_encoder/model.onnx', 'vae_decoder/model.onnx'] });
    await pullModel(cache, model, FAST);
    await expect(requireModel(cache, model)).resolves.toBeUndefined();
  });

  it('marks estimated sizes and how much of a partial model is there', async () => {
    server = await startModelServer();
    const plain = findModel(loopbackManifest(server), 'plain');
    expect(modelMissingError(await modelState(cache, plain)).userMessage).toMatch(/\(plain, ≈5\.0 kB\)/);
    const partial = await cache.openPartial('plain', 'tokenizer/vocab.json');
    await partial.write(new Uint8Array(2500));
    await partial.close();
    expect(modelMissingError(await modelState(cache, plain)).userMessage).toMatch(/not installed; 50% is downloaded/);
  });
});
