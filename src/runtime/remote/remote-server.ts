import { TesseraError } from '../../core/errors.js';
import { InferenceClient, type InferenceClientOptions } from './inference-client.js';
import { BINARY_TENSOR_DATA_EXTENSION, EXECUTION_PROVIDER_PARAMETER, EXECUTION_PROVIDER_REASON_PARAMETER, type ServerMetadata } from './inference-protocol.js';

/** A server that answered: its client, what it says about itself, and whether it takes binary tensor data. */
export interface RemoteServer {
  readonly url: string;
  readonly client: InferenceClient;
  readonly metadata: ServerMetadata;
  readonly binaryTensorData: boolean;
}

export interface ConnectOptions extends InferenceClientOptions {
  readonly signal?: AbortSignal;
}

/**
 * Checks the server is ready (GET /v2/health/ready) and reads its metadata (GET /v2). Throws
 * `network` when it cannot be reached, refuses the token, or is not ready yet.
 */
export async function connectInferenceServer(options: ConnectOptions): Promise<RemoteServer> {
  const client = new InferenceClient(options);
  if (!(await client.serverReady(options.signal))) {
    throw new TesseraError('network', `The inference server at ${client.url} is not ready (still loading its models, or stopping). Try again in a moment.`, {
      details: { server: client.url, reason: 'not-ready' },
    });
  }
  const metadata = await client.serverMetadata(options.signal);
  return { url: client.url, client, metadata, binaryTensorData: metadata.extensions.includes(BINARY_TENSOR_DATA_EXTENSION) };
}

export interface ServedModelReport {
  readonly name: string;
  readonly ready: boolean;
  /** The server's word for the model's state, where it gives one (Triton: READY, UNAVAILABLE…). */
  readonly state?: string;
  readonly platform?: string;
  /** `tessera serve` says which ONNX Runtime provider runs the model, and why; other servers do not. */
  readonly executionProvider?: string;
  readonly executionProviderReason?: string;
  /** Why the model is not ready, or its metadata could not be read. */
  readonly problem?: string;
}

export interface ServerReport {
  readonly url: string;
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
  readonly models: readonly ServedModelReport[];
}

/**
 * What a "Test connection" shows: the server, each of its models with its state and execution
 * provider. The models come from the repository index where the server has one (Triton,
 * `tessera serve`); otherwise `expected` (the names Tessera would use) are asked for one by one.
 */
export async function describeInferenceServer(server: RemoteServer, expected: readonly string[] = [], signal?: AbortSignal): Promise<ServerReport> {
  const index = await server.client.repositoryIndex(signal);
  const names = index ? index.map((m) => m.name) : [...expected];
  const models: ServedModelReport[] = [];
  for (const name of [...new Set(names)]) {
    const state = index?.find((m) => m.name === name)?.state;
    const ready = await server.client.modelReady(name, signal);
    if (!ready) {
      models.push({ name, ready, ...(state ? { state } : {}), problem: index?.find((m) => m.name === name)?.reason ?? 'not ready on this server' });
      continue;
    }
    const metadata = await server.client.modelMetadata(name, signal);
    const provider = metadata.parameters?.[EXECUTION_PROVIDER_PARAMETER];
    const reason = metadata.parameters?.[EXECUTION_PROVIDER_REASON_PARAMETER];
    models.push({
      name,
      ready,
      ...(state ? { state } : {}),
      ...(metadata.platform ? { platform: metadata.platform } : {}),
      ...(typeof provider === 'string' ? { executionProvider: provider } : {}),
      ...(typeof reason === 'string' ? { executionProviderReason: reason } : {}),
    });
  }
  return { url: server.url, name: server.metadata.name, version: server.metadata.version, extensions: server.metadata.extensions, models };
}
