import type { SessionSignature } from '../model-runner.js';
import type { TensorData, TensorType } from '../tensor.js';

/**
 * The slice of ONNX Runtime the runners use, as a structural type: the real module fits, and a
 * test can pass a spying or failing stand-in. Only this folder knows ONNX Runtime exists.
 */
export interface OrtTensorLike {
  readonly type: string;
  readonly dims: readonly number[];
  readonly data: unknown;
  /** `'cpu'` unless a caller asked ORT to keep outputs on the GPU (we never do). */
  readonly location?: string;
  dispose?(): void;
}

export interface OrtSessionLike extends SessionSignature {
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

export type OrtExecutionProvider = 'webgpu' | 'wasm';

export interface OrtSessionOptions<EP extends string = OrtExecutionProvider> {
  executionProviders?: EP[];
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Pins symbolic dims (`{ batch_size: 1, height: 64 }`): lets WebGPU plan buffers once. */
  freeDimensionOverrides?: Record<string, number>;
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** onnxruntime-web by default; onnxruntime-node fits with its own provider names (ort-node-module.ts). */
export interface OrtModule<EP extends string = OrtExecutionProvider> {
  readonly InferenceSession: {
    create(model: Uint8Array, options?: OrtSessionOptions<EP>): Promise<OrtSessionLike>;
  };
  readonly Tensor: new (type: TensorType, data: TensorData, dims: readonly number[]) => OrtTensorLike;
}

/**
 * onnxruntime-web, loaded on first use (nothing runs at import time). Under Node its `node`
 * export is the wasm-only build; in a browser bundle it is the WebGPU + wasm build, whose wasm
 * files the entry page locates through `ort.env.wasm.wasmPaths` before creating a runner.
 */
export async function loadOnnxruntimeWeb(): Promise<OrtModule> {
  return await import('onnxruntime-web');
}
