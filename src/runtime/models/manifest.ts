import { TesseraError } from '../../core/errors.js';
import { TENSOR_TYPES, type TensorType } from '../tensor.js';

/**
 * The model manifest (`models/manifest.json`): which models exist, where each file is, pinned to
 * a revision, and what it must be (size, sha256, tensors). Validated field by field on load so a
 * typo fails with the JSON path, not deep inside a download or a session.
 */

export const MODEL_CAPABILITIES = ['text-to-image', 'encode-image', 'decode-latent'] as const;
export type ModelCapability = (typeof MODEL_CAPABILITIES)[number];

export const FILE_ROLES = ['text-encoder', 'unet', 'vae-encoder', 'vae-decoder', 'tokenizer-vocab', 'tokenizer-merges'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

export const FILE_FORMATS = ['onnx', 'json', 'text'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** What a tensor means, so a runner can match tensors whose names the manifest cannot confirm. */
export const TENSOR_ROLES = ['input-ids', 'text-embeddings', 'latent', 'timestep', 'noise-prediction', 'image'] as const;
export type TensorRole = (typeof TENSOR_ROLES)[number];

/**
 * One input or output of an ONNX file as the manifest knows it. With a name and a shape it is
 * structurally the `TensorSpec` that `checkSessionAgainstSpec` (src/runtime/model-runner.ts) takes.
 */
export interface ManifestTensor {
  readonly role: TensorRole;
  /** The ONNX name, or null when unconfirmed: read it from the session. */
  readonly name: string | null;
  readonly type: TensorType;
  /** Dimensions (a string is a symbolic dimension), or null when unknown. */
  readonly shape: readonly (number | string)[] | null;
  /** The value range, where documented: e.g. [-1, 1] for a decoder's image. */
  readonly range?: readonly [number, number];
  readonly note?: string;
}

export interface ModelFile {
  /** Path inside the model's folder, `/`-separated: `unet.onnx`, `tokenizer/vocab.json`. */
  readonly name: string;
  readonly role: FileRole;
  readonly format: FileFormat;
  /** https (http only on loopback, for tests), pinned to a revision. */
  readonly url: string;
  /** Exact size, or null when unknown (the server's Content-Length is checked then). */
  readonly bytes: number | null;
  /** An estimate for display when `bytes` is null. */
  readonly approxBytes?: number;
  /** Lowercase hex, or null when unpublished (the server's content hash is used then). */
  readonly sha256: string | null;
  readonly precision?: string;
  readonly opset?: number;
  readonly inputs?: readonly ManifestTensor[];
  readonly outputs?: readonly ManifestTensor[];
  /**
   * UNet files only: the latent size the model was trained at (64 for 512-px models), which is
   * the patch size Upscale denoises at (algorithms.md §2.12). Upscale uses only UNets that say it.
   */
  readonly patchLatents?: number;
}

export interface ModelEntry {
  /** Kebab-case, stable: CLI argument and cache folder name. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly source: { readonly repo: string; readonly revision: string; readonly upstream?: string };
  /** SPDX id, or null when not known. */
  readonly licence: string | null;
  readonly licenceNote?: string;
  readonly capabilities: readonly ModelCapability[];
  readonly notes: readonly string[];
  readonly files: readonly ModelFile[];
}

export interface Manifest {
  readonly schemaVersion: 1;
  readonly notes: readonly string[];
  readonly models: readonly ModelEntry[];
}

const MODEL_ID = /^[a-z0-9]+(?:[-.][a-z0-9]+)*$/;
const FILE_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const SHA256 = /^[0-9a-f]{64}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Validates parsed JSON as a manifest; throws `invalid-input` naming the first bad field. */
export function loadManifest(json: unknown): Manifest {
  const root = record(json, 'manifest', ['schemaVersion', 'notes', 'models']);
  if (root.schemaVersion !== 1) fail('manifest.schemaVersion', `must be 1 (this Tessera reads version 1), not ${show(root.schemaVersion)}`);
  const models = list(root.models, 'manifest.models', readModel);
  if (models.length === 0) fail('manifest.models', 'must name at least one model');
  unique(models.map((m) => m.id), (i) => `manifest.models[${i}].id`);
  return { schemaVersion: 1, notes: list(root.notes, 'manifest.notes', text), models };
}

/** The model with this id, or `invalid-input` listing the ids there are. */
export function findModel(manifest: Manifest, id: string): ModelEntry {
  const model = manifest.models.find((m) => m.id === id);
  if (model) return model;
  throw new TesseraError('invalid-input', `There is no model "${id}". The models are: ${manifest.models.map((m) => m.id).join(', ')}.`, {
    details: { id, known: manifest.models.map((m) => m.id) },
  });
}

/** A model's total size: exact when every file's size is known, else with estimates mixed in. */
export function modelSize(model: ModelEntry): { bytes: number; exact: boolean } {
  let bytes = 0;
  let exact = true;
  for (const f of model.files) {
    bytes += f.bytes ?? f.approxBytes ?? 0;
    if (f.bytes === null) exact = false;
  }
  return { bytes, exact };
}

function readModel(v: unknown, path: string): ModelEntry {
  const m = record(v, path, ['id', 'name', 'description', 'source', 'licence', 'licenceNote', 'capabilities', 'notes', 'files']);
  const id = text(m.id, `${path}.id`);
  if (!MODEL_ID.test(id)) fail(`${path}.id`, `must be lowercase letters, digits, "-" and "." (it names a folder), not ${show(id)}`);
  const name = text(m.name, `${path}.name`);
  const description = text(m.description, `${path}.description`);
  const source = record(m.source, `${path}.source`, ['repo', 'revision', 'upstream']);
  const files = list(m.files, `${path}.files`, readFile);
  if (files.length === 0) fail(`${path}.files`, 'must list at least one file');
  unique(files.map((f) => f.name.toLowerCase()), (i) => `${path}.files[${i}].name`);
  return {
    id,
    name,
    description,
    source: {
      repo: text(source.repo, `${path}.source.repo`),
      revision: text(source.revision, `${path}.source.revision`),
      ...optional(source.upstream, (u) => ({ upstream: text(u, `${path}.source.upstream`) })),
    },
    licence: m.licence === null ? null : text(m.licence, `${path}.licence`),
    ...optional(m.licenceNote, (n) => ({ licenceNote: text(n, `${path}.licenceNote`) })),
    capabilities: list(m.capabilities, `${path}.capabilities`, (c, p) => oneOf(c, p, MODEL_CAPABILITIES)),
    notes: list(m.notes, `${path}.notes`, text),
    files,
  };
}

function readFile(v: unknown, path: string): ModelFile {
  const f = record(v, path, ['name', 'role', 'format', 'url', 'bytes', 'approxBytes', 'sha256', 'precision', 'opset', 'inputs', 'outputs', 'patchLatents']);
  const name = text(f.name, `${path}.name`);
  const segments = name.split('/');
  if (!segments.every((s) => FILE_SEGMENT.test(s)) || name.endsWith('.partial')) {
    fail(`${path}.name`, `must be a relative path of plain names (letters, digits, "_", "-", "."; no "..", no leading "."), not ending in .partial: ${show(name)}`);
  }
  const format = oneOf(f.format, `${path}.format`, FILE_FORMATS);
  const sha256 = f.sha256 === null ? null : text(f.sha256, `${path}.sha256`);
  if (sha256 !== null && !SHA256.test(sha256)) fail(`${path}.sha256`, `must be 64 lowercase hex digits or null, not ${show(sha256)}`);
  const bytes = f.bytes === null ? null : count(f.bytes, `${path}.bytes`);
  if (f.approxBytes !== undefined && bytes !== null) fail(`${path}.approxBytes`, 'is only for files whose exact bytes are unknown (bytes: null)');
  const tensors = (key: 'inputs' | 'outputs') => optional(f[key], (t) => ({ [key]: list(t, `${path}.${key}`, readTensor) }));
  if (format !== 'onnx' && (f.inputs !== undefined || f.outputs !== undefined || f.opset !== undefined)) {
    fail(path, `lists tensors or an opset, but its format is ${format}, not onnx`);
  }
  const role = oneOf(f.role, `${path}.role`, FILE_ROLES);
  if (f.patchLatents !== undefined && role !== 'unet') fail(`${path}.patchLatents`, `is only for unet files, not ${role}`);
  const patchLatents = f.patchLatents === undefined ? undefined : count(f.patchLatents, `${path}.patchLatents`);
  // Even, because the patch's FFT fusion halves it (algorithms.md §2.6); 8 is far below any real model.
  if (patchLatents !== undefined && (patchLatents < 8 || patchLatents % 2 !== 0)) {
    fail(`${path}.patchLatents`, `must be an even whole number from 8 up (64 for 512-px models), not ${show(patchLatents)}`);
  }
  return {
    name,
    role,
    format,
    url: readUrl(f.url, `${path}.url`),
    bytes,
    ...optional(f.approxBytes, (a) => ({ approxBytes: count(a, `${path}.approxBytes`) })),
    sha256,
    ...optional(f.precision, (p) => ({ precision: text(p, `${path}.precision`) })),
    ...optional(f.opset, (o) => ({ opset: count(o, `${path}.opset`) })),
    ...tensors('inputs'),
    ...tensors('outputs'),
    ...(patchLatents === undefined ? {} : { patchLatents }),
  };
}

function readTensor(v: unknown, path: string): ManifestTensor {
  const t = record(v, path, ['role', 'name', 'type', 'shape', 'range', 'note']);
  const shape = t.shape === null ? null : list(t.shape, `${path}.shape`, (d, p) => (typeof d === 'string' && d !== '' ? d : count(d, p)));
  let range: [number, number] | undefined;
  if (t.range !== undefined) {
    const r = list(t.range, `${path}.range`, (x, p) => (typeof x === 'number' && Number.isFinite(x) ? x : fail(p, `must be a number, not ${show(x)}`)));
    if (r.length !== 2 || r[0] >= r[1]) fail(`${path}.range`, 'must be [low, high] with low < high');
    range = [r[0], r[1]];
  }
  return {
    role: oneOf(t.role, `${path}.role`, TENSOR_ROLES),
    name: t.name === null ? null : text(t.name, `${path}.name`),
    type: oneOf(t.type, `${path}.type`, TENSOR_TYPES),
    shape,
    ...(range ? { range } : {}),
    ...optional(t.note, (n) => ({ note: text(n, `${path}.note`) })),
  };
}

/**
 * https only, except plain http to a loopback address (the tests' local server). A Hugging Face
 * URL must name a 40-hex commit after /resolve/, so it can never drift to another version.
 */
function readUrl(v: unknown, path: string): string {
  const value = text(v, path);
  let url: URL;
  try {
    url = new URL(value);
  } catch (e) {
    throw invalid(path, `is not a URL: ${show(value)}`, e);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) fail(path, `must use https (plain http only on this machine, for tests), not ${show(value)}`);
  if (url.username || url.password) fail(path, 'must not carry a user name or password');
  if (url.hostname === 'huggingface.co' && !/^\/[^/]+\/[^/]+\/resolve\/[0-9a-f]{40}\//.test(url.pathname)) {
    fail(path, `must be pinned to a commit (…/resolve/<40 hex digits>/…), not ${show(value)}`);
  }
  return url.href;
}

function record(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `must be an object, not ${show(v)}`);
  const r = v as Record<string, unknown>;
  const unknown = Object.keys(r).find((k) => !keys.includes(k));
  if (unknown !== undefined) fail(`${path}.${unknown}`, `is not a known field (known: ${keys.join(', ')})`);
  return r;
}

function list<T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T[] {
  if (!Array.isArray(v)) fail(path, `must be a list, not ${show(v)}`);
  return (v as unknown[]).map((x, i) => item(x, `${path}[${i}]`));
}

function text(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.trim() === '') fail(path, `must be a non-empty string, not ${show(v)}`);
  return v as string;
}

function count(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, `must be a whole number ≥ 0, not ${show(v)}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, path: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(path, `must be one of ${values.join(', ')}, not ${show(v)}`);
  return v as T;
}

function optional<T>(v: unknown, read: (v: unknown) => T): T | object {
  return v === undefined ? {} : read(v);
}

function unique(values: readonly string[], pathOf: (i: number) => string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v)) fail(pathOf(i), `repeats ${show(v)}`);
    seen.add(v);
  });
}

function show(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function invalid(path: string, problem: string, cause?: unknown): TesseraError {
  return new TesseraError('invalid-input', `The model manifest is not valid: ${path} ${problem}.`, { details: { path, problem }, cause });
}

function fail(path: string, problem: string): never {
  throw invalid(path, problem);
}
