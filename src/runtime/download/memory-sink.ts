import type { DownloadSink, ResumeInfo } from './download-sink.js';

/** A `DownloadSink` in memory: for tests, and for small files where no persistent store exists. */
export class MemorySink implements DownloadSink {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private resumeInfo: ResumeInfo | null = null;

  constructor(initial?: { bytes?: Uint8Array; resumeInfo?: ResumeInfo }) {
    if (initial?.bytes?.length) {
      this.chunks.push(initial.bytes.slice());
      this.length = initial.bytes.length;
    }
    this.resumeInfo = initial?.resumeInfo ?? null;
  }

  async size(): Promise<number> {
    return this.length;
  }

  async *readChunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    for (const chunk of this.chunks) {
      signal?.throwIfAborted();
      yield chunk;
    }
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.chunks.push(chunk.slice());
    this.length += chunk.length;
  }

  async truncate(size: number): Promise<void> {
    if (size >= this.length) return;
    const kept = this.bytes().slice(0, size);
    this.chunks = size > 0 ? [kept] : [];
    this.length = size;
  }

  async loadResumeInfo(): Promise<ResumeInfo | null> {
    return this.resumeInfo;
  }

  async saveResumeInfo(info: ResumeInfo): Promise<void> {
    this.resumeInfo = info;
  }

  /** Everything written so far, as one buffer. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
