import type { Parameters } from './inference-protocol.js';

/**
 * The body of an Open Inference Protocol request or response, and checked reads of its JSON.
 * Everything here runs on bytes from the other side of a network: nothing is trusted.
 */

/** A body that does not follow the protocol: the server answers 400 with it, the client names the server. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/** A body ready to send: JSON alone, or JSON followed by binary tensor data (`headerLength` is the JSON's bytes). */
export interface EncodedBody {
  /** Backed by a plain ArrayBuffer, as fetch bodies must be. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly headerLength: number | null;
  readonly contentType: string;
}

/** The highest rank accepted; ONNX models in practice stay under 8. */
const MAX_RANK = 16;

/** Splits a body by its Inference-Header-Content-Length (absent: JSON only) and parses the JSON. */
export function readBody(body: Uint8Array, headerLength: string | null): { json: unknown; binary: Uint8Array } {
  let jsonLength = body.length;
  if (headerLength !== null) {
    if (!/^\d{1,15}$/.test(headerLength.trim())) throw new WireFormatError(`Inference-Header-Content-Length ${JSON.stringify(headerLength.slice(0, 20))} is not a byte count`);
    jsonLength = Number(headerLength.trim());
    if (jsonLength > body.length) throw new WireFormatError(`Inference-Header-Content-Length ${jsonLength} is longer than the body (${body.length} bytes)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, jsonLength)));
  } catch (e) {
    throw new WireFormatError(`the body's JSON does not parse (${e instanceof Error ? e.message.slice(0, 120) : 'not UTF-8'})`);
  }
  return { json, binary: body.subarray(jsonLength) };
}

export function readRecord(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireFormatError(`${path} must be an object`);
  return v as Record<string, unknown>;
}

export function readString(v: unknown, path: string): string {
  if (typeof v !== 'string') throw new WireFormatError(`${path} must be a string`);
  return v;
}

export function readList(v: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new WireFormatError(`${path} must be a list`);
  return v;
}

/** Dims: whole numbers ≥ 0 (or ≥ −1 where −1 means "free", in metadata). */
export function readShape(v: unknown, path: string, { allowFree = false } = {}): number[] {
  const list = readList(v, path);
  if (list.length > MAX_RANK) throw new WireFormatError(`${path} has ${list.length} dimensions (at most ${MAX_RANK})`);
  return list.map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < (allowFree ? -1 : 0)) throw new WireFormatError(`${path}[${i}] must be a whole number ≥ ${allowFree ? -1 : 0}`);
    return d;
  });
}

/** `parameters`: absent, or an object of strings, numbers and booleans. */
export function readParameters(v: unknown, path: string): Parameters {
  if (v === undefined) return {};
  const record = readRecord(v, path);
  const out: Parameters = Object.create(null) as Parameters;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new WireFormatError(`${path}.${key.slice(0, 40)} must be a string, number or boolean`);
    out[key] = value;
  }
  return out;
}
