import { describe, expect, it } from 'vitest';
import { computeInThread } from '../../../src/commands/pixelate.js';
import type { Fetch } from '../../../src/runtime/download/fetch-following-redirects.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { loadManifest } from '../../../src/runtime/models/manifest.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import type { ModelEntryView } from '../../../panels/state/panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { MemoryModelCache } from '../../fakes/memory-model-cache.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { testBytes } from '../../runtime/download/file-server.js';

const FILES = { 'https://example.org/tiny/a.onnx': testBytes(30_000, 3), 'https://example.org/tiny/b.json': testBytes(10_000, 4) };
const [A, B] = Object.values(FILES);

const MANIFEST = loadManifest({
  schemaVersion: 1,
  notes: [],
  models: [
    {
      id: 'tiny',
      name: 'Tiny Model',
      description: 'Two files.',
      source: { repo: 'test/tiny', revision: 'r1' },
      licence: 'MIT',
      capabilities: ['text-to-image'],
      notes: [],
      files: [
        { name: 'a.onnx', role: 'unet', format: 'onnx', url: 'https://example.org/tiny/a.onnx', bytes: A.length, sha256: sha256Hex(A), patchLatents: 64 },
        { name: 'tokenizer/b.json', role: 'tokenizer-vocab', format: 'json', url: 'https://example.org/tiny/b.json', bytes: B.length, sha256: sha256Hex(B) },
      ],
    },
    {
      id: 'other',
      name: 'Other Model',
      description: 'Size estimated.',
      source: { repo: 'test/other', revision: 'r1' },
      licence: null,
      capabilities: ['decode-latent'],
      notes: [],
      files: [{ name: 'x.onnx', role: 'vae-decoder', format: 'onnx', url: 'https://example.org/other/x.onnx', bytes: null, approxBytes: 2_500_000, sha256: null }],
    },
  ],
});

/**
 * Serves FILES in 4 kB chunks, with Range. `hangAt` stops a body after that many bytes until the
 * request is aborted, as a slow network does when the user presses Cancel.
 */
function fakeFetch(options: { hangAt?: number } = {}): Fetch & { requests: { url: string; range: string | null }[] } {
  const requests: { url: string; range: string | null }[] = [];
  const fn = async (url: string, init: RequestInit) => {
    const range = new Headers(init.headers).get('range');
    requests.push({ url, range });
    const bytes = FILES[url as keyof typeof FILES];
    if (!bytes) return new Response('not found', { status: 404 });
    const from = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1] ?? 0) : 0;
    const body = bytes.subarray(from);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (options.hangAt !== undefined && from + sent >= options.hangAt) {
          return new Promise((_resolve, reject) => {
            const fail = () => {
              const reason = init.signal?.reason ?? new DOMException('aborted', 'AbortError');
              controller.error(reason);
              reject(reason);
            };
            if (init.signal?.aborted) fail();
            else init.signal?.addEventListener('abort', fail);
          });
        }
        const end = Math.min(body.length, sent + 4096, options.hangAt !== undefined ? options.hangAt - from : Infinity);
        controller.enqueue(body.slice(sent, end));
        sent = end;
        if (sent >= body.length) controller.close();
        return undefined;
      },
    });
    const headers: Record<string, string> = { 'content-length': String(body.length), etag: '"v1"' };
    if (from > 0) headers['content-range'] = `bytes ${from}-${bytes.length - 1}/${bytes.length}`;
    return new Response(stream, { status: from > 0 ? 206 : 200, headers });
  };
  return Object.assign(fn, { requests });
}

function setup(fetch = fakeFetch(), cache = new MemoryModelCache()) {
  const host = new MemoryHost({ image: hueSweepImage(16, 16), x: 0, y: 0, name: 'Photo' });
  const storage = { load: () => null, save: () => {} };
  const store = createPanelStore(initialPanelState(host, storage, { models: true }));
  const controller = new PanelController({ store, host, compute: computeInThread, previewCompute: computeInThread, storage, models: { cache, manifest: MANIFEST, fetch, retryDelayMs: 1 } });
  return { store, controller, cache, fetch };
}

const view = (models: readonly ModelEntryView[], id: string) => models.find((m) => m.id === id);

describe('panel controller: models', () => {
  it('lists every manifest model from the cache, with size and licence; nothing is fetched', async () => {
    const { store, controller, cache, fetch } = setup();
    expect(store.get()).toMatchObject({ capabilities: { models: true }, models: [] });
    const p = await cache.openPartial('tiny', 'a.onnx');
    await p.write(A.subarray(0, 12_000));
    await controller.refreshModels();
    expect(store.get().models).toEqual([
      { id: 'tiny', name: 'Tiny Model', sizeText: '40.0 kB', state: 'partial', percent: 30, licence: 'MIT', textToImage: true, refinesUpscales: true },
      { id: 'other', name: 'Other Model', sizeText: '≈2.5 MB', state: 'missing', textToImage: false, refinesUpscales: false },
    ]);
    expect(fetch.requests).toEqual([]);
  });

  it('a host without a model store has the capability off and nothing listed', async () => {
    const host = new MemoryHost({ image: hueSweepImage(8, 8), x: 0, y: 0, name: 'Photo' });
    const storage = { load: () => null, save: () => {} };
    const store = createPanelStore(initialPanelState(host, storage));
    const controller = new PanelController({ store, host, compute: computeInThread, previewCompute: computeInThread, storage });
    await controller.refreshModels();
    await controller.downloadModel('tiny');
    expect(store.get()).toMatchObject({ capabilities: { models: false }, models: [], job: null, error: null });
  });

  it('Download shows progress on the model and the job, then the model is installed', async () => {
    const { store, controller, cache } = setup();
    await controller.refreshModels();
    const seen: (number | undefined)[] = [];
    const jobs: string[] = [];
    store.subscribe((s) => {
      const m = view(s.models, 'tiny');
      if (m?.state === 'downloading') seen.push(m.percent);
      if (s.job) jobs.push(s.job.label);
    });
    await controller.downloadModel('tiny');
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(new Set(jobs)).toEqual(new Set(['Download Tiny Model']));
    expect(view(store.get().models, 'tiny')).toEqual({ id: 'tiny', name: 'Tiny Model', sizeText: '40.0 kB', state: 'installed', licence: 'MIT', textToImage: true, refinesUpscales: true });
    expect(store.get()).toMatchObject({ job: null, error: null, notice: 'Installed Tiny Model (40.0 kB downloaded).' });
    expect(await cache.read('tiny', 'tokenizer/b.json')).toEqual(B);
  });

  it('Cancel keeps the partial; the next Download resumes from it with a Range request', async () => {
    const cache = new MemoryModelCache();
    const hanging = fakeFetch({ hangAt: 20_000 });
    const first = setup(hanging, cache);
    await first.controller.refreshModels();
    const download = first.controller.downloadModel('tiny');
    await until(() => (view(first.store.get().models, 'tiny')?.percent ?? 0) >= 45);
    first.controller.cancel();
    await download;
    expect(first.store.get()).toMatchObject({ job: null, error: null });
    expect(first.store.get().notice).toMatch(/^Download paused at 50 %: the bytes so far are kept/);
    expect(view(first.store.get().models, 'tiny')).toMatchObject({ state: 'partial', percent: 50 });
    expect(await cache.fileState('tiny', 'a.onnx')).toEqual({ kind: 'partial', bytes: 20_000 });

    const second = setup(fakeFetch(), cache);
    await second.controller.downloadModel('tiny');
    expect(second.fetch.requests[0]).toEqual({ url: 'https://example.org/tiny/a.onnx', range: 'bytes=20000-' });
    expect(view(second.store.get().models, 'tiny')?.state).toBe('installed');
    expect(await cache.read('tiny', 'a.onnx')).toEqual(A);
  });

  it('a download that fails shows why, and the model stays not installed', async () => {
    const { store, controller } = setup();
    await controller.downloadModel('other'); // the fake server has no such file
    expect(store.get().error?.message).toMatch(/404/);
    expect(view(store.get().models, 'other')?.state).toBe('missing');
    expect(store.get().job).toBeNull();
  });

  it('Remove deletes the model and says how much it freed', async () => {
    const { store, controller, cache } = setup();
    await controller.downloadModel('tiny');
    await controller.removeModel('tiny');
    expect(store.get().notice).toBe('Removed Tiny Model (40.0 kB freed).');
    expect(view(store.get().models, 'tiny')?.state).toBe('missing');
    expect(await cache.list()).toEqual([]);
  });

  it('one job at a time: Download waits while another job runs', async () => {
    const cache = new MemoryModelCache();
    const { controller, fetch } = setup(fakeFetch({ hangAt: 1000 }), cache);
    const first = controller.downloadModel('tiny');
    await until(() => cache.partials.get('tiny/a.onnx')?.bytes().length === 1000);
    await controller.downloadModel('other');
    await controller.removeModel('tiny');
    expect(fetch.requests.map((r) => r.url)).toEqual(['https://example.org/tiny/a.onnx']);
    controller.cancel();
    await first;
    expect(await cache.fileState('tiny', 'a.onnx')).toEqual({ kind: 'partial', bytes: 1000 });
  });
});

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
}
