import { TesseraError } from '../../core/errors.js';
import type { ResumeInfo } from '../download/download-sink.js';
import type { CachedFileState, CachedModelListing, InstallRecord, ModelCache, PartialFile } from './model-cache.js';

/**
 * The browser's `ModelCache`, in the Origin Private File System (`navigator.storage.getDirectory()`).
 *
 * Layout: `<root>/<modelId>/<file key>/` per model file, where the key is the manifest's file name
 * with `/` escaped (`tokenizer%2Fvocab.json`). The folder holds the bytes as numbered segments
 * (`000000`, `000001`, …, each at most `segmentBytes`), `resume.json` while downloading, and
 * `installed.json` (the install record) once committed: the file is installed exactly when that
 * record exists, so `commit` is one small atomic write and never copies hundreds of MB.
 *
 * Why segments: OPFS appends from a window go through `createWritable`, whose bytes land only when
 * the stream closes, and reopening with `keepExistingData` copies the whole file. A new segment per
 * `segmentBytes` bounds both what a crash loses and what a truncate copies.
 */
export interface BrowserModelCacheOptions {
  /** The folder to use; defaults to `tessera-models` in the origin's OPFS root. */
  readonly root?: FileSystemDirectoryHandle;
  /** Largest segment; default 16 MiB. */
  readonly segmentBytes?: number;
}

const RECORD = 'installed.json';
const RESUME = 'resume.json';
const SEGMENT = /^\d{6}$/;
const FILE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const READ_CHUNK = 1 << 20;

type Entries = { entries(): AsyncIterable<[string, FileSystemHandle]> };
const entriesOf = (dir: FileSystemDirectoryHandle) => (dir as unknown as Entries).entries();

export class BrowserModelCache implements ModelCache {
  readonly location = "this site's private storage (OPFS)";
  private readonly segmentBytes: number;
  private rootPromise: Promise<FileSystemDirectoryHandle> | null;

  constructor(options: BrowserModelCacheOptions = {}) {
    this.segmentBytes = options.segmentBytes ?? 16 << 20;
    this.rootPromise = options.root ? Promise.resolve(options.root) : null;
  }

  /** True where this page can keep models (OPFS exists; a secure context). */
  static available(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
  }

  async fileState(modelId: string, fileName: string): Promise<CachedFileState> {
    const dir = await this.fileFolder(modelId, fileName, false);
    if (!dir) return { kind: 'missing' };
    const bytes = await segmentsSize(dir);
    if (await exists(dir, RECORD)) return { kind: 'installed', bytes };
    return bytes > 0 || (await exists(dir, RESUME)) ? { kind: 'partial', bytes } : { kind: 'missing' };
  }

  async has(modelId: string, fileName: string): Promise<boolean> {
    return (await this.fileState(modelId, fileName)).kind === 'installed';
  }

  async installRecord(modelId: string, fileName: string): Promise<InstallRecord | null> {
    const dir = await this.fileFolder(modelId, fileName, false);
    const record = dir ? ((await readJson(dir, RECORD)) as Partial<InstallRecord> | null) : null;
    return record && typeof record.url === 'string' && typeof record.sha256 === 'string' ? (record as InstallRecord) : null;
  }

  async openPartial(modelId: string, fileName: string): Promise<PartialFile> {
    const dir = await this.fileFolder(modelId, fileName, true);
    if (!dir) throw new TesseraError('io', `Cannot create a folder for ${modelId}/${fileName} in ${this.location}.`);
    // An installed file being downloaded again (stale) starts from nothing.
    if (await exists(dir, RECORD)) await clearFolder(dir);
    return new BrowserPartialFile(dir, this.segmentBytes, await segments(dir));
  }

  async *readChunks(modelId: string, fileName: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    const dir = await this.installedFolder(modelId, fileName);
    yield* readSegments(dir, await segments(dir), signal);
  }

  async read(modelId: string, fileName: string): Promise<Uint8Array> {
    const dir = await this.installedFolder(modelId, fileName);
    const files = await Promise.all((await segments(dir)).map((s) => s.getFile()));
    const out = new Uint8Array(files.reduce((sum, f) => sum + f.size, 0));
    let offset = 0;
    for (const f of files) {
      out.set(new Uint8Array(await f.arrayBuffer()), offset);
      offset += f.size;
    }
    return out;
  }

  async removeFile(modelId: string, fileName: string): Promise<void> {
    const model = await this.modelFolder(modelId, false);
    if (!model) return;
    await model.removeEntry(fileKey(fileName), { recursive: true }).catch(ignoreNotFound);
  }

  async remove(modelId: string): Promise<number> {
    const model = await this.modelFolder(modelId, false);
    if (!model) return 0;
    const bytes = (await listModel(model)).reduce((sum, f) => sum + f.bytes, 0);
    await (await this.root()).removeEntry(modelId, { recursive: true }).catch(ignoreNotFound);
    return bytes;
  }

  async list(): Promise<CachedModelListing[]> {
    const models: CachedModelListing[] = [];
    for await (const [name, handle] of entriesOf(await this.root())) {
      if (handle.kind !== 'directory') continue;
      const files = await listModel(handle as FileSystemDirectoryHandle);
      models.push({ modelId: name, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) });
    }
    return models.sort((a, b) => (a.modelId < b.modelId ? -1 : 1));
  }

  private root(): Promise<FileSystemDirectoryHandle> {
    this.rootPromise ??= navigator.storage.getDirectory().then((r) => r.getDirectoryHandle('tessera-models', { create: true }));
    return this.rootPromise;
  }

  private async modelFolder(modelId: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
    if (!FILE_SEGMENT.test(modelId)) throw new TesseraError('invalid-input', `"${modelId}" is not a model id.`);
    return (await this.root()).getDirectoryHandle(modelId, { create }).catch(ignoreNotFound);
  }

  private async fileFolder(modelId: string, fileName: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
    const key = fileKey(fileName);
    const model = await this.modelFolder(modelId, create);
    return model ? model.getDirectoryHandle(key, { create }).catch(ignoreNotFound) : null;
  }

  private async installedFolder(modelId: string, fileName: string): Promise<FileSystemDirectoryHandle> {
    const dir = await this.fileFolder(modelId, fileName, false);
    if (!dir || !(await exists(dir, RECORD))) {
      throw new TesseraError('model-missing', `${modelId}/${fileName} is not installed in ${this.location}.`, { details: { modelId, fileName } });
    }
    return dir;
  }
}

/** A partial download: closed segments plus the one being written. */
class BrowserPartialFile implements PartialFile {
  private writable: FileSystemWritableFileStream | null = null;
  private writtenToOpen = 0;
  private closed = false;

  constructor(
    private readonly dir: FileSystemDirectoryHandle,
    private readonly segmentBytes: number,
    private kept: FileSystemFileHandle[],
  ) {}

  async size(): Promise<number> {
    return (await sizes(this.kept)).reduce((a, b) => a + b, 0) + this.writtenToOpen;
  }

  async *readChunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    await this.flush();
    yield* readSegments(this.dir, this.kept, signal);
  }

  async write(chunk: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      if (!this.writable || this.writtenToOpen >= this.segmentBytes) await this.startSegment();
      const n = Math.min(chunk.length - offset, this.segmentBytes - this.writtenToOpen);
      // A copy: the caller may reuse its buffer, and a view of a SharedArrayBuffer cannot be written.
      await this.writable!.write(chunk.slice(offset, offset + n));
      this.writtenToOpen += n;
      offset += n;
    }
  }

  async truncate(size: number): Promise<void> {
    await this.flush();
    let start = 0;
    const lengths = await sizes(this.kept);
    const keep: FileSystemFileHandle[] = [];
    for (const [i, handle] of this.kept.entries()) {
      const length = lengths[i];
      if (start >= size) {
        await this.dir.removeEntry(handle.name).catch(ignoreNotFound);
      } else {
        if (start + length > size) {
          const w = await handle.createWritable({ keepExistingData: true });
          await w.truncate(size - start);
          await w.close();
        }
        keep.push(handle);
      }
      start += length;
    }
    this.kept = keep;
  }

  async loadResumeInfo(): Promise<ResumeInfo | null> {
    const info = (await readJson(this.dir, RESUME)) as Partial<ResumeInfo> | null;
    return typeof info?.url === 'string' ? { url: info.url, validator: typeof info.validator === 'string' ? info.validator : null } : null;
  }

  async saveResumeInfo(info: ResumeInfo): Promise<void> {
    await writeJson(this.dir, RESUME, info);
  }

  async commit(record: InstallRecord): Promise<void> {
    await this.close();
    await writeJson(this.dir, RECORD, record);
    await this.dir.removeEntry(RESUME).catch(ignoreNotFound);
  }

  async discard(): Promise<void> {
    await this.close();
    await clearFolder(this.dir);
    this.kept = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
  }

  /** Closes the open segment, so its bytes are on disk and readable. */
  private async flush(): Promise<void> {
    const w = this.writable;
    this.writable = null;
    this.writtenToOpen = 0;
    if (w) await w.close();
  }

  private async startSegment(): Promise<void> {
    await this.flush();
    const last = this.kept.at(-1);
    const name = String(last ? Number(last.name) + 1 : 0).padStart(6, '0');
    const handle = await this.dir.getFileHandle(name, { create: true });
    this.writable = await handle.createWritable({ keepExistingData: false });
    this.kept.push(handle);
  }
}

/** The manifest's file name as one folder name: `/` and `%` escaped. */
function fileKey(fileName: string): string {
  if (!fileName.split('/').every((s) => FILE_SEGMENT.test(s))) throw new TesseraError('invalid-input', `"${fileName}" is not a file name inside a model folder.`);
  return fileName.replaceAll('%', '%25').replaceAll('/', '%2F');
}

async function segments(dir: FileSystemDirectoryHandle): Promise<FileSystemFileHandle[]> {
  const out: FileSystemFileHandle[] = [];
  for await (const [name, handle] of entriesOf(dir)) if (handle.kind === 'file' && SEGMENT.test(name)) out.push(handle as FileSystemFileHandle);
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function sizes(handles: readonly FileSystemFileHandle[]): Promise<number[]> {
  return Promise.all(handles.map(async (h) => (await h.getFile()).size));
}

async function segmentsSize(dir: FileSystemDirectoryHandle): Promise<number> {
  return (await sizes(await segments(dir))).reduce((a, b) => a + b, 0);
}

async function* readSegments(_dir: FileSystemDirectoryHandle, handles: readonly FileSystemFileHandle[], signal?: AbortSignal): AsyncIterable<Uint8Array> {
  for (const handle of handles) {
    const file = await handle.getFile();
    for (let start = 0; start < file.size; start += READ_CHUNK) {
      signal?.throwIfAborted();
      yield new Uint8Array(await file.slice(start, start + READ_CHUNK).arrayBuffer());
    }
  }
}

async function listModel(model: FileSystemDirectoryHandle): Promise<{ name: string; kind: 'installed' | 'partial'; bytes: number }[]> {
  const files: { name: string; kind: 'installed' | 'partial'; bytes: number }[] = [];
  for await (const [key, handle] of entriesOf(model)) {
    if (handle.kind !== 'directory') continue;
    const dir = handle as FileSystemDirectoryHandle;
    files.push({ name: decodeURIComponent(key), kind: (await exists(dir, RECORD)) ? 'installed' : 'partial', bytes: await segmentsSize(dir) });
  }
  return files.sort((a, b) => (a.name < b.name ? -1 : 1));
}

async function clearFolder(dir: FileSystemDirectoryHandle): Promise<void> {
  const names: string[] = [];
  for await (const [name] of entriesOf(dir)) names.push(name);
  for (const name of names) await dir.removeEntry(name, { recursive: true }).catch(ignoreNotFound);
}

async function exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  return (await dir.getFileHandle(name).catch(ignoreNotFound)) !== null;
}

async function readJson(dir: FileSystemDirectoryHandle, name: string): Promise<unknown> {
  const handle = await dir.getFileHandle(name).catch(ignoreNotFound);
  if (!handle) return null;
  try {
    return JSON.parse(await (await handle.getFile()).text());
  } catch {
    return null; // a torn or foreign file reads as no information
  }
}

async function writeJson(dir: FileSystemDirectoryHandle, name: string, value: unknown): Promise<void> {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  await w.write(JSON.stringify(value));
  await w.close(); // createWritable replaces the file only here, in one step
}

function ignoreNotFound(e: unknown): null {
  if ((e as DOMException)?.name === 'NotFoundError') return null;
  throw e;
}
