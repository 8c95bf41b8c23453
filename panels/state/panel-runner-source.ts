import { TesseraError } from '../../src/core/errors.js';
import type { ModelRunner } from '../../src/runtime/model-runner.js';
import type { RunnerSource } from '../../src/runtime/models/model-file-runner.js';
import { computeRunnerSource } from './compute-connection.js';
import type { PanelModelOptions } from './panel-model-options.js';
import type { ComputeSettings } from './panel-state.js';

const noRunner = (): Promise<ModelRunner> => Promise.reject(new TesseraError('internal', 'This page gives the panel no way to run models.'));

/** Where a job's models run for this Compute setting, with the page's runner and fetch (a page without a runner fails only when one is opened). */
export function panelRunnerSource(compute: ComputeSettings, models: PanelModelOptions | undefined, signal: AbortSignal): RunnerSource {
  return computeRunnerSource(compute, models?.createRunner ?? noRunner, { ...(models?.fetch ? { fetch: models.fetch } : {}), signal });
}
