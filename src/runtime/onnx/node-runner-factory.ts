import type { ModelRunner, ModelSpec, RunOptions } from '../model-runner.js';
import type { Tensor } from '../tensor.js';
import { loadOnnxruntimeNode, type OrtNodeExecutionProvider, type OrtNodeModule } from './ort-node-module.js';
import { createOrtNodeRunner } from './ort-node-runner.js';
import { errorText } from './ort-session-runner.js';
import { createOrtWebRunner } from './ort-web-runner.js';

export type CreateRunner = (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;

export interface NodeRunnerFactoryOptions {
  /** Execution providers for onnxruntime-node, in order; default GPU first for the platform. */
  readonly preferred?: readonly OrtNodeExecutionProvider[];
  /** Default: import onnxruntime-node. Tests pass a failing loader to see the wasm fallback. */
  readonly loadNode?: () => Promise<OrtNodeModule>;
  /** Providers that already failed, with why; the factory adds to it. Pass one map to share it between factories (one per worker thread). */
  readonly knownFailures?: Map<OrtNodeExecutionProvider, string>;
}

/**
 * How Node code (the CLI, `tessera serve`) loads a model: onnxruntime-node when its native
 * addon loads, with its GPU providers tried first; onnxruntime-web's wasm build otherwise, saying
 * why. onnxruntime-node is loaded once per factory, and a provider that fails for one model is
 * not tried again for the next.
 */
export function createNodeRunnerFactory(options: NodeRunnerFactoryOptions = {}): CreateRunner {
  let loading: Promise<OrtNodeModule | { failed: string }> | null = null;
  const knownFailures = options.knownFailures ?? new Map<OrtNodeExecutionProvider, string>();
  return async (spec, bytes) => {
    loading ??= (options.loadNode ?? loadOnnxruntimeNode)().catch((e: unknown) => ({ failed: errorText(e) }));
    const ort = await loading;
    if (!('failed' in ort)) return createOrtNodeRunner(spec, bytes, { ort, preferred: options.preferred, knownFailures });
    const runner = await createOrtWebRunner(spec, bytes, { preferred: ['wasm'] });
    return withReason(runner, `onnxruntime-node did not load (${ort.failed}); running on onnxruntime-web wasm (CPU)`);
  };
}

function withReason(runner: ModelRunner, backendReason: string): ModelRunner {
  return {
    id: runner.id,
    backend: runner.backend,
    backendReason,
    inputNames: runner.inputNames,
    outputNames: runner.outputNames,
    run: (feeds: Readonly<Record<string, Tensor>>, runOptions?: RunOptions) => runner.run(feeds, runOptions),
    release: () => runner.release(),
  };
}
