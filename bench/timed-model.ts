import type { ModelRunner } from '../src/runtime/model-runner.js';
import type { SdxsModel } from '../src/runtime/sdxs/sdxs-pipeline.js';

/** The same model with every run's wall time reported to `onRun` (model id, ms), to split model time from ours. */
export function timedModel(model: SdxsModel, onRun: (id: string, ms: number) => void): SdxsModel {
  const inner = model.runner;
  const runner: ModelRunner = {
    id: inner.id,
    backend: inner.backend,
    backendReason: inner.backendReason,
    inputNames: inner.inputNames,
    outputNames: inner.outputNames,
    run: async (feeds, options) => {
      const t0 = performance.now();
      try {
        return await inner.run(feeds, options);
      } finally {
        onRun(inner.id, performance.now() - t0);
      }
    },
    release: () => inner.release(),
  };
  return { runner, spec: model.spec };
}
