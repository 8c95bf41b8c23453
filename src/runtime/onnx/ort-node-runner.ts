import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { assert } from '../../core/errors.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import { loadOnnxruntimeNode, type OrtNodeExecutionProvider, type OrtNodeModule } from './ort-node-module.js';
import type { OrtSessionLike, OrtSessionOptions } from './ort-module.js';
import { acceptSession, errorText, noBackendError, OrtSessionRunner, requireOnnxModelBytes, type BackendFailure } from './ort-session-runner.js';

export interface OrtNodeRunnerOptions {
  /** Providers to try, in order; default `defaultNodeProviders()` for this platform. */
  preferred?: readonly OrtNodeExecutionProvider[];
  /** Default onnxruntime-node, loaded on first use. */
  ort?: OrtNodeModule;
  /** Where the platform's provider libraries would be; default beside the installed binding. */
  providerLibraryDir?: string | null;
  /** Providers that already failed in this process, with why: skipped without another try. */
  knownFailures?: Map<OrtNodeExecutionProvider, string>;
  sessionOptions?: Omit<OrtSessionOptions<OrtNodeExecutionProvider>, 'executionProviders'>;
  signal?: AbortSignal;
}

export const PROVIDER_LABEL: Record<OrtNodeExecutionProvider, string> = {
  cuda: 'CUDA',
  tensorrt: 'TensorRT',
  dml: 'DirectML',
  coreml: 'Core ML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

/**
 * GPU first, CPU last, per platform. TensorRT is left out unless asked for: it builds an engine
 * per model on first load (minutes), which a user who did not ask for it would take for a hang.
 */
export function defaultNodeProviders(platform: string = process.platform): OrtNodeExecutionProvider[] {
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu'];
  return ['cuda', 'webgpu', 'cpu'];
}

/**
 * Loads `modelBytes` with onnxruntime-node, trying each provider in turn: one this build does
 * not have is skipped, one whose libraries onnxruntime-node's install step did not fetch (CUDA,
 * TensorRT, when installed with `onnxruntime-node-install=skip`) is skipped with that reason, and
 * one that fails to create the session is recorded and passed over. The runner's `backend` is the
 * provider that loaded it and `backendReason` says why the ones before it were not used.
 *
 * Throws as createOrtWebRunner does: `unsupported-format`, `model-mismatch` (the CPU provider
 * refused the file, or its tensors differ from the spec), `internal` (no provider could run).
 */
export async function createOrtNodeRunner(spec: ModelSpec, modelBytes: Uint8Array, options: OrtNodeRunnerOptions = {}): Promise<ModelRunner> {
  options.signal?.throwIfAborted();
  requireOnnxModelBytes(spec, modelBytes);
  const ort = options.ort ?? (await loadOnnxruntimeNode());
  const preferred = [...new Set(options.preferred ?? defaultNodeProviders())];
  assert(preferred.length > 0, 'createOrtNodeRunner needs at least one execution provider');
  const available = new Map(ort.listSupportedBackends().map((b) => [b.name, b.bundled]));
  const libraryDir = options.providerLibraryDir === undefined ? bindingDir() : options.providerLibraryDir;
  const skipped: string[] = [];
  const failures: BackendFailure[] = [];

  for (const provider of preferred) {
    options.signal?.throwIfAborted();
    const label = PROVIDER_LABEL[provider];
    const bundled = available.get(provider);
    if (bundled === undefined) {
      skipped.push(`${label} not used: this onnxruntime-node build has no ${label} provider on ${process.platform}/${process.arch}`);
      continue;
    }
    if (!bundled && !hasProviderLibrary(provider, libraryDir)) {
      skipped.push(
        `${label} not used: onnxruntime-node was installed without its ${label} libraries ` +
          `(its install step downloads them; this install skipped it, and Tessera downloads nothing)`,
      );
      continue;
    }
    const known = options.knownFailures?.get(provider);
    if (known !== undefined) {
      skipped.push(`${label} not used: ${known}`);
      continue;
    }
    let session: OrtSessionLike;
    try {
      // Errors only: warnings (nodes placed on the CPU beside a GPU provider) would clutter the CLI.
      session = await ort.InferenceSession.create(modelBytes, { logSeverityLevel: 3, ...options.sessionOptions, executionProviders: [provider] });
    } catch (e) {
      failures.push({ backend: provider, error: e });
      const why = `failed to load the model (${firstLine(errorText(e))})`;
      options.knownFailures?.set(provider, `${why} for an earlier model`);
      skipped.push(`${label} ${why}`);
      continue;
    }
    await acceptSession(spec, session, options.signal);
    const reason =
      skipped.length > 0 ? `${skipped.join('; ')}; running on ${label}` : preferred.length === 1 ? `${label} was asked for` : `${label}, the first choice, loaded the model`;
    return new OrtSessionRunner({ spec, session, Tensor: ort.Tensor, backend: provider, backendLabel: `onnxruntime-node ${label}`, backendReason: reason });
  }

  throw noBackendError(spec, skipped, failures, 'cpu', 'Allow the CPU provider (--ep cpu).');
}

/** The folder of onnxruntime-node's native binding, where its optional provider libraries go. */
function bindingDir(): string | null {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return path.join(path.dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null; // not resolvable from here: every unbundled provider counts as absent
  }
}

function hasProviderLibrary(provider: OrtNodeExecutionProvider, dir: string | null): boolean {
  if (dir === null) return false;
  const file = process.platform === 'win32' ? `onnxruntime_providers_${provider}.dll` : `libonnxruntime_providers_${provider}.so`;
  return existsSync(path.join(dir, file));
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
