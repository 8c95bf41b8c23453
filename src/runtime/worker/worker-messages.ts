import { TesseraError, type ErrorDetails, type TesseraErrorCode } from '../../core/errors.js';
import type { ModelSpec } from '../model-runner.js';
import type { OrtNodeExecutionProvider } from '../onnx/ort-node-module.js';
import type { Tensor } from '../tensor.js';

/**
 * What the main thread and a model's worker thread (model-worker.ts) say to each other. Tensors
 * travel as they are (structured clone keeps typed arrays); buffers that a tensor fills wholly
 * may be moved instead of copied (`wholeBuffers`).
 */

/** The worker's `workerData`: the model to load and how. */
export interface ModelWorkerData {
  readonly spec: ModelSpec;
  readonly modelBytes: Uint8Array;
  /** null: the platform's default order. */
  readonly preferred: readonly OrtNodeExecutionProvider[] | null;
  /** Providers that failed for models loaded before, so this one does not try them again. */
  readonly knownFailures: readonly (readonly [OrtNodeExecutionProvider, string])[];
}

export type ToModelWorker = { readonly kind: 'run'; readonly id: number; readonly feeds: Readonly<Record<string, Tensor>> } | { readonly kind: 'release' };

export type FromModelWorker =
  | {
      readonly kind: 'loaded';
      readonly backend: string;
      readonly backendReason: string;
      readonly inputNames: readonly string[];
      readonly outputNames: readonly string[];
      readonly knownFailures: readonly (readonly [OrtNodeExecutionProvider, string])[];
    }
  | { readonly kind: 'load-failed'; readonly error: WireError; readonly knownFailures: readonly (readonly [OrtNodeExecutionProvider, string])[] }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: Record<string, Tensor> }
  | { readonly kind: 'failed'; readonly id: number; readonly error: WireError }
  | { readonly kind: 'released' };

/** An error as it crosses threads: structured clone would keep only an Error's message, not a TesseraError's code. */
export type WireError =
  | { readonly kind: 'tessera'; readonly code: TesseraErrorCode; readonly userMessage: string; readonly message: string; readonly details?: ErrorDetails }
  | { readonly kind: 'other'; readonly message: string };

export function errorToWire(e: unknown): WireError {
  if (e instanceof TesseraError) return { kind: 'tessera', code: e.code, userMessage: e.userMessage, message: e.message, ...(e.details ? { details: e.details } : {}) };
  return { kind: 'other', message: e instanceof Error ? e.message : String(e) };
}

export function errorFromWire(w: WireError): Error {
  if (w.kind === 'tessera') return new TesseraError(w.code, w.userMessage, { message: w.message, ...(w.details ? { details: w.details } : {}) });
  return new Error(w.message);
}

/**
 * The buffers these arrays fill from end to end, each once: they can be moved to the other
 * thread (the arrays here are emptied). An array that is a window on a larger buffer (a slice of
 * Node's shared Buffer pool, say) is copied instead.
 */
export function wholeBuffers(arrays: Iterable<ArrayBufferView>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) {
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.byteLength > 0) out.add(a.buffer);
  }
  return [...out];
}

export function tensorBuffers(tensors: Readonly<Record<string, Tensor>>): ArrayBuffer[] {
  return wholeBuffers(Object.values(tensors).map((t) => t.data));
}
