import type { ModelCache } from '../cache/model-cache.js';
import { Sha256, type IncrementalHash } from '../download/sha256.js';
import type { ModelEntry } from './manifest.js';

export interface VerifyProgress {
  readonly fileName: string;
  readonly checkedBytes: number;
  readonly totalBytes: number;
}

export interface VerifyOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: VerifyProgress) => void;
  readonly createHash?: () => IncrementalHash;
  /** Delete files that fail, so nothing damaged is ever loaded as a model. Default true. */
  readonly removeDamaged?: boolean;
}

/**
 * `sha256`: the manifest's; `recorded-sha256`: the one verified when the file was installed (the
 * manifest has none), so later damage still shows; `size`: neither exists.
 */
export type VerifyCheck = 'sha256' | 'recorded-sha256' | 'size';

export type FileVerdict =
  | { readonly name: string; readonly status: 'ok'; readonly checkedBy: VerifyCheck; readonly bytes: number }
  | { readonly name: string; readonly status: 'damaged'; readonly checkedBy: VerifyCheck; readonly expected: string; readonly actual: string; readonly removed: boolean }
  | { readonly name: string; readonly status: 'not-installed' };

export interface VerifyReport {
  readonly modelId: string;
  /** True when every file is installed and passed. */
  readonly ok: boolean;
  readonly files: readonly FileVerdict[];
}

/** Re-reads and re-hashes every installed file of `model` and compares it with what it must be. */
export async function verifyModel(cache: ModelCache, model: ModelEntry, options: VerifyOptions = {}): Promise<VerifyReport> {
  const files: FileVerdict[] = [];
  for (const file of model.files) {
    options.signal?.throwIfAborted();
    const state = await cache.fileState(model.id, file.name);
    if (state.kind !== 'installed') {
      files.push({ name: file.name, status: 'not-installed' });
      continue;
    }
    const record = await cache.installRecord(model.id, file.name);
    const recorded = record && record.url === file.url ? record : null;
    const expectedBytes = file.bytes ?? recorded?.bytes ?? null;
    const expectedSha = file.sha256 ?? recorded?.sha256 ?? null;
    const checkedBy: VerifyCheck = file.sha256 ? 'sha256' : expectedSha ? 'recorded-sha256' : 'size';

    let expected: string | null = null;
    let actual: string | null = null;
    if (expectedBytes !== null && state.bytes !== expectedBytes) {
      [expected, actual] = [`${expectedBytes} bytes`, `${state.bytes} bytes`];
    } else if (expectedSha) {
      const sha = await hashFile(cache, model.id, file.name, state.bytes, options);
      if (sha !== expectedSha) [expected, actual] = [`sha256 ${expectedSha}`, `sha256 ${sha}`];
    }
    if (expected === null || actual === null) {
      files.push({ name: file.name, status: 'ok', checkedBy, bytes: state.bytes });
      continue;
    }
    const remove = options.removeDamaged ?? true;
    if (remove) await cache.removeFile(model.id, file.name);
    files.push({ name: file.name, status: 'damaged', checkedBy, expected, actual, removed: remove });
  }
  return { modelId: model.id, ok: files.every((f) => f.status === 'ok'), files };
}

async function hashFile(cache: ModelCache, modelId: string, fileName: string, totalBytes: number, options: VerifyOptions): Promise<string> {
  const hash = options.createHash?.() ?? new Sha256();
  let checkedBytes = 0;
  let lastReported = -1;
  for await (const chunk of cache.readChunks(modelId, fileName, options.signal)) {
    hash.update(chunk);
    checkedBytes += chunk.length;
    const percent = Math.floor((100 * checkedBytes) / Math.max(1, totalBytes));
    if (percent !== lastReported) {
      lastReported = percent;
      options.onProgress?.({ fileName, checkedBytes, totalBytes });
    }
  }
  return hash.digestHex();
}
