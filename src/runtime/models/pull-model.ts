import { isTesseraError } from '../../core/errors.js';
import type { ModelCache } from '../cache/model-cache.js';
import { downloadFile, type DownloadOptions, type IntegrityCheck } from '../download/download-file.js';
import type { DownloadProgress } from '../download/download-progress.js';
import type { ModelEntry } from './manifest.js';
import { modelState } from './model-state.js';

export interface PullProgress extends DownloadProgress {
  readonly modelId: string;
  /** 0-based index of the file being fetched, out of `fileCount`. */
  readonly fileIndex: number;
  readonly fileCount: number;
  /** Bytes of the whole model on hand, and its size (estimated where the manifest has no size). */
  readonly modelReceivedBytes: number;
  readonly modelTotalBytes: number;
}

export interface PulledFile {
  readonly name: string;
  readonly bytes: number;
  /** How the file was checked, or `already-installed` when it was not fetched. */
  readonly checkedBy: IntegrityCheck | 'already-installed';
  /** Bytes fetched over the network for this file in this pull. */
  readonly downloadedBytes: number;
}

export interface PullResult {
  readonly modelId: string;
  readonly files: readonly PulledFile[];
  readonly downloadedBytes: number;
  /** True when every file was already installed and nothing was fetched. */
  readonly alreadyInstalled: boolean;
}

export interface PullOptions extends Omit<DownloadOptions, 'onProgress'> {
  readonly onProgress?: (p: PullProgress) => void;
  /** Called as each file is installed (or found installed). */
  readonly onFile?: (f: PulledFile) => void;
}

/**
 * Fetches the files of `model` that the cache lacks, one after another, each into its partial
 * file, verified, then committed. A file that fails its check is deleted and the pull stops with
 * `checksum-mismatch`; a cancel or a network failure keeps the partial for the next pull.
 */
export async function pullModel(cache: ModelCache, model: ModelEntry, options: PullOptions = {}): Promise<PullResult> {
  const state = await modelState(cache, model);
  const files: PulledFile[] = [];
  let doneBytes = 0;
  for (const [fileIndex, { file, status, bytesOnHand }] of state.files.entries()) {
    options.signal?.throwIfAborted();
    if (status === 'installed') {
      files.push({ name: file.name, bytes: bytesOnHand, checkedBy: 'already-installed', downloadedBytes: 0 });
      options.onFile?.(files[files.length - 1]);
      doneBytes += bytesOnHand;
      continue;
    }
    if (status === 'stale') await cache.removeFile(model.id, file.name);
    const partial = await cache.openPartial(model.id, file.name);
    try {
      const result = await downloadFile({ url: file.url, fileName: file.name, bytes: file.bytes, sha256: file.sha256 }, partial, {
        ...options,
        onProgress: options.onProgress
          ? (p) => options.onProgress?.({
              ...p,
              modelId: model.id,
              fileIndex,
              fileCount: state.files.length,
              modelReceivedBytes: doneBytes + p.receivedBytes,
              modelTotalBytes: state.totalBytes - (file.bytes ?? file.approxBytes ?? 0) + (p.totalBytes ?? file.approxBytes ?? 0),
            })
          : undefined,
      });
      await partial.commit({ url: file.url, bytes: result.bytes, sha256: result.sha256, checkedBy: result.checkedBy });
      files.push({ name: file.name, bytes: result.bytes, checkedBy: result.checkedBy, downloadedBytes: result.bytes - result.resumedFromBytes });
      options.onFile?.(files[files.length - 1]);
      doneBytes += result.bytes;
    } catch (e) {
      // The downloader already emptied a file that failed its check; nothing of it may stay.
      if (isTesseraError(e) && e.code === 'checksum-mismatch') await partial.discard();
      throw e;
    } finally {
      await partial.close();
    }
  }
  return {
    modelId: model.id,
    files,
    downloadedBytes: files.reduce((sum, f) => sum + f.downloadedBytes, 0),
    alreadyInstalled: files.every((f) => f.checkedBy === 'already-installed'),
  };
}
