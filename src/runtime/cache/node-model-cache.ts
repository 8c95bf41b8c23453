import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { TesseraError } from '../../core/errors.js';
import type { ModelEntry } from '../models/manifest.js';
import { verifyModel, type VerifyOptions, type VerifyReport } from '../models/verify-model.js';
import type { ResumeInfo } from '../download/download-sink.js';
import type { CachedFileState, CachedModelListing, InstallRecord, ModelCache, PartialFile } from './model-cache.js';

const PARTIAL = '.partial';
const RESUME_INFO = '.partial.json';
/** Per model folder: how each installed file was verified. Hidden, so it never looks like a model file. */
const RECORDS = '.tessera-installed.json';

/**
 * Where the Node cache lives: $TESSERA_CACHE, else $XDG_CACHE_HOME/tessera, else
 * %LOCALAPPDATA%\tessera on Windows, else ~/.cache/tessera.
 */
export function defaultCacheDir(env: Record<string, string | undefined>, homeDir: string, platform: string = process.platform): string {
  if (env.TESSERA_CACHE) return path.resolve(env.TESSERA_CACHE);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'tessera');
  if (platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'tessera', 'cache');
  return path.join(homeDir, '.cache', 'tessera');
}

/** `<cacheDir>/<modelId>/<file>`, with `<file>.partial` (+ `.partial.json`) while downloading. */
export class NodeModelCache implements ModelCache {
  readonly location: string;

  constructor(readonly cacheDir: string) {
    this.location = cacheDir;
  }

  /** The installed file's absolute path (whether or not it exists yet). */
  path(modelId: string, fileName: string): string {
    const dir = this.modelFolder(modelId);
    const full = path.resolve(dir, ...fileName.split('/'));
    if (!full.startsWith(dir + path.sep)) throw new TesseraError('invalid-input', `"${fileName}" is not a file name inside a model folder.`);
    return full;
  }

  async fileState(modelId: string, fileName: string): Promise<CachedFileState> {
    const file = this.path(modelId, fileName);
    const installed = await statFile(file);
    if (installed) return { kind: 'installed', bytes: installed.size };
    const partial = await statFile(file + PARTIAL);
    return partial ? { kind: 'partial', bytes: partial.size } : { kind: 'missing' };
  }

  async has(modelId: string, fileName: string): Promise<boolean> {
    return (await this.fileState(modelId, fileName)).kind === 'installed';
  }

  async installRecord(modelId: string, fileName: string): Promise<InstallRecord | null> {
    return (await this.readRecords(modelId))[fileName] ?? null;
  }

  async openPartial(modelId: string, fileName: string): Promise<PartialFile> {
    const file = this.path(modelId, fileName);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      return new NodePartialFile(file, await fs.open(file + PARTIAL, 'a'), (record) => this.writeRecord(modelId, fileName, record));
    } catch (e) {
      throw ioError(e, 'write', file + PARTIAL);
    }
  }

  async *readChunks(modelId: string, fileName: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    yield* streamFile(this.path(modelId, fileName), signal);
  }

  async read(modelId: string, fileName: string): Promise<Uint8Array> {
    return new Uint8Array(await fs.readFile(this.path(modelId, fileName)));
  }

  async removeFile(modelId: string, fileName: string): Promise<void> {
    const file = this.path(modelId, fileName);
    for (const f of [file, file + PARTIAL, file + RESUME_INFO]) await fs.rm(f, { force: true }).catch((e: unknown) => Promise.reject(ioError(e, 'delete', f)));
    const records = await this.readRecords(modelId);
    if (fileName in records) {
      delete records[fileName];
      await this.writeRecords(modelId, records);
    }
  }

  async remove(modelId: string): Promise<number> {
    const dir = this.modelFolder(modelId);
    const files = await listFiles(dir, '').catch(ignoreMissing([]));
    await fs.rm(dir, { recursive: true, force: true }).catch((e: unknown) => Promise.reject(ioError(e, 'delete', dir)));
    return files.reduce((sum, f) => sum + f.bytes, 0);
  }

  async list(): Promise<CachedModelListing[]> {
    const entries = await fs.readdir(this.cacheDir, { withFileTypes: true }).catch(ignoreMissing([]));
    const models: CachedModelListing[] = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const files = await listFiles(path.join(this.cacheDir, entry.name), '');
      models.push({ modelId: entry.name, files, bytes: files.reduce((sum, f) => sum + f.bytes, 0) });
    }
    return models;
  }

  /** Re-hashes a model's installed files (see `verifyModel`). */
  verify(model: ModelEntry, options?: VerifyOptions): Promise<VerifyReport> {
    return verifyModel(this, model, options);
  }

  /** The folder that holds a model's files. */
  modelFolder(modelId: string): string {
    const dir = path.resolve(this.cacheDir, modelId);
    if (path.dirname(dir) !== path.resolve(this.cacheDir) || modelId.startsWith('.')) {
      throw new TesseraError('invalid-input', `"${modelId}" is not a model id.`);
    }
    return dir;
  }

  private async readRecords(modelId: string): Promise<Record<string, InstallRecord>> {
    const text = await fs.readFile(path.join(this.modelFolder(modelId), RECORDS), 'utf8').catch(ignoreMissing(null));
    // Unreadable records only cost the re-check against them: verify then falls back to the manifest.
    const parsed = text === null ? null : parseJsonOrNull(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, InstallRecord>) : {};
  }

  private async writeRecord(modelId: string, fileName: string, record: InstallRecord): Promise<void> {
    await this.writeRecords(modelId, { ...(await this.readRecords(modelId)), [fileName]: record });
  }

  private async writeRecords(modelId: string, records: Record<string, InstallRecord>): Promise<void> {
    const file = path.join(this.modelFolder(modelId), RECORDS);
    await fs.writeFile(file + '.tmp', `${JSON.stringify(records, null, 2)}\n`);
    await fs.rename(file + '.tmp', file);
  }
}

/** One `.partial` file, appended through an open handle. */
class NodePartialFile implements PartialFile {
  private closed = false;

  constructor(
    private readonly file: string,
    private readonly handle: fs.FileHandle,
    private readonly record: (r: InstallRecord) => Promise<void>,
  ) {}

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  readChunks(signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return streamFile(this.file + PARTIAL, signal);
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      let written = 0;
      while (written < chunk.length) written += (await this.handle.write(chunk, written)).bytesWritten;
    } catch (e) {
      throw ioError(e, 'write', this.file + PARTIAL);
    }
  }

  async truncate(size: number): Promise<void> {
    if ((await this.size()) > size) await this.handle.truncate(size);
  }

  async loadResumeInfo(): Promise<ResumeInfo | null> {
    const text = await fs.readFile(this.file + RESUME_INFO, 'utf8').catch(ignoreMissing(null));
    if (text === null) return null;
    // A torn write (crash while saving) reads as no information: the download then starts over.
    const info = parseJsonOrNull(text) as Partial<ResumeInfo> | null;
    return typeof info?.url === 'string' ? { url: info.url, validator: typeof info.validator === 'string' ? info.validator : null } : null;
  }

  async saveResumeInfo(info: ResumeInfo): Promise<void> {
    await fs.writeFile(this.file + RESUME_INFO, JSON.stringify(info));
  }

  async commit(record: InstallRecord): Promise<void> {
    try {
      await this.handle.sync();
      await this.close();
      // The record first: an installed file then always has one, a record without a file is inert.
      await this.record(record);
      await fs.rename(this.file + PARTIAL, this.file);
      await fs.rm(this.file + RESUME_INFO, { force: true });
    } catch (e) {
      throw ioError(e, 'write', this.file);
    }
  }

  async discard(): Promise<void> {
    await this.close();
    await fs.rm(this.file + PARTIAL, { force: true });
    await fs.rm(this.file + RESUME_INFO, { force: true });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

async function* streamFile(file: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20, signal });
  for await (const chunk of stream) yield new Uint8Array((chunk as Buffer).buffer, (chunk as Buffer).byteOffset, (chunk as Buffer).byteLength);
}

async function listFiles(dir: string, prefix: string): Promise<{ name: string; kind: 'installed' | 'partial'; bytes: number }[]> {
  const out: { name: string; kind: 'installed' | 'partial'; bytes: number }[] = [];
  for (const entry of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = prefix + entry.name;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('.') || entry.name.endsWith(RESUME_INFO)) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(full, `${name}/`)));
    else if (entry.name.endsWith(PARTIAL)) out.push({ name: name.slice(0, -PARTIAL.length), kind: 'partial', bytes: (await fs.stat(full)).size });
    else out.push({ name, kind: 'installed', bytes: (await fs.stat(full)).size });
  }
  return out;
}

async function statFile(file: string) {
  const stat = await fs.stat(file).catch(ignoreMissing(null));
  return stat?.isFile() ? stat : null;
}

/** A missing file or folder is an expected answer here (nothing cached); anything else is an error. */
function ignoreMissing<T>(fallback: T): (e: unknown) => T {
  return (e) => {
    if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') return fallback;
    throw e;
  };
}

function ioError(e: unknown, action: 'write' | 'delete', file: string): TesseraError {
  if (e instanceof TesseraError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason =
    code === 'ENOSPC' ? 'the disk is full' :
    code === 'EACCES' || code === 'EPERM' ? 'permission denied' :
    code === 'EROFS' ? 'the file system is read-only' :
    (e as Error)?.message ?? String(e);
  return new TesseraError('io', `Cannot ${action} ${file}: ${reason}. Set TESSERA_CACHE to use another folder for models.`, {
    details: { path: file, code: code ?? null },
    cause: e,
  });
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}
