import { assert, TesseraError } from '../../core/errors.js';
import {
  checkFeedsAgainstSpec,
  checkOutputsAgainstSpec,
  checkSessionAgainstSpec,
  describeTensorSpec,
  type ModelRunner,
  type ModelSpec,
  type RunOptions,
} from '../model-runner.js';
import { formatDims, type Tensor, type TensorData, type TensorType } from '../tensor.js';
import { checkOnnxModelBytes } from './onnx-bytes.js';
import type { OrtSessionLike, OrtTensorLike } from './ort-module.js';

/**
 * What every ONNX Runtime runner shares, whichever package runs the session (onnxruntime-web in
 * browsers, onnxruntime-node in the CLI and `tessera serve`): the file check before a session is
 * made, the spec check after, and one runner over a created session.
 */

/** The bytes must be an ONNX model before any runtime sees them; `unsupported-format` otherwise. */
export function requireOnnxModelBytes(spec: ModelSpec, modelBytes: Uint8Array): void {
  const bytesCheck = checkOnnxModelBytes(modelBytes);
  if (bytesCheck.ok) return;
  throw new TesseraError(
    'unsupported-format',
    `The model file for "${spec.id}" is damaged or is not an ONNX model (${bytesCheck.reason}). Delete it and download it again.`,
    { details: { model: spec.id, byteLength: modelBytes.length, offset: bytesCheck.offset, reason: bytesCheck.reason } },
  );
}

/** Checks a just-created session against the spec (and the signal); releases it when either fails. */
export async function acceptSession(spec: ModelSpec, session: OrtSessionLike, signal: AbortSignal | undefined): Promise<void> {
  try {
    signal?.throwIfAborted();
    checkSessionAgainstSpec(spec, session);
  } catch (e) {
    await session.release();
    throw e;
  }
}

export interface BackendFailure {
  readonly backend: string;
  readonly error: unknown;
}

/**
 * The error when no backend could load the model. Only a refusal by the CPU backend, the
 * baseline, says the file is bad (`model-mismatch`); a GPU-only failure may be the GPU's or the
 * runtime build's (`internal`, with `advice`).
 */
export function noBackendError(
  spec: ModelSpec,
  attempts: readonly string[],
  failures: readonly BackendFailure[],
  cpuBackend: string,
  advice: string,
): TesseraError {
  const cpuFailure = failures.find((f) => f.backend === cpuBackend);
  if (cpuFailure) {
    return new TesseraError(
      'model-mismatch',
      `The model file for "${spec.id}" could not be loaded (${errorText(cpuFailure.error)}). ` +
        'It may be damaged or made for another runtime: delete it and download it again.',
      { cause: cpuFailure.error, details: { model: spec.id, attempts: [...attempts], expected: [...spec.inputs, ...spec.outputs].map(describeTensorSpec) } },
    );
  }
  return new TesseraError('internal', `Model "${spec.id}" cannot run here: ${attempts.join('; ')}. ${advice}`, {
    cause: failures[0]?.error,
    details: { model: spec.id, attempts: [...attempts] },
  });
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export type OrtTensorConstructor = new (type: TensorType, data: TensorData, dims: readonly number[]) => OrtTensorLike;

export interface OrtSessionRunnerInit {
  readonly spec: ModelSpec;
  readonly session: OrtSessionLike;
  readonly Tensor: OrtTensorConstructor;
  /** What runs it (`'webgpu'`, `'cuda'`, `'cpu'`…), why, and a label for messages ("wasm (CPU)"). */
  readonly backend: string;
  readonly backendLabel: string;
  readonly backendReason: string;
}

/** One ORT session, created once and reused; runs are queued because a session runs one at a time. */
export class OrtSessionRunner implements ModelRunner {
  readonly id: string;
  readonly backend: string;
  readonly backendReason: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly spec: ModelSpec;
  private readonly session: OrtSessionLike;
  private readonly Tensor: OrtTensorConstructor;
  private readonly backendLabel: string;
  private queue: Promise<void> = Promise.resolve();
  private releasing: Promise<void> | null = null;

  constructor(init: OrtSessionRunnerInit) {
    this.spec = init.spec;
    this.session = init.session;
    this.Tensor = init.Tensor;
    this.id = init.spec.id;
    this.backend = init.backend;
    this.backendLabel = init.backendLabel;
    this.backendReason = init.backendReason;
    this.inputNames = [...init.session.inputNames];
    this.outputNames = [...init.session.outputNames];
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    assert(this.releasing === null, `model ${this.id} was run after release()`);
    options.signal?.throwIfAborted();
    const bound = checkFeedsAgainstSpec(this.spec, feeds);
    // No await before this point, so runs enter the queue in call order. The queue only orders
    // them; each caller gets its own result or error through `result`.
    const result = this.queue.then(() => this.runNow(feeds, bound, options.signal));
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return await result;
  }

  release(): Promise<void> {
    this.releasing ??= this.queue.then(() => this.session.release());
    return this.releasing;
  }

  private async runNow(feeds: Readonly<Record<string, Tensor>>, bound: Record<string, number>, signal: AbortSignal | undefined): Promise<Record<string, Tensor>> {
    // A run cannot be stopped once ORT has it, so the signal is honoured before and after.
    signal?.throwIfAborted();
    const ortFeeds: Record<string, OrtTensorLike> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new this.Tensor(t.type, t.data, t.dims);
    let raw: Record<string, OrtTensorLike>;
    try {
      raw = await this.session.run(ortFeeds);
    } catch (e) {
      throw this.wrapRunError(e, feeds);
    }
    try {
      signal?.throwIfAborted();
      const outputs: Record<string, Tensor> = {};
      for (const [name, value] of Object.entries(raw)) outputs[name] = this.fromOrt(name, value);
      checkOutputsAgainstSpec(this.spec, outputs, bound);
      return outputs;
    } finally {
      for (const value of Object.values(raw)) value.dispose?.();
    }
  }

  private wrapRunError(e: unknown, feeds: Readonly<Record<string, Tensor>>): TesseraError {
    if (e instanceof TesseraError) return e;
    const text = errorText(e);
    return new TesseraError('internal', `Model "${this.id}" failed while running on ${this.backendLabel}: ${text}`, {
      cause: e,
      message: `Model ${this.id} failed while running: ${text}`,
      details: {
        model: this.id,
        backend: this.backend,
        inputs: [...this.inputNames],
        outputs: [...this.outputNames],
        feeds: Object.entries(feeds).map(([n, t]) => `${n} ${t.type}${formatDims(t.dims)}`),
      },
    });
  }

  private fromOrt(name: string, value: OrtTensorLike): Tensor {
    const dims = [...value.dims];
    const data = value.data;
    if (value.type === 'float32' && data instanceof Float32Array) return { type: 'float32', dims, data };
    if (value.type === 'int32' && data instanceof Int32Array) return { type: 'int32', dims, data };
    if (value.type === 'int64' && data instanceof BigInt64Array) return { type: 'int64', dims, data };
    if (value.type === 'float16' && ArrayBuffer.isView(data) && (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT === 2) {
      // ORT returns a Float16Array where the platform has one; we keep the raw bits.
      const view = data as unknown as Uint16Array;
      return { type: 'float16', dims, data: new Uint16Array(view.buffer, view.byteOffset, view.length) };
    }
    throw new TesseraError('model-mismatch', `Model "${this.id}" returned ${name} as ${value.type}, which Tessera cannot use.`, {
      details: { model: this.id, output: name, type: value.type, location: value.location ?? 'cpu' },
    });
  }
}
