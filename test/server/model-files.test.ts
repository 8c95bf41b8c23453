import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeModelCache } from '../../src/runtime/cache/node-model-cache.js';
import { sha256Hex } from '../../src/runtime/download/sha256.js';
import type { Manifest } from '../../src/runtime/models/manifest.js';
import { MODEL_FILES_PATHS, readModelFilesIndex } from '../../src/runtime/remote/model-files-protocol.js';
import { startInferenceServer, type InferenceServer } from '../../src/server/inference-server.js';
import { servedEntries } from '../../src/server/model-files.js';
import { installTinyModelCache, TINY_SDXS_ID, TINY_TAESD_ID } from '../fixtures/tiny-models.js';
import { loadTinyServedModels } from './served-fixtures.js';

const PLUGIN_ORIGIN = 'http://localhost:4173';
const logs: string[] = [];
let dir: string;
let cache: NodeModelCache;
let manifest: Manifest;
let open: InferenceServer;
let locked: InferenceServer;
let encoderOnly: InferenceServer;
let mergesBytes: Uint8Array;
let vocabBytes: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-model-files-'));
  const cacheDir = path.join(dir, 'cache');
  manifest = installTinyModelCache(dir, cacheDir).manifest;
  cache = new NodeModelCache(cacheDir);
  vocabBytes = new Uint8Array(readFileSync(cache.path(TINY_SDXS_ID, 'tokenizer/vocab.json')));
  // merges.txt installed as a pull installs it: through a partial, with the record of its check.
  mergesBytes = new Uint8Array(readFileSync(cache.path(TINY_SDXS_ID, 'tokenizer/merges.txt')));
  rmSync(cache.path(TINY_SDXS_ID, 'tokenizer/merges.txt'));
  const partial = await cache.openPartial(TINY_SDXS_ID, 'tokenizer/merges.txt');
  await partial.write(mergesBytes);
  const mergesUrl = manifest.models[0].files.find((f) => f.name === 'tokenizer/merges.txt')!.url;
  await partial.commit({ url: mergesUrl, bytes: mergesBytes.length, sha256: sha256Hex(mergesBytes), checkedBy: 'sha256' });
  // A file in the model's folder that the manifest does not name, and one outside every model folder.
  writeFileSync(path.join(cacheDir, TINY_SDXS_ID, 'secret.txt'), 'not for you');
  writeFileSync(path.join(dir, 'outside.txt'), 'not for you either');

  const all = await loadTinyServedModels();
  open = await startInferenceServer({ models: all, files: { cache, models: servedEntries(manifest, all) }, port: 0, log: (l) => logs.push(l) });
  const again = await loadTinyServedModels();
  locked = await startInferenceServer({ models: again, files: { cache, models: servedEntries(manifest, again) }, port: 0, token: 'sesame' });
  const encoder = (await loadTinyServedModels()).filter((m) => m.name.startsWith(`${TINY_TAESD_ID}.`));
  encoderOnly = await startInferenceServer({ models: encoder, files: { cache, models: servedEntries(manifest, encoder) }, port: 0 });
});

afterAll(async () => {
  await Promise.all([open?.close(), locked?.close(), encoderOnly?.close()]);
});

const fileUrl = (server: InferenceServer, model: string, name: string) => `${server.url}${MODEL_FILES_PATHS.file(model, name)}`;

/** A GET with the path exactly as given: fetch would resolve `..` before sending it. */
function rawGet(server: InferenceServer, rawPath: string): Promise<{ status: number; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function errorOf(res: Response): Promise<string> {
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = (await res.json()) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  return body.error as string;
}

describe('tessera serve: the served models\' files', () => {
  it('lists each served model with the files it holds: ONNX files as run here, the others as given out, with the recorded sha256', async () => {
    const res = await fetch(`${open.url}${MODEL_FILES_PATHS.index}`);
    expect(res.status).toBe(200);
    const index = readModelFilesIndex(await res.json());
    expect(index.models.map((m) => m.id)).toEqual([TINY_SDXS_ID, TINY_TAESD_ID]);
    const tiny = index.models[0].files;
    expect(tiny.map((f) => [f.name, f.downloadable])).toEqual([
      ['text_encoder.onnx', false],
      ['unet.onnx', false],
      ['vae_decoder.onnx', false],
      ['tokenizer/vocab.json', true],
      ['tokenizer/merges.txt', true],
    ]);
    expect(tiny.find((f) => f.name === 'tokenizer/merges.txt')).toEqual({ name: 'tokenizer/merges.txt', format: 'text', bytes: mergesBytes.length, sha256: sha256Hex(mergesBytes), downloadable: true });
    expect(tiny.find((f) => f.name === 'tokenizer/vocab.json')).toMatchObject({ bytes: vocabBytes.length, sha256: null });
    // Only served models: a server of the encoder alone lists nothing of tiny-sdxs.
    const encoderIndex = readModelFilesIndex(await (await fetch(`${encoderOnly.url}${MODEL_FILES_PATHS.index}`)).json());
    expect(encoderIndex.models.map((m) => m.id)).toEqual([TINY_TAESD_ID]);
  });

  it('gives out a tokenizer file with its length, type, and the sha256 its install recorded (ETag and Repr-Digest)', async () => {
    const merges = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/merges.txt'));
    expect(merges.status).toBe(200);
    expect(merges.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(merges.headers.get('content-length')).toBe(String(mergesBytes.length));
    expect(merges.headers.get('etag')).toBe(`"${sha256Hex(mergesBytes)}"`);
    expect(merges.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha256Hex(mergesBytes), 'hex').toString('base64')}:`);
    expect(new Uint8Array(await merges.arrayBuffer())).toEqual(mergesBytes);

    const vocab = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/vocab.json'));
    expect(vocab.status).toBe(200);
    expect(vocab.headers.get('content-type')).toBe('application/json');
    expect(vocab.headers.get('etag')).toBeNull(); // installed without a record: no sha256 to vouch for
    expect(new Uint8Array(await vocab.arrayBuffer())).toEqual(vocabBytes);

    const head = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/merges.txt'), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(mergesBytes.length), 0]);
    expect(logs.some((l) => / GET \/tessera\/v1\/models\/tiny-sdxs\/files\/tokenizer\/merges\.txt 200 /.test(l))).toBe(true);
  });

  it('gives out no ONNX file, no file the manifest does not name, and nothing of a model it does not serve', async () => {
    expect(await errorOf(await fetch(fileUrl(open, TINY_SDXS_ID, 'unet.onnx')))).toMatch(/unet\.onnx is an ONNX file: this server runs it \(as tiny-sdxs\.unet\) and does not give it out/);
    const unknown = await fetch(fileUrl(open, TINY_SDXS_ID, 'secret.txt'));
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatch(/model tiny-sdxs has no file "secret\.txt"; the files this server gives out for it are: tokenizer\/vocab\.json, tokenizer\/merges\.txt/);
    const notServed = await fetch(fileUrl(encoderOnly, TINY_SDXS_ID, 'tokenizer/vocab.json'));
    expect(notServed.status).toBe(404);
    expect(await errorOf(notServed)).toMatch(/model "tiny-sdxs" is not served here \(this server serves: taesd\); start tessera serve with --models tiny-sdxs/);
    expect((await fetch(fileUrl(open, 'nope', 'tokenizer/vocab.json'))).status).toBe(404);
  });

  it.each([
    '/tessera/v1/models/tiny-sdxs/files/../../../../outside.txt',
    '/tessera/v1/models/tiny-sdxs/files/tokenizer/../../outside.txt',
    '/tessera/v1/models/tiny-sdxs/files/%2e%2e/%2e%2e/outside.txt',
    '/tessera/v1/models/tiny-sdxs/files/..%2f..%2foutside.txt',
    '/tessera/v1/models/tiny-sdxs/files/tokenizer%2f..%2f..%2foutside.txt',
    '/tessera/v1/models/tiny-sdxs/files/%2Fetc%2Fpasswd',
    '/tessera/v1/models/tiny-sdxs/files/tokenizer%5c..%5c..%5coutside.txt',
    '/tessera/v1/models/..%2f/files/outside.txt',
    '/tessera/v1/models/%2e%2e/files/outside.txt',
    '/tessera/v1/models/tiny-sdxs/files/secret.txt',
    '/tessera/v1/models/tiny-sdxs/files/tokenizer/vocab.json%00.txt',
    '/tessera/v1/models/tiny-sdxs/files/%E0%A4%A',
  ])('never climbs out of the manifest: GET %s', async (rawPath) => {
    const { status, body } = await rawGet(open, rawPath);
    expect([400, 404]).toContain(status);
    expect(JSON.parse(body)).toEqual({ error: expect.any(String) });
    expect(body).not.toContain('not for you');
    // And the server still serves.
    expect((await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/vocab.json'))).status).toBe(200);
  });

  it('needs the token like every endpoint but health, and takes only GET', async () => {
    for (const url of [`${locked.url}${MODEL_FILES_PATHS.index}`, fileUrl(locked, TINY_SDXS_ID, 'tokenizer/vocab.json')]) {
      const refused = await fetch(url);
      expect(refused.status).toBe(401);
      expect(await errorOf(refused)).toMatch(/a valid token is required/);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer sesame' } })).status).toBe(200);
    }
    const post = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/vocab.json'), { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, OPTIONS');
  });

  it("answers Tessera's pages with CORS headers that expose the sha256, and refuses other pages", async () => {
    const res = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/merges.txt'), { headers: { origin: PLUGIN_ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(PLUGIN_ORIGIN);
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toEqual(expect.arrayContaining(['ETag', 'Repr-Digest']));
    const preflight = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/merges.txt'), {
      method: 'OPTIONS',
      headers: { origin: PLUGIN_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const evil = await fetch(fileUrl(open, TINY_SDXS_ID, 'tokenizer/merges.txt'), { headers: { origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    expect(await errorOf(evil)).toMatch(/web page at https:\/\/evil\.example are not allowed/);
  });

  it('answers 404 on a server started without files', async () => {
    const bare = await startInferenceServer({ models: [], port: 0 });
    try {
      const res = await fetch(`${bare.url}${MODEL_FILES_PATHS.index}`);
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toBe('this server gives out no model files');
    } finally {
      await bare.close();
    }
  });
});
