import type { IntegrityCheck } from '../download/download-file.js';
import type { DownloadSink } from '../download/download-sink.js';

/**
 * Where downloaded model files live. Files are addressed as (model id, file name from the
 * manifest). A file is *installed* only after its bytes were verified and committed; until then
 * it is a *partial* that the next download resumes. Node keeps them in a cache directory
 * (`NodeModelCache`); a browser implementation over Cache Storage or OPFS fills the same contract.
 */
export interface ModelCache {
  /** Where the cache is, for messages: a folder in Node, an origin's storage in a browser. */
  readonly location: string;
  fileState(modelId: string, fileName: string): Promise<CachedFileState>;
  /** True when the file is installed (verified and committed). */
  has(modelId: string, fileName: string): Promise<boolean>;
  /** How an installed file was verified, or null when it carries no record. */
  installRecord(modelId: string, fileName: string): Promise<InstallRecord | null>;
  /** The file's partial download, created empty if there is none; resumable across runs. */
  openPartial(modelId: string, fileName: string): Promise<PartialFile>;
  /** An installed file's bytes, streamed (model files are hundreds of MB). */
  readChunks(modelId: string, fileName: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** An installed file's bytes, whole: for a session or tokenizer that needs the buffer. */
  read(modelId: string, fileName: string): Promise<Uint8Array>;
  /** Deletes one installed file and its partial, if any (a damaged or stale file). */
  removeFile(modelId: string, fileName: string): Promise<void>;
  /** Deletes everything kept for a model; returns the bytes freed (0 when nothing was there). */
  remove(modelId: string): Promise<number>;
  /** Every model folder in the cache, known to the manifest or not, with its files and sizes. */
  list(): Promise<CachedModelListing[]>;
}

export type CachedFileState =
  | { readonly kind: 'installed'; readonly bytes: number }
  | { readonly kind: 'partial'; readonly bytes: number }
  | { readonly kind: 'missing' };

/** Written when a file is committed, so a later verify can re-check it against what was checked then. */
export interface InstallRecord {
  readonly url: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly checkedBy: IntegrityCheck;
}

/** A download in progress. Nothing reaches the installed name except through `commit`. */
export interface PartialFile extends DownloadSink {
  /** Makes the verified bytes the installed file in one step, with the record of their check. */
  commit(record: InstallRecord): Promise<void>;
  /** Deletes the partial bytes (after a checksum mismatch). */
  discard(): Promise<void>;
  /** Releases handles and keeps the bytes, so the next download resumes. Safe to call twice. */
  close(): Promise<void>;
}

export interface CachedModelListing {
  readonly modelId: string;
  readonly files: readonly { readonly name: string; readonly kind: 'installed' | 'partial'; readonly bytes: number }[];
  /** All bytes on disk for this model, installed and partial. */
  readonly bytes: number;
}
