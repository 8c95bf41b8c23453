import type { ModelRunner } from '../runtime/model-runner.js';
import type { CreateRunner, RunnerSource } from '../runtime/models/model-file-runner.js';
import type { FetchLike } from '../runtime/remote/inference-client.js';
import { remoteRunnerSource } from '../runtime/remote/remote-runner-source.js';
import { usageError } from './args.js';

/**
 * `--server URL [--token T]`, for every command that runs models (generate, upscale): the models
 * run on an Open Inference Protocol server (`tessera serve`, Triton, KServe) instead of in this
 * process. Spread SERVER_FLAGS into the command's parseCommandArgs options and SERVER_HELP into
 * its help; `runnerSourceFromFlags` then gives the loader its RunnerSource.
 */
export const SERVER_FLAGS = {
  server: { type: 'string' },
  token: { type: 'string' },
} as const;

export const SERVER_HELP = `  --server URL        run the models on an inference server instead: "tessera serve" on this or
                      another machine, or NVIDIA Triton / KServe (docs/triton.md). Only the
                      tokenizer files need to be installed here then
  --token T           the server's token (default $TESSERA_TOKEN)
`;

export interface ServerFlagValues {
  readonly server?: string;
  readonly token?: string;
}

export interface RunnerSourceDeps {
  readonly env: Record<string, string | undefined>;
  /** Loads a model file here when no --server is given. */
  readonly createRunner: CreateRunner;
  /** The remote client's fetch; default the platform's. */
  readonly fetch?: FetchLike;
  readonly signal?: AbortSignal;
}

export function runnerSourceFromFlags(values: ServerFlagValues, deps: RunnerSourceDeps): RunnerSource {
  if (values.server === undefined) {
    if (values.token !== undefined) throw usageError('--token goes with --server URL.');
    return { where: 'local', createRunner: deps.createRunner };
  }
  return remoteRunnerSource({
    url: values.server,
    token: values.token ?? deps.env.TESSERA_TOKEN,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

/** The same source, noting every runner it opens, so the command can say what ran its models. */
export function recordingRunners(source: RunnerSource, opened: ModelRunner[]): RunnerSource {
  if (source.where === 'local') {
    return { where: 'local', createRunner: async (spec, bytes) => keep(opened, await source.createRunner(spec, bytes)) };
  }
  return { where: 'remote', openRunner: async (spec, ref) => keep(opened, await source.openRunner(spec, ref)) };
}

function keep(opened: ModelRunner[], runner: ModelRunner): ModelRunner {
  opened.push(runner);
  return runner;
}

/** "cpu (CUDA not used: …; running on CPU)": one line per distinct backend, for the command's report. */
export function describeBackends(runners: readonly ModelRunner[]): string {
  const seen = new Map<string, string>();
  for (const r of runners) if (!seen.has(r.backend)) seen.set(r.backend, r.backendReason);
  return [...seen].map(([backend, reason]) => `${backend} (${reason})`).join('; ');
}
