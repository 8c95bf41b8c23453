import type { TensorType } from '../tensor.js';

/**
 * The Open Inference Protocol ("KServe v2"), HTTP/REST, as NVIDIA Triton, KServe and
 * `tessera serve` speak it: the JSON objects of the health, metadata and inference APIs, and the
 * binary tensor data extension (tensor bytes after the JSON, little-endian, row-major, sized by
 * `binary_data_size`, with the JSON's length in the Inference-Header-Content-Length header).
 * Shared by the remote runner (src/runtime/remote) and the server (src/server).
 *
 * Spec: kserve.github.io/website/docs/concepts/architecture/data-plane/v2-protocol and Triton's
 * docs/protocol/extension_binary_data.md.
 */

export const PROTOCOL_DATATYPES = ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES', 'BF16'] as const;
export type ProtocolDatatype = (typeof PROTOCOL_DATATYPES)[number];

/** The protocol's name for each dtype Tessera passes. */
export const DATATYPE_OF: Record<TensorType, ProtocolDatatype> = { float32: 'FP32', int32: 'INT32', int64: 'INT64', float16: 'FP16' };

const TENSOR_TYPE_OF: Partial<Record<string, TensorType>> = { FP32: 'float32', INT32: 'int32', INT64: 'int64', FP16: 'float16' };

/** Our dtype for a protocol datatype, or null for one Tessera never passes (BYTES, BOOL, FP64…). */
export function tensorTypeOf(datatype: string): TensorType | null {
  return TENSOR_TYPE_OF[datatype] ?? null;
}

export const BYTES_PER_ELEMENT: Record<TensorType, number> = { float32: 4, int32: 4, int64: 8, float16: 2 };

/** Reported by servers that accept and send binary tensor data (server metadata `extensions`). */
export const BINARY_TENSOR_DATA_EXTENSION = 'binary_tensor_data';
/** The length in bytes of the JSON that starts a body carrying binary tensor data. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'Inference-Header-Content-Length';

export type Parameters = Record<string, string | number | boolean>;

/** GET /v2 */
export interface ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

/** One input or output in model metadata; -1 marks a size the model leaves free. */
export interface MetadataTensor {
  readonly name: string;
  readonly datatype: string;
  readonly shape: readonly number[];
  readonly parameters?: Parameters;
}

/** GET /v2/models/{name}[/versions/{version}] */
export interface ModelMetadata {
  readonly name: string;
  readonly versions?: readonly string[];
  readonly platform: string;
  readonly inputs: readonly MetadataTensor[];
  readonly outputs: readonly MetadataTensor[];
  readonly parameters?: Parameters;
}

/** An input in an inference request: `data` in JSON (row-major, flat or nested), or binary with `binary_data_size`. */
export interface RequestInput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Parameters;
  readonly data?: readonly unknown[];
}

/** An output asked for; `parameters.binary_data` asks for it as binary. */
export interface RequestOutput {
  readonly name: string;
  readonly parameters?: Parameters;
}

/** The JSON of POST /v2/models/{name}/infer. `parameters.binary_data_output` asks for every output as binary. */
export interface InferenceRequest {
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly inputs: readonly RequestInput[];
  readonly outputs?: readonly RequestOutput[];
}

export interface ResponseOutput {
  readonly name: string;
  readonly shape: readonly number[];
  readonly datatype: string;
  readonly parameters?: Parameters;
  readonly data?: readonly unknown[];
}

/** The JSON of an inference response. */
export interface InferenceResponse {
  readonly model_name: string;
  readonly model_version?: string;
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly outputs: readonly ResponseOutput[];
}

/** Every failed request's body. */
export interface ErrorResponse {
  readonly error: string;
}

/** One model in Triton's repository index (POST /v2/repository/index), which `tessera serve` answers too. */
export interface RepositoryModel {
  readonly name: string;
  readonly version?: string;
  readonly state?: string;
  readonly reason?: string;
}

/**
 * Parameters `tessera serve` adds to model metadata (other servers leave them out): which ONNX
 * Runtime execution provider runs the model, and why that one.
 */
export const EXECUTION_PROVIDER_PARAMETER = 'execution_provider';
export const EXECUTION_PROVIDER_REASON_PARAMETER = 'execution_provider_reason';

/** The URL path of each endpoint, under the server's base URL. */
export const PROTOCOL_PATHS = {
  live: '/v2/health/live',
  ready: '/v2/health/ready',
  server: '/v2',
  repositoryIndex: '/v2/repository/index',
  model: (name: string) => `/v2/models/${encodeURIComponent(name)}`,
  modelReady: (name: string) => `/v2/models/${encodeURIComponent(name)}/ready`,
  infer: (name: string) => `/v2/models/${encodeURIComponent(name)}/infer`,
} as const;
