import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultCacheDir, NodeModelCache } from '../../../src/runtime/cache/node-model-cache.js';
import { createNodeSha256 } from '../../../src/runtime/cache/node-sha256.js';
import { sha256Hex } from '../../../src/runtime/download/sha256.js';
import { testBytes } from '../download/file-server.js';

let dir: string;
let cache: NodeModelCache;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tessera-cache-'));
  cache = new NodeModelCache(dir);
});

const RECORD = { url: 'https://example.org/a.onnx', bytes: 6, sha256: sha256Hex(new Uint8Array([1, 2, 3, 4, 5, 6])), checkedBy: 'sha256' } as const;

describe('defaultCacheDir', () => {
  it('prefers TESSERA_CACHE, then XDG_CACHE_HOME, then LOCALAPPDATA on Windows, then ~/.cache', () => {
    expect(defaultCacheDir({ TESSERA_CACHE: '/t', XDG_CACHE_HOME: '/x' }, '/home/u', 'linux')).toBe(path.resolve('/t'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/u', 'linux')).toBe(path.join('/x', 'tessera'));
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, '/home/u', 'linux')).toBe(path.join('/home/u', '.cache', 'tessera'));
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u', 'win32')).toContain('tessera');
    expect(defaultCacheDir({ TESSERA_CACHE: '' }, '/home/u', 'linux')).toBe(path.join('/home/u', '.cache', 'tessera'));
  });
});

describe('NodeModelCache', () => {
  it('lays files out as <cacheDir>/<modelId>/<file>, sub-folders included', () => {
    expect(cache.path('taesd', 'vae_decoder/model.onnx')).toBe(path.join(dir, 'taesd', 'vae_decoder', 'model.onnx'));
  });

  it('refuses ids and file names that would leave the cache', () => {
    expect(() => cache.path('..', 'x')).toThrow(/not a model id/);
    expect(() => cache.path('.hidden', 'x')).toThrow(/not a model id/);
    expect(() => cache.path('m', '../../x')).toThrow(/not a file name inside/);
  });

  it('keeps a partial across opens, and only commit makes it installed', async () => {
    let partial = await cache.openPartial('m', 'sub/a.onnx');
    await partial.write(new Uint8Array([1, 2, 3]));
    await partial.saveResumeInfo({ url: RECORD.url, validator: '"e"' });
    await partial.close();
    expect(await cache.fileState('m', 'sub/a.onnx')).toEqual({ kind: 'partial', bytes: 3 });
    expect(await cache.has('m', 'sub/a.onnx')).toBe(false);
    expect(existsSync(cache.path('m', 'sub/a.onnx'))).toBe(false);

    partial = await cache.openPartial('m', 'sub/a.onnx');
    expect(await partial.size()).toBe(3);
    expect(await partial.loadResumeInfo()).toEqual({ url: RECORD.url, validator: '"e"' });
    await partial.write(new Uint8Array([4, 5, 6]));
    await partial.commit(RECORD);
    await partial.close(); // a second close is harmless

    expect(await cache.fileState('m', 'sub/a.onnx')).toEqual({ kind: 'installed', bytes: 6 });
    expect(await cache.read('m', 'sub/a.onnx')).toEqual(new Uint8Array([1, 2, 3, 4, 5, 6]));
    expect(await cache.installRecord('m', 'sub/a.onnx')).toEqual(RECORD);
    expect(readdirSync(path.join(dir, 'm', 'sub'))).toEqual(['a.onnx']); // no .partial, no .partial.json
  });

  it('truncates and reads back a partial for the hash', async () => {
    const bytes = testBytes(3_000_000);
    const partial = await cache.openPartial('m', 'big.bin');
    await partial.write(bytes);
    await partial.truncate(2_500_000);
    await partial.write(new Uint8Array([7]));
    const hash = createNodeSha256();
    let total = 0;
    for await (const chunk of partial.readChunks()) {
      hash.update(chunk);
      total += chunk.length;
    }
    expect(total).toBe(2_500_001);
    const expected = new Uint8Array(2_500_001);
    expected.set(bytes.subarray(0, 2_500_000));
    expected[2_500_000] = 7;
    expect(hash.digestHex()).toBe(sha256Hex(expected));
    await partial.close();
  });

  it('discard deletes the partial and its resume information', async () => {
    const partial = await cache.openPartial('m', 'a.onnx');
    await partial.write(new Uint8Array([1]));
    await partial.saveResumeInfo({ url: RECORD.url, validator: null });
    await partial.discard();
    expect(await cache.fileState('m', 'a.onnx')).toEqual({ kind: 'missing' });
    expect(readdirSync(path.join(dir, 'm'))).toEqual([]);
  });

  it('treats torn resume information as none', async () => {
    const partial = await cache.openPartial('m', 'a.onnx');
    await partial.write(new Uint8Array([1]));
    await import('node:fs/promises').then((fs) => fs.writeFile(cache.path('m', 'a.onnx') + '.partial.json', '{"url":"ht'));
    expect(await partial.loadResumeInfo()).toBeNull();
    await partial.close();
  });

  it('lists models with installed and partial files and their sizes, and removes them', async () => {
    const a = await cache.openPartial('one', 'a.onnx');
    await a.write(new Uint8Array(6));
    await a.commit(RECORD);
    const b = await cache.openPartial('one', 'tok/b.json');
    await b.write(new Uint8Array(4));
    await b.close();
    const c = await cache.openPartial('two', 'c.onnx');
    await c.write(new Uint8Array(2));
    await c.close();

    expect(await cache.list()).toEqual([
      { modelId: 'one', bytes: 10, files: [{ name: 'a.onnx', kind: 'installed', bytes: 6 }, { name: 'tok/b.json', kind: 'partial', bytes: 4 }] },
      { modelId: 'two', bytes: 2, files: [{ name: 'c.onnx', kind: 'partial', bytes: 2 }] },
    ]);
    expect(await cache.remove('one')).toBe(10);
    expect(await cache.remove('one')).toBe(0);
    expect((await cache.list()).map((m) => m.modelId)).toEqual(['two']);
  });

  it('lists nothing when the cache folder does not exist yet', async () => {
    expect(await new NodeModelCache(path.join(dir, 'not-yet')).list()).toEqual([]);
  });

  it('removeFile deletes one file and forgets its record', async () => {
    const a = await cache.openPartial('m', 'a.onnx');
    await a.write(new Uint8Array(6));
    await a.commit(RECORD);
    await cache.removeFile('m', 'a.onnx');
    expect(await cache.fileState('m', 'a.onnx')).toEqual({ kind: 'missing' });
    expect(await cache.installRecord('m', 'a.onnx')).toBeNull();
    expect(JSON.parse(readFileSync(path.join(dir, 'm', '.tessera-installed.json'), 'utf8'))).toEqual({});
  });

  it('reports an unwritable cache as an io error that names the path', async () => {
    const blocked = new NodeModelCache(path.join(dir, 'file-not-folder'));
    await import('node:fs/promises').then((fs) => fs.writeFile(path.join(dir, 'file-not-folder'), 'x'));
    await expect(blocked.openPartial('m', 'a.onnx')).rejects.toMatchObject({ code: 'io', userMessage: expect.stringContaining('file-not-folder') });
  });
});
