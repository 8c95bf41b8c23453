import { readList, readRecord, readString, WireFormatError } from './wire-body.js';

/**
 * Tessera's own endpoints beside the Open Inference Protocol, on `tessera serve` only: the
 * installed files of the models a server serves. A client that runs the networks on the server
 * still needs each model's other files here (the CLIP tokenizer's vocab.json and merges.txt turn
 * a prompt into tokens), and a Photoshop or Photopea panel keeps no model store: it reads them
 * from the server instead. ONNX files are listed (the server runs them) but never given out.
 * Outside /v2, so nothing here can collide with the protocol; Triton and KServe have no such
 * endpoints and answer 404.
 */
export const MODEL_FILES_PATHS = {
  /** GET: a ModelFilesIndex of the served models. */
  index: '/tessera/v1/models',
  /** GET (or HEAD): one file's bytes, with Content-Length, and its sha256 (ETag, Repr-Digest) where the server's cache recorded one. */
  file: (modelId: string, fileName: string) => `/tessera/v1/models/${encodeURIComponent(modelId)}/files/${fileName.split('/').map(encodeURIComponent).join('/')}`,
} as const;

/** The answer to GET /tessera/v1/models: the served models and which of their manifest files the server holds. */
export interface ModelFilesIndex {
  readonly models: readonly ServedModelFiles[];
}

export interface ServedModelFiles {
  /** The manifest id. */
  readonly id: string;
  readonly files: readonly ServedFileInfo[];
}

export interface ServedFileInfo {
  /** As the manifest names it: `tokenizer/vocab.json`. */
  readonly name: string;
  readonly format: string;
  readonly bytes: number;
  /** Lowercase hex, as the server's cache recorded it when it verified the file; null where it kept no record. */
  readonly sha256: string | null;
  /** False for ONNX files: the server runs them and does not give them out. */
  readonly downloadable: boolean;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Checked read of an index from the network. */
export function readModelFilesIndex(json: unknown): ModelFilesIndex {
  const root = readRecord(json, 'model files index');
  const models = readList(root.models, 'model files index.models').map((m, i) => {
    const path = `model files index.models[${i}]`;
    const r = readRecord(m, path);
    const files = readList(r.files, `${path}.files`).map((f, k) => {
      const at = `${path}.files[${k}]`;
      const file = readRecord(f, at);
      const bytes = file.bytes;
      if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) throw new WireFormatError(`${at}.bytes must be a byte count`);
      const sha256 = file.sha256 === null ? null : readString(file.sha256, `${at}.sha256`);
      if (sha256 !== null && !SHA256_HEX.test(sha256)) throw new WireFormatError(`${at}.sha256 must be 64 lowercase hex digits or null`);
      if (typeof file.downloadable !== 'boolean') throw new WireFormatError(`${at}.downloadable must be true or false`);
      return { name: readString(file.name, `${at}.name`), format: readString(file.format, `${at}.format`), bytes, sha256, downloadable: file.downloadable };
    });
    return { id: readString(r.id, `${path}.id`), files };
  });
  return { models };
}

