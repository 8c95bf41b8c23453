import type { Dim, ModelSpec, SessionSignature, SessionValueInfo } from '../model-runner.js';
import { DATATYPE_OF, tensorTypeOf, type MetadataTensor, type ModelMetadata, type Parameters, type RepositoryModel, type ServerMetadata } from './inference-protocol.js';
import { readList, readParameters, readRecord, readShape, readString, WireFormatError } from './wire-body.js';

/** Metadata objects both ways: what the server says of a model, and what the client makes of it. */

/** The platform name Triton gives ONNX Runtime models; `tessera serve` reports the same. */
export const ONNX_PLATFORM = 'onnxruntime_onnx';

/** Model metadata for a loaded model: its spec's tensors, with symbolic sizes as −1. */
export function modelMetadataOf(name: string, spec: ModelSpec, parameters: Parameters = {}): ModelMetadata {
  const tensor = (t: ModelSpec['inputs'][number]): MetadataTensor => ({
    name: t.name,
    datatype: DATATYPE_OF[t.type],
    shape: t.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  });
  return { name, versions: ['1'], platform: ONNX_PLATFORM, inputs: spec.inputs.map(tensor), outputs: spec.outputs.map(tensor), parameters };
}

/**
 * Model metadata as a session signature, so the same check as for a local file applies: −1
 * becomes a symbolic size (free), and a datatype Tessera does not pass keeps its protocol name
 * (the check then reports it as different).
 */
export function signatureOfMetadata(metadata: ModelMetadata): SessionSignature {
  const info = (t: MetadataTensor, i: number): SessionValueInfo => ({
    name: t.name,
    isTensor: true,
    type: tensorTypeOf(t.datatype) ?? t.datatype,
    shape: t.shape.map((d, k): Dim => (d >= 0 ? d : `free_${i}_${k}`)),
  });
  return {
    inputNames: metadata.inputs.map((t) => t.name),
    outputNames: metadata.outputs.map((t) => t.name),
    inputMetadata: metadata.inputs.map(info),
    outputMetadata: metadata.outputs.map(info),
  };
}

export function readServerMetadata(json: unknown): ServerMetadata {
  const r = readRecord(json, 'server metadata');
  return {
    name: readString(r.name, 'server metadata.name'),
    version: readString(r.version, 'server metadata.version'),
    extensions: r.extensions === undefined ? [] : readList(r.extensions, 'server metadata.extensions').map((e, i) => readString(e, `server metadata.extensions[${i}]`)),
  };
}

export function readModelMetadata(json: unknown): ModelMetadata {
  const r = readRecord(json, 'model metadata');
  const tensors = (key: 'inputs' | 'outputs'): MetadataTensor[] =>
    readList(r[key], `model metadata.${key}`).map((t, i) => {
      const path = `model metadata.${key}[${i}]`;
      const entry = readRecord(t, path);
      return { name: readString(entry.name, `${path}.name`), datatype: readString(entry.datatype, `${path}.datatype`), shape: readShape(entry.shape, `${path}.shape`, { allowFree: true }) };
    });
  return {
    name: readString(r.name, 'model metadata.name'),
    ...(r.versions === undefined ? {} : { versions: readList(r.versions, 'model metadata.versions').map((v, i) => readString(v, `model metadata.versions[${i}]`)) }),
    platform: r.platform === undefined ? '' : readString(r.platform, 'model metadata.platform'),
    inputs: tensors('inputs'),
    outputs: tensors('outputs'),
    parameters: readParameters(r.parameters, 'model metadata.parameters'),
  };
}

/** Triton's repository index: a list of `{name, version?, state?, reason?}`. */
export function readRepositoryIndex(json: unknown): RepositoryModel[] {
  return readList(json, 'repository index').map((m, i) => {
    const path = `repository index[${i}]`;
    const r = readRecord(m, path);
    const optional = (key: 'version' | 'state' | 'reason') => (r[key] === undefined ? {} : { [key]: readString(r[key], `${path}.${key}`) });
    return { name: readString(r.name, `${path}.name`), ...optional('version'), ...optional('state'), ...optional('reason') };
  });
}

/** The `{"error": "..."}` of a failed request, or null when the body is something else. */
export function readErrorBody(bytes: Uint8Array): string | null {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const error = (json as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : null;
  } catch (e) {
    if (e instanceof SyntaxError) return null; // not JSON: an HTML error page from a proxy, say
    throw e;
  }
}

export { WireFormatError };
