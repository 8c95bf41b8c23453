import { TesseraError } from '../../core/errors.js';
import type { CachedFileState, CachedModelListing, InstallRecord, ModelCache, PartialFile } from '../cache/model-cache.js';
import { sha256FromHeaders } from '../download/response-headers.js';
import { sha256Hex } from '../download/sha256.js';
import { findModel, type Manifest } from '../models/manifest.js';
import { InferenceClient, readErrorBody, type HttpResult, type InferenceClientOptions } from './inference-client.js';
import { MODEL_FILES_PATHS, readModelFilesIndex, type ServedFileInfo } from './model-files-protocol.js';
import { httpStatusError } from './remote-errors.js';
import { WireFormatError } from './wire-body.js';

export interface RemoteModelCacheOptions extends InferenceClientOptions {
  /** The manifest this side runs: a file's sha256 there is what its bytes must match (the server's where it has none). */
  readonly manifest: Manifest;
  /**
   * How long the server's list of files is trusted, ms (default 2000): refreshing a model list
   * costs one request, and a server restarted with other models is seen at the next refresh.
   */
  readonly indexMaxAgeMs?: number;
}

/** model id → file name → what the server holds; null: the server gives out no files (Triton, KServe). */
type FilesIndex = ReadonlyMap<string, ReadonlyMap<string, ServedFileInfo>> | null;

/**
 * The model files a `tessera serve` gives out (model-files-protocol.ts), as a read-only ModelCache,
 * so the loaders (loadSdxsPipeline, loadUpscaleModels, the refine prior) run unchanged where the
 * networks run on that server and this side keeps no model store: Photoshop's and Photopea's
 * panels. A file is fetched on its first read, checked (the manifest's sha256, else the one the
 * server sends, and the manifest's size) and kept in memory; the tokenizer of a model is ~1.6 MB.
 * The server's ONNX files count as installed here (it runs them) but are never read.
 *
 * Triton and KServe give out no files: reading one fails with a `model-missing` that says the
 * tokenizer is needed on this side and how to get it (tessera serve, or the standalone editor).
 * Falling back to the manifest's URLs would reach a third-party host from the panel (and UXP
 * allows only the domains its manifest names), so it does not.
 */
export class RemoteModelCache implements ModelCache {
  readonly location: string;
  private readonly client: InferenceClient;
  private readonly manifest: Manifest;
  private readonly indexMaxAgeMs: number;
  private index: { readonly at: number; readonly files: Promise<FilesIndex> } | null = null;
  private readonly files = new Map<string, Promise<Uint8Array>>();

  constructor(options: RemoteModelCacheOptions) {
    this.client = new InferenceClient(options);
    this.manifest = options.manifest;
    this.indexMaxAgeMs = options.indexMaxAgeMs ?? 2000;
    this.location = `the inference server at ${this.client.url}`;
  }

  async fileState(modelId: string, fileName: string): Promise<CachedFileState> {
    const index = await this.filesIndex();
    if (index === null) throw this.noModelFiles();
    const file = index.get(modelId)?.get(fileName);
    return file ? { kind: 'installed', bytes: file.bytes } : { kind: 'missing' };
  }

  async has(modelId: string, fileName: string): Promise<boolean> {
    return (await this.fileState(modelId, fileName)).kind === 'installed';
  }

  /** None: the server verified its files when it installed them; this side checks what it reads. */
  async installRecord(): Promise<InstallRecord | null> {
    return null;
  }

  async *readChunks(modelId: string, fileName: string): AsyncIterable<Uint8Array> {
    yield await this.read(modelId, fileName);
  }

  /** The file's bytes, fetched and checked on the first read and kept; a failed read is tried again next time. */
  read(modelId: string, fileName: string): Promise<Uint8Array> {
    const key = `${modelId}/${fileName}`;
    let bytes = this.files.get(key);
    if (!bytes) {
      bytes = this.fetchFile(modelId, fileName);
      this.files.set(key, bytes);
      bytes.catch(() => this.files.delete(key));
    }
    return bytes;
  }

  openPartial(): Promise<PartialFile> {
    return Promise.reject(this.readOnly());
  }

  removeFile(): Promise<void> {
    return Promise.reject(this.readOnly());
  }

  remove(): Promise<number> {
    return Promise.reject(this.readOnly());
  }

  async list(): Promise<CachedModelListing[]> {
    const index = await this.filesIndex();
    if (index === null) throw this.noModelFiles();
    return [...index].map(([modelId, files]) => {
      const listed = [...files.values()].map((f) => ({ name: f.name, kind: 'installed' as const, bytes: f.bytes }));
      return { modelId, files: listed, bytes: listed.reduce((sum, f) => sum + f.bytes, 0) };
    });
  }

  private async fetchFile(modelId: string, fileName: string): Promise<Uint8Array> {
    const file = findModel(this.manifest, modelId).files.find((f) => f.name === fileName);
    if (!file) throw new TesseraError('invalid-input', `The manifest names no file "${fileName}" for model ${modelId}.`, { details: { modelId, fileName } });
    if (file.format === 'onnx') {
      throw new TesseraError('internal', `${modelId}/${fileName} runs on ${this.location}; it is not read on this side.`, { details: { modelId, fileName } });
    }
    const r = await this.client.get(MODEL_FILES_PATHS.file(modelId, fileName));
    if (r.status === 404) throw await this.notGivenOut(modelId, fileName, r);
    if (r.status !== 200) throw httpStatusError(this.client.url, r);
    const details = { server: this.client.url, modelId, fileName };
    if (file.bytes !== null && r.body.length !== file.bytes) {
      throw new TesseraError(
        'checksum-mismatch',
        `${modelId}/${fileName} from ${this.location} is ${r.body.length} bytes, not the ${file.bytes} the manifest names: the server has another version of the model. Install this one there ("tessera models pull ${modelId}"), then try again.`,
        { details: { ...details, expectedBytes: file.bytes, actualBytes: r.body.length } },
      );
    }
    const expected = file.sha256 ?? sha256FromHeaders(r.headers);
    const actual = expected === null ? null : sha256Hex(r.body);
    if (expected !== null && actual !== expected) {
      const whose = file.sha256 === null ? 'the sha256 the server sent with it' : 'the manifest';
      throw new TesseraError(
        'checksum-mismatch',
        `${modelId}/${fileName} from ${this.location} does not match ${whose} (sha256 ${actual}, expected ${expected}): the server's copy is damaged or another version. Check it there with "tessera models verify ${modelId}", then try again.`,
        { details: { ...details, expected, actual: actual ?? '' } },
      );
    }
    return r.body;
  }

  /** A 404 for a file: the server gives out no files at all (Triton), or not this one (it names why). */
  private async notGivenOut(modelId: string, fileName: string, r: HttpResult): Promise<TesseraError> {
    if ((await this.filesIndex()) === null) return this.noModelFiles(modelId);
    const said = readErrorBody(r.body);
    return new TesseraError(
      'model-missing',
      `${this.location} does not give out ${modelId}/${fileName}${said ? ` (it says: ${said.slice(0, 300)})` : ''}. Serve the model there: "tessera serve --models ${modelId}".`,
      { details: { server: this.client.url, modelId, fileName, serverError: said, reason: 'file-not-served' } },
    );
  }

  private filesIndex(): Promise<FilesIndex> {
    const now = Date.now();
    if (this.index && now - this.index.at < this.indexMaxAgeMs) return this.index.files;
    const files = this.readIndex();
    const entry = { at: now, files };
    this.index = entry;
    // A failure is not kept: the next call asks again.
    files.catch(() => {
      if (this.index === entry) this.index = null;
    });
    return files;
  }

  private async readIndex(): Promise<FilesIndex> {
    const r = await this.client.get(MODEL_FILES_PATHS.index);
    // Triton and KServe: no such endpoint.
    if (r.status === 404 || r.status === 405 || r.status === 400 || r.status === 501) return null;
    if (r.status !== 200) throw httpStatusError(this.client.url, r);
    try {
      const index = readModelFilesIndex(JSON.parse(new TextDecoder().decode(r.body)));
      return new Map(index.models.map((m) => [m.id, new Map(m.files.map((f) => [f.name, f]))]));
    } catch (e) {
      if (e instanceof WireFormatError) throw this.client.unreadable('list of model files', e);
      if (e instanceof SyntaxError) throw this.client.unreadable('list of model files', new WireFormatError('it is not JSON'));
      throw e;
    }
  }

  private noModelFiles(modelId?: string): TesseraError {
    const model = modelId === undefined ? "each model's tokenizer (vocab.json and merges.txt)" : `the tokenizer of ${modelId}`;
    return new TesseraError(
      'model-missing',
      `${this.location} runs models but gives out no model files, and Tessera needs ${model} on this side to read the prompt. ` +
        'Triton and other KServe servers cannot give it: use "tessera serve", which gives out the tokenizers of the models it serves, ' +
        'or run Generate and Upscale from the standalone editor, which keeps the tokenizer in its own model store.',
      { details: { server: this.client.url, modelId: modelId ?? null, reason: 'no-model-files' } },
    );
  }

  private readOnly(): TesseraError {
    return new TesseraError('invalid-input', `The models on ${this.location} are the server's: install or remove them there ("tessera models pull ID", "tessera models rm ID").`, {
      details: { server: this.client.url, reason: 'read-only' },
    });
  }
}
