import { elementCount, formatDims, type Tensor, type TensorData, type TensorType } from '../tensor.js';
import { BYTES_PER_ELEMENT, DATATYPE_OF, tensorTypeOf, type InferenceRequest, type InferenceResponse, type Parameters, type RequestOutput } from './inference-protocol.js';
import { readBody, readParameters, readRecord, readShape, readString, readList, WireFormatError, type EncodedBody } from './wire-body.js';

/**
 * Inference requests and responses as bytes, both ways, for the client and the server alike.
 * Decoding treats its input as untrusted: every field is checked, sizes are checked before
 * anything is allocated, and a body that does not follow the protocol is a WireFormatError.
 */

export interface WireLimits {
  /** Elements in any one tensor. */
  readonly maxElements: number;
}

export const DEFAULT_WIRE_LIMITS: WireLimits = { maxElements: 1 << 28 };

/** Where one output should travel: binary (after the JSON) or as JSON numbers. */
export interface OutputRequest {
  readonly name: string;
  readonly binary: boolean;
}

export interface EncodeRequestOptions {
  readonly id?: string;
  /** Inputs of at least this many bytes go as binary; null sends every input as JSON (a server without the extension). */
  readonly binaryFromBytes: number | null;
  /** The outputs to return and how; empty asks for every output, as JSON. */
  readonly outputs: readonly OutputRequest[];
}

/** The client's request body. An input JSON cannot carry (float16, NaN, int64 past 2^53) goes binary when allowed. */
export function encodeInferRequest(feeds: Readonly<Record<string, Tensor>>, options: EncodeRequestOptions): EncodedBody {
  const inputs: Record<string, unknown>[] = [];
  const binaries: Uint8Array[] = [];
  for (const [name, t] of Object.entries(feeds)) {
    const bytes = tensorBytes(t);
    const binary = options.binaryFromBytes !== null && (bytes.length >= options.binaryFromBytes || !canTravelAsJson(t));
    if (!binary && !canTravelAsJson(t)) {
      throw new WireFormatError(`input ${name} (${t.type}) cannot be sent as JSON and the server does not take binary tensor data`);
    }
    inputs.push(binary ? { ...wireHead(name, t), parameters: { binary_data_size: bytes.length } } : { ...wireHead(name, t), data: jsonData(t) });
    if (binary) binaries.push(bytes);
  }
  const request: InferenceRequest = {
    ...(options.id === undefined ? {} : { id: options.id }),
    inputs: inputs as unknown as InferenceRequest['inputs'],
    ...(options.outputs.length === 0 ? {} : { outputs: options.outputs.map(outputRequest) }),
  };
  return encodeBodyParts(request, binaries);
}

export interface DecodedInferRequest {
  readonly id?: string;
  readonly inputs: Record<string, Tensor>;
  /** The outputs asked for, or null for "every output". */
  readonly outputs: readonly OutputRequest[] | null;
  /** `binary_data_output`: the default for outputs that do not say. */
  readonly binaryOutputs: boolean;
}

/** The server's side: a request body (and its Inference-Header-Content-Length header, if any) as tensors. */
export function decodeInferRequest(body: Uint8Array, headerLength: string | null, limits: WireLimits = DEFAULT_WIRE_LIMITS): DecodedInferRequest {
  const { json, binary } = readBody(body, headerLength);
  const request = readRecord(json, 'request');
  const id = request.id === undefined ? undefined : readString(request.id, 'request.id');
  const parameters = readParameters(request.parameters, 'request.parameters');
  const binaryOutputs = parameters.binary_data_output === true;
  const inputs = readTensors(readList(request.inputs, 'request.inputs'), binary, 'request.inputs', limits);
  if (Object.keys(inputs).length === 0) throw new WireFormatError('request.inputs is empty');
  let outputs: OutputRequest[] | null = null;
  if (request.outputs !== undefined) {
    outputs = readList(request.outputs, 'request.outputs').map((o, i) => {
      const path = `request.outputs[${i}]`;
      const entry = readRecord(o, path);
      const p = readParameters(entry.parameters, `${path}.parameters`);
      if (p.binary_data !== undefined && typeof p.binary_data !== 'boolean') throw new WireFormatError(`${path}.parameters.binary_data must be true or false`);
      return { name: readString(entry.name, `${path}.name`), binary: typeof p.binary_data === 'boolean' ? p.binary_data : binaryOutputs };
    });
    const names = outputs.map((o) => o.name);
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated !== undefined) throw new WireFormatError(`request.outputs names ${repeated} twice`);
  }
  return { ...(id === undefined ? {} : { id }), inputs, outputs, binaryOutputs };
}

export interface ResponseHead {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
}

/** The server's response body; `binary(name, tensor)` says how each output travels. */
export function encodeInferResponse(head: ResponseHead, outputs: Readonly<Record<string, Tensor>>, binary: (name: string, t: Tensor) => boolean): EncodedBody {
  const entries: Record<string, unknown>[] = [];
  const binaries: Uint8Array[] = [];
  for (const [name, t] of Object.entries(outputs)) {
    if (binary(name, t)) {
      const bytes = tensorBytes(t);
      entries.push({ ...wireHead(name, t), parameters: { binary_data_size: bytes.length } });
      binaries.push(bytes);
    } else {
      if (t.type === 'float16') throw new WireFormatError(`output ${name} is FP16, which has no JSON form: ask for it with "binary_data": true`);
      entries.push({ ...wireHead(name, t), data: jsonData(t) });
    }
  }
  const response: InferenceResponse = { ...head, outputs: entries as unknown as InferenceResponse['outputs'] };
  return encodeBodyParts(response, binaries);
}

export interface DecodedInferResponse {
  readonly head: ResponseHead;
  readonly outputs: Record<string, Tensor>;
}

/** The client's side: a response body as tensors. */
export function decodeInferResponse(body: Uint8Array, headerLength: string | null, limits: WireLimits = DEFAULT_WIRE_LIMITS): DecodedInferResponse {
  const { json, binary } = readBody(body, headerLength);
  const response = readRecord(json, 'response');
  const head: ResponseHead = {
    model_name: readString(response.model_name, 'response.model_name'),
    ...(response.model_version === undefined ? {} : { model_version: readString(response.model_version, 'response.model_version') }),
    ...(response.id === undefined ? {} : { id: readString(response.id, 'response.id') }),
  };
  return { head, outputs: readTensors(readList(response.outputs, 'response.outputs'), binary, 'response.outputs', limits) };
}

/** The JSON header and the binary parts, as one body. */
export function encodeBodyParts(json: unknown, binaries: readonly Uint8Array[]): EncodedBody {
  const head = new TextEncoder().encode(JSON.stringify(json));
  if (binaries.length === 0) return { bytes: head, headerLength: null, contentType: 'application/json' };
  const bytes = new Uint8Array(head.length + binaries.reduce((n, b) => n + b.length, 0));
  bytes.set(head, 0);
  let offset = head.length;
  for (const b of binaries) {
    bytes.set(b, offset);
    offset += b.length;
  }
  return { bytes, headerLength: head.length, contentType: 'application/octet-stream' };
}

function outputRequest(o: OutputRequest): RequestOutput {
  return { name: o.name, parameters: { binary_data: o.binary } };
}

function wireHead(name: string, t: Tensor): { name: string; shape: number[]; datatype: string } {
  return { name, shape: [...t.dims], datatype: DATATYPE_OF[t.type] };
}

/** False for what JSON numbers cannot carry exactly: float16, NaN and ±Infinity, int64 past 2^53. */
export function canTravelAsJson(t: Tensor): boolean {
  if (t.type === 'float16') return false;
  if (t.type === 'float32') return t.data.every(Number.isFinite);
  if (t.type === 'int64') return t.data.every((v) => v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER));
  return true;
}

function jsonData(t: Tensor): (number | null)[] {
  if (t.type === 'int64') return Array.from(t.data, Number);
  if (t.type === 'float32') return Array.from(t.data, (v) => (Number.isFinite(v) ? v : null));
  return Array.from(t.data as ArrayLike<number>);
}

function readTensors(entries: readonly unknown[], binary: Uint8Array, listPath: string, limits: WireLimits): Record<string, Tensor> {
  // No prototype: a tensor called "__proto__" is just a name here.
  const tensors = Object.create(null) as Record<string, Tensor>;
  let offset = 0;
  entries.forEach((e, i) => {
    const path = `${listPath}[${i}]`;
    const entry = readRecord(e, path);
    const name = readString(entry.name, `${path}.name`);
    if (Object.hasOwn(tensors, name)) throw new WireFormatError(`${listPath} names ${name} twice`);
    const datatype = readString(entry.datatype, `${path}.datatype`);
    const type = tensorTypeOf(datatype);
    if (type === null) throw new WireFormatError(`${path}.datatype ${JSON.stringify(datatype.slice(0, 20))} is not one Tessera passes (FP32, FP16, INT32, INT64)`);
    const dims = readShape(entry.shape, `${path}.shape`);
    const count = checkedCount(dims, path, limits);
    const parameters = readParameters(entry.parameters, `${path}.parameters`);
    const size = parameters.binary_data_size;
    if (size !== undefined) {
      if (entry.data !== undefined) throw new WireFormatError(`${path} has both data and binary_data_size`);
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new WireFormatError(`${path}.parameters.binary_data_size must be a whole number of bytes`);
      if (size !== count * BYTES_PER_ELEMENT[type]) {
        throw new WireFormatError(`${path}: binary_data_size ${size} does not fit ${datatype}${formatDims(dims)} (${count * BYTES_PER_ELEMENT[type]} bytes)`);
      }
      if (offset + size > binary.length) throw new WireFormatError(`${path}: binary data runs past the end of the body (${binary.length - offset} bytes left, ${size} needed)`);
      tensors[name] = makeTensor(type, bytesToData(type, binary.subarray(offset, offset + size)), dims);
      offset += size;
    } else {
      if (entry.data === undefined) throw new WireFormatError(`${path} has neither data nor binary_data_size`);
      tensors[name] = makeTensor(type, jsonToData(type, entry.data, count, `${path}.data`), dims);
    }
  });
  if (offset !== binary.length) throw new WireFormatError(`${binary.length - offset} bytes of binary data after the last tensor`);
  return tensors;
}

function checkedCount(dims: readonly number[], path: string, limits: WireLimits): number {
  let count = 1;
  for (const d of dims) {
    count *= d;
    if (count > limits.maxElements) throw new WireFormatError(`${path}.shape ${formatDims(dims)} has more than ${limits.maxElements} elements`);
  }
  return elementCount(dims);
}

function makeTensor(type: TensorType, data: TensorData, dims: number[]): Tensor {
  return { type, data, dims } as Tensor;
}

/** JSON numbers, flat or nested, as the dtype's array; exactly `count` of them. */
function jsonToData(type: TensorType, data: unknown, count: number, path: string): TensorData {
  if (type === 'float16') throw new WireFormatError(`${path}: FP16 has no JSON form; send it as binary data`);
  if (!Array.isArray(data)) throw new WireFormatError(`${path} must be a list`);
  const values = flatten(data, count, path);
  if (type === 'float32') {
    return Float32Array.from(values, (v, i) => {
      if (v === null) return NaN;
      if (typeof v !== 'number') throw new WireFormatError(`${path}[${i}] is not a number`);
      return v;
    });
  }
  const integer = (v: unknown, i: number, min: number, max: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new WireFormatError(`${path}[${i}] is not a ${type} value`);
    return v;
  };
  if (type === 'int32') return Int32Array.from(values, (v, i) => integer(v, i, -(2 ** 31), 2 ** 31 - 1));
  return BigInt64Array.from(values, (v, i) => BigInt(integer(v, i, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)));
}

/** Row-major leaves of nested lists, refusing more than `count` (so a huge body cannot grow a huge array twice). */
function flatten(data: readonly unknown[], count: number, path: string): unknown[] {
  const out: unknown[] = [];
  const stack: { list: readonly unknown[]; index: number }[] = [{ list: data, index: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.index >= top.list.length) {
      stack.pop();
      continue;
    }
    const v = top.list[top.index++];
    if (Array.isArray(v)) {
      if (stack.length > 32) throw new WireFormatError(`${path} is nested too deeply`);
      stack.push({ list: v, index: 0 });
      continue;
    }
    if (out.length === count) throw new WireFormatError(`${path} has more than the ${count} values its shape holds`);
    out.push(v);
  }
  if (out.length !== count) throw new WireFormatError(`${path} has ${out.length} values, its shape holds ${count}`);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The tensor's bytes, little-endian as the protocol says (a view where the platform already is). */
export function tensorBytes(t: Tensor): Uint8Array {
  const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  return LITTLE_ENDIAN ? view : swapped(view, BYTES_PER_ELEMENT[t.type]);
}

/** Little-endian bytes as a typed array, copied so it is aligned and owns its buffer. */
function bytesToData(type: TensorType, bytes: Uint8Array): TensorData {
  const copy = LITTLE_ENDIAN ? bytes.slice() : swapped(bytes, BYTES_PER_ELEMENT[type]);
  if (type === 'float32') return new Float32Array(copy.buffer);
  if (type === 'int32') return new Int32Array(copy.buffer);
  if (type === 'int64') return new BigInt64Array(copy.buffer);
  return new Uint16Array(copy.buffer);
}

function swapped(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let k = 0; k < width; k++) out[i + k] = bytes[i + width - 1 - k];
  return out;
}

export type { EncodedBody, Parameters };
