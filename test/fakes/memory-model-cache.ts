import { TesseraError } from '../../src/core/errors.js';
import type { CachedFileState, CachedModelListing, InstallRecord, ModelCache, PartialFile } from '../../src/runtime/cache/model-cache.js';
import { MemorySink } from '../../src/runtime/download/memory-sink.js';

/** A `ModelCache` in memory, for controller tests: partials survive `close` as on disk. */
export class MemoryModelCache implements ModelCache {
  readonly location = 'memory';
  readonly installed = new Map<string, { bytes: Uint8Array; record: InstallRecord }>();
  readonly partials = new Map<string, MemorySink>();

  async fileState(modelId: string, fileName: string): Promise<CachedFileState> {
    const key = `${modelId}/${fileName}`;
    const installed = this.installed.get(key);
    if (installed) return { kind: 'installed', bytes: installed.bytes.length };
    const partial = this.partials.get(key);
    return partial ? { kind: 'partial', bytes: await partial.size() } : { kind: 'missing' };
  }

  async has(modelId: string, fileName: string): Promise<boolean> {
    return this.installed.has(`${modelId}/${fileName}`);
  }

  async installRecord(modelId: string, fileName: string): Promise<InstallRecord | null> {
    return this.installed.get(`${modelId}/${fileName}`)?.record ?? null;
  }

  async openPartial(modelId: string, fileName: string): Promise<PartialFile> {
    const key = `${modelId}/${fileName}`;
    let sink = this.partials.get(key);
    if (!sink) this.partials.set(key, (sink = new MemorySink()));
    const partial = sink;
    return {
      size: () => partial.size(),
      readChunks: (signal) => partial.readChunks(signal),
      write: (chunk) => partial.write(chunk),
      truncate: (size) => partial.truncate(size),
      loadResumeInfo: () => partial.loadResumeInfo(),
      saveResumeInfo: (info) => partial.saveResumeInfo(info),
      commit: async (record) => {
        this.installed.set(key, { bytes: partial.bytes(), record });
        this.partials.delete(key);
      },
      discard: async () => void this.partials.delete(key),
      close: async () => {},
    };
  }

  async *readChunks(modelId: string, fileName: string): AsyncIterable<Uint8Array> {
    yield await this.read(modelId, fileName);
  }

  async read(modelId: string, fileName: string): Promise<Uint8Array> {
    const file = this.installed.get(`${modelId}/${fileName}`);
    if (!file) throw new TesseraError('model-missing', `${modelId}/${fileName} is not installed.`);
    return file.bytes;
  }

  async removeFile(modelId: string, fileName: string): Promise<void> {
    this.installed.delete(`${modelId}/${fileName}`);
    this.partials.delete(`${modelId}/${fileName}`);
  }

  async remove(modelId: string): Promise<number> {
    let freed = 0;
    for (const [key, file] of this.installed) if (key.startsWith(`${modelId}/`)) (freed += file.bytes.length, this.installed.delete(key));
    for (const [key, sink] of this.partials) if (key.startsWith(`${modelId}/`)) (freed += await sink.size(), this.partials.delete(key));
    return freed;
  }

  async list(): Promise<CachedModelListing[]> {
    const byModel = new Map<string, { name: string; kind: 'installed' | 'partial'; bytes: number }[]>();
    const add = (key: string, kind: 'installed' | 'partial', bytes: number) => {
      const [modelId, ...rest] = key.split('/');
      byModel.set(modelId, [...(byModel.get(modelId) ?? []), { name: rest.join('/'), kind, bytes }]);
    };
    for (const [key, file] of this.installed) add(key, 'installed', file.bytes.length);
    for (const [key, sink] of this.partials) add(key, 'partial', await sink.size());
    return [...byModel].map(([modelId, files]) => ({ modelId, files, bytes: files.reduce((s, f) => s + f.bytes, 0) }));
  }
}
