import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { NodeModelCache } from '../../../src/runtime/cache/node-model-cache.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import type { Manifest } from '../../../src/runtime/models/manifest.js';
import { modelState } from '../../../src/runtime/models/model-state.js';
import type { FetchLike } from '../../../src/runtime/remote/inference-client.js';
import { RemoteModelCache } from '../../../src/runtime/remote/remote-model-cache.js';
import { remoteRunnerSource } from '../../../src/runtime/remote/remote-runner-source.js';
import { loadSdxsPipeline } from '../../../src/runtime/sdxs/load-sdxs-pipeline.js';
import { startInferenceServer, type InferenceServer } from '../../../src/server/inference-server.js';
import { servedEntries } from '../../../src/server/model-files.js';
import { installTinyModelCache, TINY_SDXS_ID, TINY_TAESD_ID } from '../../fixtures/tiny-models.js';
import { loadTinyServedModels } from '../../server/served-fixtures.js';

const VOCAB = 'tokenizer/vocab.json';
const MERGES = 'tokenizer/merges.txt';
let manifest: Manifest;
let vocab: Uint8Array;
let merges: Uint8Array;
let server: InferenceServer;
/** The same models, without the file endpoints: as Triton or KServe would serve them. */
let tritonLike: InferenceServer;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-remote-cache-'));
  const cacheDir = path.join(dir, 'cache');
  manifest = installTinyModelCache(dir, cacheDir).manifest;
  const cache = new NodeModelCache(cacheDir);
  vocab = new Uint8Array(readFileSync(cache.path(TINY_SDXS_ID, VOCAB)));
  merges = new Uint8Array(readFileSync(cache.path(TINY_SDXS_ID, MERGES)));
  const models = await loadTinyServedModels();
  server = await startInferenceServer({ models, files: { cache, models: servedEntries(manifest, models) }, port: 0 });
  tritonLike = await startInferenceServer({ models: await loadTinyServedModels(), port: 0 });
});
afterAll(async () => Promise.all([server?.close(), tritonLike?.close()]));

/** The manifest with `sha256` set for one tokenizer file. */
function withSha(name: string, sha256: string): Manifest {
  return { ...manifest, models: manifest.models.map((m) => ({ ...m, files: m.files.map((f) => (m.id === TINY_SDXS_ID && f.name === name ? { ...f, sha256 } : f)) })) };
}

/** fetch, counting the requests and letting a test change answers. */
function recordingFetch(edit: (url: string, r: Response) => Response | Promise<Response> = (_u, r) => r): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      calls.push(new URL(url).pathname);
      return edit(url, await fetch(url, init));
    },
  };
}

async function caught(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

describe('RemoteModelCache: a tessera serve as the model store', () => {
  it('reads the tokenizer from the server once, checked against the manifest sha256, and keeps it', async () => {
    const { fetch, calls } = recordingFetch();
    const cache = new RemoteModelCache({ url: server.url, manifest: withSha(VOCAB, sha256Hex(vocab)), fetch });
    expect(cache.location).toBe(`the inference server at ${server.url}`);
    expect(await cache.read(TINY_SDXS_ID, VOCAB)).toEqual(vocab);
    expect(await cache.read(TINY_SDXS_ID, VOCAB)).toEqual(vocab);
    const chunks: Uint8Array[] = [];
    for await (const c of cache.readChunks(TINY_SDXS_ID, MERGES)) chunks.push(c);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(merges));
    expect(calls.filter((p) => p.includes('/files/'))).toEqual(['/tessera/v1/models/tiny-sdxs/files/tokenizer/vocab.json', '/tessera/v1/models/tiny-sdxs/files/tokenizer/merges.txt']);
  });

  it('says what the server holds: the whole served model installed (its ONNX files run there), an unserved one missing', async () => {
    const { fetch, calls } = recordingFetch();
    const cache = new RemoteModelCache({ url: server.url, manifest, fetch });
    const tiny = await modelState(cache, manifest.models.find((m) => m.id === TINY_SDXS_ID)!);
    expect([tiny.kind, tiny.files.map((f) => f.status)]).toEqual(['installed', ['installed', 'installed', 'installed', 'installed', 'installed']]);
    expect(await cache.fileState(TINY_SDXS_ID, VOCAB)).toEqual({ kind: 'installed', bytes: vocab.length });
    expect(await cache.fileState('sdxs-512-dreamshaper', 'unet.onnx')).toEqual({ kind: 'missing' });
    expect(await cache.has(TINY_TAESD_ID, 'vae_encoder/model.onnx')).toBe(true);
    expect((await cache.list()).map((m) => m.modelId)).toEqual([TINY_SDXS_ID, TINY_TAESD_ID]);
    // One request for the list while it is fresh.
    expect(calls).toEqual(['/tessera/v1/models']);
  });

  it('runs the loaders unchanged: the SDXS pipeline with the networks on the server and the tokenizer from it', async () => {
    const cache = new RemoteModelCache({ url: server.url, manifest });
    const loaded = await loadSdxsPipeline(cache, manifest, { modelId: TINY_SDXS_ID, withImageEncoder: true, runnerSource: remoteRunnerSource({ url: server.url }) });
    try {
      expect(loaded.models.tokenizer.encode('a cat').length).toBeGreaterThan(0);
      expect(loaded.models.unet.runner.backend).toBe('remote');
    } finally {
      await loaded.release();
    }
  });

  it('refuses bytes that do not match the manifest, or the sha256 the server sent, or the manifest size', async () => {
    const wrongSha = 'f'.repeat(64);
    const byManifest = await caught(new RemoteModelCache({ url: server.url, manifest: withSha(VOCAB, wrongSha) }).read(TINY_SDXS_ID, VOCAB));
    expect(byManifest.code).toBe('checksum-mismatch');
    expect(byManifest.userMessage).toContain(`tiny-sdxs/tokenizer/vocab.json from the inference server at ${server.url} does not match the manifest (sha256 ${sha256Hex(vocab)}, expected ${wrongSha})`);
    expect(byManifest.userMessage).toContain('tessera models verify tiny-sdxs');

    // No sha256 in the manifest: the server's ETag is the reference.
    const lying = recordingFetch((url, r) => (url.endsWith('merges.txt') ? new Response(r.body, { status: r.status, headers: { etag: `"${wrongSha}"` } }) : r));
    const byServer = await caught(new RemoteModelCache({ url: server.url, manifest, fetch: lying.fetch }).read(TINY_SDXS_ID, MERGES));
    expect(byServer.code).toBe('checksum-mismatch');
    expect(byServer.userMessage).toMatch(/does not match the sha256 the server sent with it/);

    const short = recordingFetch(async (url, r) => (url.endsWith('merges.txt') ? new Response((await r.arrayBuffer()).slice(1), { status: 200 }) : r));
    const bySize = await caught(new RemoteModelCache({ url: server.url, manifest, fetch: short.fetch }).read(TINY_SDXS_ID, MERGES));
    expect(bySize.code).toBe('checksum-mismatch');
    expect(bySize.userMessage).toContain(`is ${merges.length - 1} bytes, not the ${merges.length} the manifest names`);
  });

  it('network failures name the server, and a failed read is tried again on the next', async () => {
    const gone = await startInferenceServer({ models: [], port: 0 });
    await gone.close();
    const nobody = new RemoteModelCache({ url: gone.url, manifest, retries: 0 });
    const e = await caught(nobody.read(TINY_SDXS_ID, VOCAB));
    expect(e.code).toBe('network');
    expect(e.details).toMatchObject({ server: gone.url, reason: 'refused' });
    expect((await caught(nobody.fileState(TINY_SDXS_ID, VOCAB))).code).toBe('network');

    let failures = 1;
    const flaky: FetchLike = (url, init) => (url.includes('/files/') && failures-- > 0 ? Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } })) : fetch(url, init));
    const cache = new RemoteModelCache({ url: server.url, manifest, fetch: flaky, retries: 0 });
    expect((await caught(cache.read(TINY_SDXS_ID, VOCAB))).details).toMatchObject({ reason: 'lost' });
    expect(await cache.read(TINY_SDXS_ID, VOCAB)).toEqual(vocab);

    const wrongToken = await startInferenceServer({ models: [], files: { cache: new NodeModelCache(mkdtempSync(path.join(tmpdir(), 'tessera-empty-'))), models: [] }, port: 0, token: 't' });
    try {
      const refused = await caught(new RemoteModelCache({ url: wrongToken.url, manifest, token: 'x' }).fileState(TINY_SDXS_ID, VOCAB));
      expect(refused.details).toMatchObject({ reason: 'unauthorized' });
    } finally {
      await wrongToken.close();
    }
  });

  it('a file the server does not give out: model-missing, with its reason and how to serve the model', async () => {
    const served = await loadTinyServedModels();
    const encoderOnly = served.filter((m) => m.name.startsWith(`${TINY_TAESD_ID}.`));
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-remote-cache-encoder-'));
    installTinyModelCache(dir, path.join(dir, 'cache'));
    const partial = await startInferenceServer({ models: encoderOnly, files: { cache: new NodeModelCache(path.join(dir, 'cache')), models: servedEntries(manifest, encoderOnly) }, port: 0 });
    try {
      const e = await caught(new RemoteModelCache({ url: partial.url, manifest }).read(TINY_SDXS_ID, VOCAB));
      expect(e.code).toBe('model-missing');
      expect(e.userMessage).toMatch(/does not give out tiny-sdxs\/tokenizer\/vocab\.json \(it says: model "tiny-sdxs" is not served here.*\)\. Serve the model there: "tessera serve --models tiny-sdxs"\./);
    } finally {
      await partial.close();
      for (const m of served.filter((x) => !encoderOnly.includes(x))) await m.runner.release();
    }
  });

  it('against a server that gives out no files (Triton, KServe): says the tokenizer is needed here and how to get it', async () => {
    const cache = new RemoteModelCache({ url: tritonLike.url, manifest });
    for (const e of [await caught(cache.read(TINY_SDXS_ID, VOCAB)), await caught(cache.fileState(TINY_SDXS_ID, VOCAB))]) {
      expect(e.code).toBe('model-missing');
      expect(e.details).toMatchObject({ server: tritonLike.url, reason: 'no-model-files' });
      expect(e.userMessage).toMatch(/gives out no model files, and Tessera needs .*tokenizer.* on this side/);
      expect(e.userMessage).toContain('use "tessera serve"');
      expect(e.userMessage).toContain('standalone editor');
    }
  });

  it('is read-only: installing or removing is done on the server', async () => {
    const cache = new RemoteModelCache({ url: server.url, manifest });
    for (const attempt of [cache.openPartial(), cache.remove(), cache.removeFile()]) {
      const e = await caught(attempt);
      expect(e.code).toBe('invalid-input');
      expect(e.userMessage).toMatch(/are the server's: install or remove them there/);
    }
    expect(await caught(cache.read(TINY_SDXS_ID, 'unet.onnx'))).toMatchObject({ code: 'internal' });
  });
});
