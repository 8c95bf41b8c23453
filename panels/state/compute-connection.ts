import { toTesseraError } from '../../src/core/errors.js';
import type { Manifest } from '../../src/runtime/models/manifest.js';
import type { CreateRunner, RunnerSource } from '../../src/runtime/models/model-file-runner.js';
import type { FetchLike } from '../../src/runtime/remote/inference-client.js';
import { remoteRunnerSource } from '../../src/runtime/remote/remote-runner-source.js';
import { connectInferenceServer, describeInferenceServer } from '../../src/runtime/remote/remote-server.js';
import { servedModelName } from '../../src/runtime/remote/served-model-name.js';
import type { ComputeSettings, ComputeStatus } from './panel-state.js';

/** How long "Test connection" waits for each answer: a server that is there answers at once. */
const TEST_TIMEOUT_MS = 5000;

/** The served names of every ONNX file in the manifest: asked for one by one where a server has no repository index. */
export function servedNamesOf(manifest: Manifest | undefined): string[] {
  return (manifest?.models ?? []).flatMap((m) => m.files.filter((f) => f.format === 'onnx').map((f) => servedModelName(m.id, f.role)));
}

/**
 * "Test connection": the server's name, version and address, and each model it serves with its
 * execution provider (`tessera serve`) or platform (Triton), as a status for the panel. Never
 * throws: a failure is a status with the error's message.
 */
export async function testComputeConnection(compute: ComputeSettings, options: { fetch?: FetchLike; manifest?: Manifest; signal?: AbortSignal } = {}): Promise<ComputeStatus> {
  try {
    const server = await connectInferenceServer({
      url: compute.serverUrl,
      token: compute.token,
      timeoutMs: TEST_TIMEOUT_MS,
      retries: 0,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const report = await describeInferenceServer(server, servedNamesOf(options.manifest), options.signal);
    return {
      kind: 'connected',
      server: `${report.name} ${report.version} at ${report.url}`,
      models: report.models.map((m) => ({
        name: m.name,
        ready: m.ready,
        detail: !m.ready ? (m.problem ?? 'not ready') : m.executionProvider ? `${m.executionProvider}${m.executionProviderReason ? ` (${m.executionProviderReason})` : ''}` : (m.platform ?? 'ready'),
      })),
    };
  } catch (e) {
    return { kind: 'failed', message: toTesseraError(e).userMessage };
  }
}

/** Where Generate's models run for these settings: the page's own runner, or the server. */
export function computeRunnerSource(compute: ComputeSettings, createRunner: CreateRunner, options: { fetch?: FetchLike; signal?: AbortSignal } = {}): RunnerSource {
  if (compute.where === 'local') return { where: 'local', createRunner };
  return remoteRunnerSource({
    url: compute.serverUrl,
    token: compute.token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
