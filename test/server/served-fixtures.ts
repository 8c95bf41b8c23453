import type { ModelRunner, ModelSpec } from '../../src/runtime/model-runner.js';
import type { FileRole } from '../../src/runtime/models/manifest.js';
import { createOrtNodeRunner } from '../../src/runtime/onnx/ort-node-runner.js';
import { servedModelName } from '../../src/runtime/remote/served-model-name.js';
import type { ServedModel } from '../../src/server/served-model.js';
import type { OnnxFixture } from '../fixtures/onnx/index.js';
import { tinyModels } from '../fixtures/tiny-models.js';

interface TinyFile {
  readonly model: string;
  readonly name: string;
  readonly role: FileRole;
  readonly fixture: OnnxFixture;
}

/** The tiny models' ONNX files (test/fixtures/tiny-models.ts, default options): what a server serves, under their served names. */
function tinyFiles(): TinyFile[] {
  return Object.entries(tinyModels().files).flatMap(([model, files]) => files.flatMap(({ name, role, fixture }) => (fixture ? [{ model, name, role, fixture }] : [])));
}

/** The served name and the fixture behind it, for comparing a remote run with the reference. */
export function servedFixture(role: FileRole): { name: string; fixture: OnnxFixture } {
  const file = tinyFiles().find((f) => f.role === role)!;
  return { name: servedModelName(file.model, file.role), fixture: file.fixture };
}

/** Every tiny model loaded on onnxruntime-node's CPU provider, ready for startInferenceServer. */
export async function loadTinyServedModels(wrap: (runner: ModelRunner, name: string) => ModelRunner = (r) => r): Promise<ServedModel[]> {
  const models: ServedModel[] = [];
  for (const f of tinyFiles()) {
    const name = servedModelName(f.model, f.role);
    const spec: ModelSpec = { ...f.fixture.spec, id: `${f.model}/${f.name}` };
    models.push({ name, spec, runner: wrap(await createOrtNodeRunner(spec, f.fixture.bytes, { preferred: ['cpu'] }), name) });
  }
  return models;
}

export interface RunnerHooks {
  /** Waits this long before each run (a slow model). */
  readonly delayMs?: number;
  /** Told when a run starts and ends. */
  readonly onRun?: (event: 'start' | 'end') => void;
  /** Told when the runner is released. */
  readonly onRelease?: () => void;
}

/** A runner that takes its time and reports what happens to it: the slow model of the fault tests. */
export function hooked(runner: ModelRunner, hooks: RunnerHooks): ModelRunner {
  return {
    id: runner.id,
    backend: runner.backend,
    backendReason: runner.backendReason,
    inputNames: runner.inputNames,
    outputNames: runner.outputNames,
    run: async (feeds, options) => {
      hooks.onRun?.('start');
      try {
        if (hooks.delayMs) await new Promise((r) => setTimeout(r, hooks.delayMs));
        return await runner.run(feeds, options);
      } finally {
        hooks.onRun?.('end');
      }
    },
    release: async () => {
      hooks.onRelease?.();
      await runner.release();
    },
  };
}
