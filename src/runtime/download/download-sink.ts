/**
 * Where a download writes: an append-only byte store that may already hold the start of the file
 * from an earlier, interrupted attempt. Node writes to a `.partial` file (the cache), tests and
 * browsers without a file system to memory. The downloader never decides what becomes a model:
 * the owner of the sink commits it only after the bytes are verified.
 */
export interface DownloadSink {
  /** Bytes kept from an earlier attempt; 0 for a fresh file. */
  size(): Promise<number>;
  /** The kept bytes, from the start, so a resume can feed them to the hash first. */
  readChunks(signal?: AbortSignal): AsyncIterable<Uint8Array>;
  /** Appends at the end. */
  write(chunk: Uint8Array): Promise<void>;
  /** Drops everything after the first `size` bytes (0 restarts the file). */
  truncate(size: number): Promise<void>;
  /** What the server said about the kept bytes, from the attempt that wrote them. */
  loadResumeInfo(): Promise<ResumeInfo | null>;
  saveResumeInfo(info: ResumeInfo): Promise<void>;
}

/**
 * Enough to ask the server for the rest of the same file: a kept prefix is resumed only when the
 * URL is the same, and `If-Range` carries the validator so a changed file is sent whole.
 */
export interface ResumeInfo {
  readonly url: string;
  /** A strong ETag, or else Last-Modified; null when the server sent neither. */
  readonly validator: string | null;
}
