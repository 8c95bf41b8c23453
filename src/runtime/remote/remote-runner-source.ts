import type { RunnerSource } from '../models/model-file-runner.js';
import { createRemoteRunner } from './remote-runner.js';
import { connectInferenceServer, type ConnectOptions, type RemoteServer } from './remote-server.js';
import { servedModelName } from './served-model-name.js';

/**
 * A RunnerSource that runs every manifest ONNX file on one server, under its served name. The
 * server is connected on the first runner opened (not before: a pipeline that fails earlier,
 * on a missing tokenizer, should say that), then shared by all.
 */
export function remoteRunnerSource(options: ConnectOptions): RunnerSource & { server(): Promise<RemoteServer> } {
  let connecting: Promise<RemoteServer> | null = null;
  const server = () => {
    // A failed connection is forgotten, so a later runner tries again.
    connecting ??= connectInferenceServer(options).catch((e: unknown) => {
      connecting = null;
      throw e;
    });
    return connecting;
  };
  return {
    where: 'remote',
    server,
    openRunner: async (spec, { model, file }) =>
      createRemoteRunner(spec, { server: await server(), model: servedModelName(model.id, file.role), signal: options.signal }),
  };
}
