import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { hasChromium, startBrowserFixture, type BrowserFixture } from '../../browser/chromium.js';
import { testBytes } from '../download/file-server.js';

/** Served by the test page's server, for a real pull through the page's fetch. */
const SERVED = { a: testBytes(200_000, 5), b: testBytes(3_001, 6) };

const RECORD = { url: 'https://example.org/a.onnx', bytes: 6, sha256: 'ab'.repeat(32), checkedBy: 'sha256' } as const;

describe.skipIf(!hasChromium())('BrowserModelCache (OPFS, in Chromium)', () => {
  let fixture: BrowserFixture;
  let page: Page;
  let problems: string[];
  beforeAll(async () => {
    fixture = await startBrowserFixture({ cache: 'test/runtime/cache/browser-model-cache.page.ts' }, { files: { 'served/a.onnx': SERVED.a, 'served/b.json': SERVED.b } });
    ({ page, problems } = await fixture.open('cache'));
    await page.waitForFunction(() => 'cacheLib' in window);
  });
  afterAll(async () => {
    await fixture?.close();
  });
  beforeEach(async () => {
    await page.evaluate(() => window.cacheLib.clear());
  });

  it('is available on a 127.0.0.1 page', async () => {
    expect(await page.evaluate(() => window.cacheLib.BrowserModelCache.available())).toBe(true);
  });

  it('keeps a partial across opens (and page reloads), and only commit makes it installed', async () => {
    const before = await page.evaluate(async (record) => {
      const { BrowserModelCache } = window.cacheLib;
      const cache = new BrowserModelCache();
      const missing = await cache.fileState('m', 'sub/a.onnx');
      const partial = await cache.openPartial('m', 'sub/a.onnx');
      await partial.write(new Uint8Array([1, 2, 3]));
      const sizeWhileOpen = await partial.size();
      await partial.saveResumeInfo({ url: record.url, validator: '"e"' });
      await partial.close();
      return { missing, sizeWhileOpen, state: await cache.fileState('m', 'sub/a.onnx'), has: await cache.has('m', 'sub/a.onnx'), record: await cache.installRecord('m', 'sub/a.onnx') };
    }, RECORD);
    expect(before).toEqual({ missing: { kind: 'missing' }, sizeWhileOpen: 3, state: { kind: 'partial', bytes: 3 }, has: false, record: null });

    await page.reload();
    await page.waitForFunction(() => 'cacheLib' in window);
    const after = await page.evaluate(async (record) => {
      const { BrowserModelCache, collect } = window.cacheLib;
      const cache = new BrowserModelCache();
      const partial = await cache.openPartial('m', 'sub/a.onnx');
      const kept = { size: await partial.size(), resume: await partial.loadResumeInfo(), bytes: await collect(partial.readChunks()) };
      await partial.write(new Uint8Array([4, 5, 6]));
      await partial.commit(record);
      await partial.close(); // a second close is harmless
      return {
        kept,
        state: await cache.fileState('m', 'sub/a.onnx'),
        read: Array.from(await cache.read('m', 'sub/a.onnx')),
        chunks: await collect(cache.readChunks('m', 'sub/a.onnx')),
        record: await cache.installRecord('m', 'sub/a.onnx'),
        list: await cache.list(),
      };
    }, RECORD);
    expect(after).toEqual({
      kept: { size: 3, resume: { url: RECORD.url, validator: '"e"' }, bytes: [1, 2, 3] },
      state: { kind: 'installed', bytes: 6 },
      read: [1, 2, 3, 4, 5, 6],
      chunks: [1, 2, 3, 4, 5, 6],
      record: RECORD,
      list: [{ modelId: 'm', files: [{ name: 'sub/a.onnx', kind: 'installed', bytes: 6 }], bytes: 6 }],
    });
  });

  it('writes across segments, reads the partial back mid-download, and truncates inside a segment', async () => {
    const result = await page.evaluate(async () => {
      const { BrowserModelCache, bytes, collect } = window.cacheLib;
      const cache = new BrowserModelCache({ segmentBytes: 1000 });
      const data = bytes(3500);
      const partial = await cache.openPartial('m', 'big.bin');
      await partial.write(data.subarray(0, 2500));
      const midRead = await collect(partial.readChunks());
      await partial.write(data.subarray(2500));
      const size = await partial.size();
      await partial.truncate(1500);
      const afterTruncate = await partial.size();
      await partial.write(new Uint8Array([7]));
      const all = await collect(partial.readChunks());
      await partial.close();
      const expected = [...data.subarray(0, 1500), 7];
      return {
        midReadOk: midRead.length === 2500 && midRead.every((b, i) => b === data[i]),
        size,
        afterTruncate,
        allOk: all.length === expected.length && all.every((b, i) => b === expected[i]),
        state: await cache.fileState('m', 'big.bin'),
      };
    });
    expect(result).toEqual({ midReadOk: true, size: 3500, afterTruncate: 1500, allOk: true, state: { kind: 'partial', bytes: 1501 } });
  });

  it('discard drops the partial; a stale installed file reopened starts from nothing', async () => {
    const result = await page.evaluate(async (record) => {
      const { BrowserModelCache } = window.cacheLib;
      const cache = new BrowserModelCache();
      let p = await cache.openPartial('m', 'a.onnx');
      await p.write(new Uint8Array(10));
      await p.discard();
      const discarded = await cache.fileState('m', 'a.onnx');
      p = await cache.openPartial('m', 'a.onnx');
      await p.write(new Uint8Array(6));
      await p.commit(record);
      p = await cache.openPartial('m', 'a.onnx');
      const reopened = { size: await p.size(), state: await cache.fileState('m', 'a.onnx'), record: await cache.installRecord('m', 'a.onnx') };
      await p.close();
      return { discarded, reopened };
    }, RECORD);
    expect(result).toEqual({ discarded: { kind: 'missing' }, reopened: { size: 0, state: { kind: 'missing' }, record: null } });
  });

  it('lists models with sizes, removes one file, then a whole model with the bytes freed', async () => {
    const result = await page.evaluate(async (record) => {
      const { BrowserModelCache } = window.cacheLib;
      const cache = new BrowserModelCache();
      const put = async (model: string, name: string, n: number, commit: boolean) => {
        const p = await cache.openPartial(model, name);
        await p.write(new Uint8Array(n));
        if (commit) await p.commit({ ...record, bytes: n });
        await p.close();
      };
      await put('taesd', 'vae_decoder/model.onnx', 40, true);
      await put('taesd', 'vae_encoder/model.onnx', 25, false);
      await put('other', 'x.bin', 7, true);
      const listed = await cache.list();
      await cache.removeFile('taesd', 'vae_encoder/model.onnx');
      const afterRemoveFile = await cache.list();
      const freed = await cache.remove('taesd');
      const freedAgain = await cache.remove('taesd');
      return { listed, afterRemoveFile, freed, freedAgain, final: await cache.list(), gone: await cache.fileState('taesd', 'vae_decoder/model.onnx') };
    }, RECORD);
    expect(result.listed).toEqual([
      { modelId: 'other', files: [{ name: 'x.bin', kind: 'installed', bytes: 7 }], bytes: 7 },
      {
        modelId: 'taesd',
        files: [
          { name: 'vae_decoder/model.onnx', kind: 'installed', bytes: 40 },
          { name: 'vae_encoder/model.onnx', kind: 'partial', bytes: 25 },
        ],
        bytes: 65,
      },
    ]);
    expect(result.afterRemoveFile[1]).toEqual({ modelId: 'taesd', files: [{ name: 'vae_decoder/model.onnx', kind: 'installed', bytes: 40 }], bytes: 40 });
    expect(result).toMatchObject({ freed: 40, freedAgain: 0, final: [{ modelId: 'other' }], gone: { kind: 'missing' } });
  });

  it('refuses ids and names that would leave the cache, and reading what is not installed', async () => {
    const errors = await page.evaluate(async () => {
      const cache = new window.cacheLib.BrowserModelCache();
      const msg = (p: Promise<unknown>) => p.then(() => 'ok', (e: Error) => e.message);
      return [await msg(cache.fileState('..', 'x')), await msg(cache.fileState('m', '../x')), await msg(cache.read('m', 'nothing.bin'))];
    });
    expect(errors[0]).toMatch(/not a model id/);
    expect(errors[1]).toMatch(/not a file name inside/);
    expect(errors[2]).toMatch(/not installed/);
  });

  it('pullModel installs a model through the page fetch; verify re-hashes it from OPFS', async () => {
    const files = [
      { name: 'unet.onnx', path: 'served/a.onnx', bytes: SERVED.a.length, sha256: sha256Hex(SERVED.a) },
      { name: 'tokenizer/vocab.json', path: 'served/b.json', bytes: SERVED.b.length, sha256: sha256Hex(SERVED.b) },
    ];
    const result = await page.evaluate(async (files) => {
      const { BrowserModelCache, loadManifest, modelState, pullModel, verifyModel } = window.cacheLib;
      const manifest = loadManifest({
        schemaVersion: 1,
        notes: [],
        models: [
          {
            id: 'served',
            name: 'Served',
            description: 'From the test server.',
            source: { repo: 'test/served', revision: 'r1' },
            licence: null,
            capabilities: ['text-to-image'],
            notes: [],
            files: files.map((f, i) => ({ name: f.name, role: i === 0 ? 'unet' : 'tokenizer-vocab', format: i === 0 ? 'onnx' : 'json', url: `${location.origin}/${f.path}`, bytes: f.bytes, sha256: f.sha256 })),
          },
        ],
      });
      const model = manifest.models[0];
      const cache = new BrowserModelCache({ segmentBytes: 64 * 1024 });
      const before = (await modelState(cache, model)).kind;
      const pulled = await pullModel(cache, model, { fetch: (url, init) => fetch(url, init) });
      const after = await modelState(cache, model);
      const verified = await verifyModel(cache, model);
      return { before, downloaded: pulled.downloadedBytes, after: after.kind, bytes: after.bytesOnHand, verified: verified.ok, list: await cache.list() };
    }, files);
    expect(result).toEqual({
      before: 'missing',
      downloaded: SERVED.a.length + SERVED.b.length,
      after: 'installed',
      bytes: SERVED.a.length + SERVED.b.length,
      verified: true,
      list: [
        {
          modelId: 'served',
          files: [
            { name: 'tokenizer/vocab.json', kind: 'installed', bytes: SERVED.b.length },
            { name: 'unet.onnx', kind: 'installed', bytes: SERVED.a.length },
          ],
          bytes: SERVED.a.length + SERVED.b.length,
        },
      ],
    });
  });

  it('logs no page errors', () => {
    expect(problems).toEqual([]);
  });
});
