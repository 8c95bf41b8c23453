import { assert } from '../../core/errors.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import { loadOnnxruntimeWeb, type OrtExecutionProvider, type OrtModule, type OrtSessionLike, type OrtSessionOptions } from './ort-module.js';
import { acceptSession, errorText, noBackendError, OrtSessionRunner, requireOnnxModelBytes, type BackendFailure } from './ort-session-runner.js';

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

  requireOnnxModelBytes(spec, modelBytes);

  const ort = options.ort ?? (await loadOnnxruntimeWeb());
  const gpu = options.gpu === undefined ? navigatorGpu() : options.gpu;
  const skipped: string[] = [];
  const failures: BackendFailure[] = [];

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
    await acceptSession(spec, session, options.signal);
    const reason = backend === 'webgpu' ? `WebGPU adapter found${adapterText}` : wasmReason(preferred, skipped);
    return new OrtSessionRunner({ spec, session, Tensor: ort.Tensor, backend, backendLabel: BACKEND_LABEL[backend], backendReason: reason });
  }

  throw noBackendError(spec, skipped, failures, 'wasm', 'Allow the wasm backend, or use a browser with WebGPU.');
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
