import { TesseraError } from '../core/errors.js';

/**
 * Our own small tensor type, so that nothing outside `src/runtime/onnx` imports ONNX Runtime.
 * Row-major, like ONNX. `float16` holds the raw IEEE half bits (ORT's own convention where
 * `Float16Array` is missing); convert with a helper of the caller's choice.
 */
export type TensorType = 'float32' | 'int32' | 'int64' | 'float16';

export interface TensorDataByType {
  float32: Float32Array;
  int32: Int32Array;
  int64: BigInt64Array;
  float16: Uint16Array;
}

export type TensorData = TensorDataByType[TensorType];

/** A tensor of one element type; `type` narrows `data`. */
export interface TypedTensor<T extends TensorType> {
  readonly dims: readonly number[];
  readonly type: T;
  readonly data: TensorDataByType[T];
}

/** Any tensor we pass across the runtime boundary: a union discriminated by `type`. */
export type Tensor = { [T in TensorType]: TypedTensor<T> }[TensorType];

export const TENSOR_TYPES: readonly TensorType[] = ['float32', 'int32', 'int64', 'float16'];

export function isTensorType(value: unknown): value is TensorType {
  return typeof value === 'string' && (TENSOR_TYPES as readonly string[]).includes(value);
}

/** Number of elements for `dims` (1 for a scalar, `[]`). */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/**
 * A tensor whose data length matches its dims. Throws `invalid-input` when dims are not
 * non-negative integers or the data has the wrong length: a caller's bug caught early.
 */
export function createTensor<T extends TensorType>(type: T, data: TensorDataByType[T], dims: readonly number[]): TypedTensor<T> {
  if (!dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TesseraError('invalid-input', `Tensor dimensions must be whole numbers ≥ 0, got [${dims.join(', ')}].`, {
      details: { dims: [...dims] },
    });
  }
  const expected = elementCount(dims);
  if (data.length !== expected) {
    throw new TesseraError('invalid-input', `A ${type} tensor of shape [${dims.join(', ')}] needs ${expected} values, got ${data.length}.`, {
      details: { dims: [...dims], expectedLength: expected, actualLength: data.length },
    });
  }
  return { type, data, dims: [...dims] };
}

export function float32Tensor(data: Float32Array | readonly number[], dims: readonly number[]): TypedTensor<'float32'> {
  return createTensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

export function int32Tensor(data: Int32Array | readonly number[], dims: readonly number[]): TypedTensor<'int32'> {
  return createTensor('int32', data instanceof Int32Array ? data : Int32Array.from(data), dims);
}

export function int64Tensor(data: BigInt64Array | readonly (number | bigint)[], dims: readonly number[]): TypedTensor<'int64'> {
  return createTensor('int64', data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v)), dims);
}

/** `[1, 4, 8, 8]` → `"[1,4,8,8]"`, for messages. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(',')}]`;
}
