import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ModelCache } from '../runtime/cache/model-cache.js';
import type { Manifest, ModelEntry, ModelFile } from '../runtime/models/manifest.js';
import type { ModelFilesIndex, ServedFileInfo } from '../runtime/remote/model-files-protocol.js';
import { servedModelName } from '../runtime/remote/served-model-name.js';
import { send, sendError, type ResponseNote } from './respond.js';
import type { ServedModel } from './served-model.js';

/**
 * The files of the served models, read-only (model-files-protocol.ts): a panel that runs the
 * networks here still needs each model's tokenizer, and Photoshop's and Photopea's panels keep no
 * model store of their own. Only files the manifest names for a served model are listed or given
 * out, by their manifest name (a request's path is compared with those names, never joined into
 * a file path), and never an ONNX file.
 */
export interface ServedFiles {
  readonly cache: ModelCache;
  /** The manifest entries of the served models. */
  readonly models: readonly ModelEntry[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const CONTENT_TYPES: Record<string, string> = { json: 'application/json', text: 'text/plain; charset=utf-8' };

/** The manifest entries that have at least one ONNX file among the served models. */
export function servedEntries(manifest: Manifest, served: readonly ServedModel[]): ModelEntry[] {
  const names = new Set(served.map((m) => m.name));
  return manifest.models.filter((m) => m.files.some((f) => f.format === 'onnx' && names.has(servedModelName(m.id, f.role))));
}

/** GET /tessera/v1/models: each served model with the files the server holds of it. */
export async function handleFilesIndex(res: ServerResponse, note: ResponseNote, files: ServedFiles): Promise<void> {
  const models: ModelFilesIndex['models'][number][] = [];
  for (const entry of files.models) {
    const held: ServedFileInfo[] = [];
    for (const file of entry.files) {
      const state = await files.cache.fileState(entry.id, file.name);
      if (state.kind !== 'installed') continue;
      held.push({ name: file.name, format: file.format, bytes: state.bytes, sha256: await recordedSha256(files.cache, entry, file), downloadable: file.format !== 'onnx' });
    }
    models.push({ id: entry.id, files: held });
  }
  send(res, note, 200, { models } satisfies ModelFilesIndex);
}

/** GET or HEAD /tessera/v1/models/{id}/files/{name}: the file, streamed, with its size and recorded sha256. */
export async function handleModelFile(req: IncomingMessage, res: ServerResponse, note: ResponseNote, files: ServedFiles, modelId: string, fileName: string): Promise<void> {
  const entry = files.models.find((m) => m.id === modelId);
  if (!entry) {
    const served = files.models.map((m) => m.id).join(', ') || 'none';
    return sendError(res, note, 404, `model "${modelId.slice(0, 100)}" is not served here (this server serves: ${served}); start tessera serve with --models ${modelId.slice(0, 100)}`);
  }
  const file = entry.files.find((f) => f.name === fileName);
  const given = entry.files.filter((f) => f.format !== 'onnx').map((f) => f.name);
  if (!file) return sendError(res, note, 404, `model ${entry.id} has no file "${fileName.slice(0, 100)}"; the files this server gives out for it are: ${given.join(', ') || 'none'}`);
  if (file.format === 'onnx') {
    return sendError(res, note, 404, `${file.name} is an ONNX file: this server runs it (as ${servedModelName(entry.id, file.role)}) and does not give it out`);
  }
  const state = await files.cache.fileState(entry.id, file.name);
  if (state.kind !== 'installed') {
    return sendError(res, note, 404, `this server has no installed copy of ${entry.id}/${file.name}; install it there with "tessera models pull ${entry.id}"`);
  }
  const sha256 = await recordedSha256(files.cache, entry, file);
  note.status = 200;
  note.bytesOut = req.method === 'HEAD' ? 0 : state.bytes;
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[file.format] ?? 'application/octet-stream',
    'content-length': String(state.bytes),
    // The client keeps the bytes it verified; a cache in between need not.
    'cache-control': 'no-store',
    ...(sha256 === null ? {} : { etag: `"${sha256}"`, 'repr-digest': `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:` }),
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const gone = new AbortController();
  res.on('close', () => gone.abort());
  try {
    await pipeline(Readable.from(files.cache.readChunks(entry.id, file.name, gone.signal)), res);
  } catch (e) {
    // Headers are out: the client sees a short body (Content-Length tells it); the log says why.
    if (!gone.signal.aborted) note.error = `reading ${entry.id}/${file.name} failed: ${e instanceof Error ? e.message : String(e)}`;
    res.destroy();
  }
}

/** The sha256 the cache checked the file against when it installed it, or null where it kept no record. */
async function recordedSha256(cache: ModelCache, entry: ModelEntry, file: ModelFile): Promise<string | null> {
  const sha = (await cache.installRecord(entry.id, file.name))?.sha256 ?? null;
  return sha !== null && SHA256_HEX.test(sha) ? sha : null;
}
