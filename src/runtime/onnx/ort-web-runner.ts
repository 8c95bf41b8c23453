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
import { formatDims, type Tensor } from '../tensor.js';
import { checkOnnxModelBytes } from './onnx-bytes.js';
import { loadOnnxruntimeWeb, type OrtExecutionProvider, type OrtModule, type OrtSessionLike, type OrtSessionOptions, type OrtTensorLike } from './ort-module.js';

/** Enough of `navigator.gpu` to ask for an adapter; injectable so tests can pretend. */
export interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export interface GpuAdapterLike {
  readonly info?: { readonly vendor?: string; readonly architecture?: string };
}

export interface OrtWebRunnerOptions {
  /** Backends to try, in order. Default `['webgpu', 'wasm']`; the CLI passes `['wasm']`. */
  preferred?: readonly OrtExecutionProvider[];
  /** The ORT module; default onnxruntime-web, loaded on first use. */
  ort?: OrtModule;
  /** Default `navigator.gpu` where it exists; `null` means "no WebGPU here". */
  gpu?: GpuLike | null;
  /** Passed to every session; `executionProviders` is set by the runner. */
  sessionOptions?: Omit<OrtSessionOptions, 'executionProviders'>;
  /** Checked before and after session creation (creation itself cannot be interrupted). */
  signal?: AbortSignal;
}

const DEFAULT_PREFERRED: readonly OrtExecutionProvider[] = ['webgpu', 'wasm'];

const BACKEND_LABEL: Record<OrtExecutionProvider, string> = { webgpu: 'WebGPU', wasm: 'wasm (CPU)' };

/**
 * Loads `modelBytes` once for `spec`: checks the bytes are an ONNX file, tries each preferred
 * backend in turn (WebGPU only where an adapter exists) and records why the one that runs was
 * chosen, then checks the session's tensor names, dtypes and ranks against the spec.
 *
 * Throws `unsupported-format` for bytes that are not an ONNX model, `model-mismatch` when the
 * wasm backend refuses the file or the file's tensors differ from the spec, `internal` when no
 * preferred backend can run here (e.g. only WebGPU asked for and none present).
 */
export async function createOrtWebRunner(spec: ModelSpec, modelBytes: Uint8Array, options: OrtWebRunnerOptions = {}): Promise<ModelRunner> {
  const preferred: OrtExecutionProvider[] = [...new Set(options.preferred ?? DEFAULT_PREFERRED)];
  assert(preferred.length > 0, 'createOrtWebRunner needs at least one backend');
  options.signal?.throwIfAborted();

  const bytesCheck = checkOnnxModelBytes(modelBytes);
  if (!bytesCheck.ok) {
    throw new TesseraError(
      'unsupported-format',
      `The model file for "${spec.id}" is damaged or is not an ONNX model (${bytesCheck.reason}). Delete it and download it again.`,
      { details: { model: spec.id, byteLength: modelBytes.length, offset: bytesCheck.offset, reason: bytesCheck.reason } },
    );
  }

  const ort = options.ort ?? (await loadOnnxruntimeWeb());
  const gpu = options.gpu === undefined ? navigatorGpu() : options.gpu;
  const skipped: string[] = [];
  const failures: { backend: OrtExecutionProvider; error: unknown }[] = [];

  for (const backend of preferred) {
    options.signal?.throwIfAborted();
    let adapterText = '';
    if (backend === 'webgpu') {
      const probe = await probeWebGpu(gpu);
      if (!probe.ok) {
        skipped.push(`WebGPU not used: ${probe.reason}`);
        continue;
      }
      adapterText = probe.adapter;
    }
    let session: OrtSessionLike;
    try {
      session = await ort.InferenceSession.create(modelBytes, { ...options.sessionOptions, executionProviders: [backend] });
    } catch (e) {
      failures.push({ backend, error: e });
      skipped.push(`${BACKEND_LABEL[backend]} failed to load the model: ${errorText(e)}`);
      continue;
    }
    try {
      options.signal?.throwIfAborted();
      checkSessionAgainstSpec(spec, session);
    } catch (e) {
      await session.release();
      throw e;
    }
    const reason = backend === 'webgpu' ? `WebGPU adapter found${adapterText}` : wasmReason(preferred, skipped);
    return new OrtWebRunner(spec, session, ort, backend, reason);
  }

  // Only a refusal on wasm, the CPU baseline, says the file is bad; a WebGPU-only failure may be
  // the GPU's or the ORT build's.
  const wasmFailure = failures.find((f) => f.backend === 'wasm');
  if (wasmFailure) {
    throw new TesseraError(
      'model-mismatch',
      `The model file for "${spec.id}" could not be loaded (${errorText(wasmFailure.error)}). ` +
        'It may be damaged or made for another runtime: delete it and download it again.',
      { cause: wasmFailure.error, details: { model: spec.id, attempts: skipped, expected: [...spec.inputs, ...spec.outputs].map(describeTensorSpec) } },
    );
  }
  throw new TesseraError('internal', `Model "${spec.id}" cannot run here: ${skipped.join('; ')}. Allow the wasm backend, or use a browser with WebGPU.`, {
    cause: failures[0]?.error,
    details: { model: spec.id, attempts: skipped, preferred },
  });
}

function wasmReason(preferred: readonly OrtExecutionProvider[], skipped: readonly string[]): string {
  if (!preferred.includes('webgpu')) return 'wasm (CPU) was asked for; WebGPU was not tried';
  return `${skipped.join('; ')}; running on wasm (CPU)`;
}

type WebGpuProbe = { ok: true; adapter: string } | { ok: false; reason: string };

async function probeWebGpu(gpu: GpuLike | null | undefined): Promise<WebGpuProbe> {
  if (!gpu) return { ok: false, reason: 'no WebGPU in this environment (navigator.gpu is missing)' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return { ok: false, reason: `asking for a WebGPU adapter failed (${errorText(e)})` };
  }
  if (!adapter) return { ok: false, reason: 'WebGPU gave no adapter (the GPU may be blocklisted or WebGPU disabled)' };
  const info = [adapter.info?.vendor, adapter.info?.architecture].filter((s) => s).join(' ');
  return { ok: true, adapter: info ? ` (${info})` : '' };
}

function navigatorGpu(): GpuLike | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One ORT session, created once and reused; runs are queued because a session runs one at a time. */
class OrtWebRunner implements ModelRunner {
  readonly id: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private queue: Promise<void> = Promise.resolve();
  private releasing: Promise<void> | null = null;

  constructor(
    private readonly spec: ModelSpec,
    private readonly session: OrtSessionLike,
    private readonly ort: OrtModule,
    readonly backend: OrtExecutionProvider,
    readonly backendReason: string,
  ) {
    this.id = spec.id;
    this.inputNames = [...session.inputNames];
    this.outputNames = [...session.outputNames];
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
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new this.ort.Tensor(t.type, t.data, t.dims);
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
    return new TesseraError('internal', `Model "${this.id}" failed while running on ${BACKEND_LABEL[this.backend]}: ${text}`, {
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
