import { TesseraError } from '../../core/errors.js';
import {
  checkFeedsAgainstSpec,
  checkOutputsAgainstSpec,
  describeSpecAndSession,
  sessionSpecProblems,
  type ModelRunner,
  type ModelSpec,
  type RunOptions,
} from '../model-runner.js';
import type { Tensor } from '../tensor.js';
import { decodeInferResponse, encodeInferRequest } from './inference-codec.js';
import { EXECUTION_PROVIDER_PARAMETER, EXECUTION_PROVIDER_REASON_PARAMETER } from './inference-protocol.js';
import { signatureOfMetadata } from './model-metadata.js';
import type { RemoteServer } from './remote-server.js';
import { WireFormatError } from './wire-body.js';

export interface RemoteRunnerOptions {
  readonly server: RemoteServer;
  /** The served model's name (`servedModelName(modelId, role)` for manifest files). */
  readonly model: string;
  /** Inputs of at least this many bytes travel as binary tensor data, smaller ones as JSON (default 16 KiB). */
  readonly binaryFromBytes?: number;
  readonly signal?: AbortSignal;
}

/**
 * A ModelRunner whose model runs on an Open Inference Protocol server (`tessera serve`, Triton,
 * KServe). Creating it asks the server whether the model is ready and checks its metadata against
 * the spec, as a local runner checks its file; each run checks the feeds, sends them (binary
 * tensor data for large tensors where the server takes it), and checks the outputs.
 *
 * Throws `model-missing` when the server does not have the model ready, `model-mismatch` when its
 * tensors differ from the spec, `network` when the server cannot be reached or answers wrongly.
 */
export async function createRemoteRunner(spec: ModelSpec, options: RemoteRunnerOptions): Promise<ModelRunner> {
  const { server, model, signal } = options;
  const { client } = server;
  if (!(await client.modelReady(model, signal))) {
    throw new TesseraError(
      'model-missing',
      `The inference server at ${server.url} has no model "${model}" ready (needed for ${spec.id}). Serve it ("tessera serve --models …") or deploy it (docs/triton.md).`,
      { details: { server: server.url, model, spec: spec.id, reason: 'not-ready' } },
    );
  }
  const metadata = await client.modelMetadata(model, signal);
  const signature = signatureOfMetadata(metadata);
  const problems = sessionSpecProblems(spec, signature);
  if (problems.length > 0) {
    const { expected, actual } = describeSpecAndSession(spec, signature);
    throw new TesseraError(
      'model-mismatch',
      `Model "${model}" on the inference server at ${server.url} is not what Tessera expects for ${spec.id}: ${problems.join('; ')}. ` +
        'Deploy the file the manifest names (docs/triton.md), or update Tessera.',
      { details: { server: server.url, model, spec: spec.id, problems, expected, actual } },
    );
  }
  const provider = metadata.parameters?.[EXECUTION_PROVIDER_PARAMETER];
  const providerReason = metadata.parameters?.[EXECUTION_PROVIDER_REASON_PARAMETER];
  const on = typeof provider === 'string' ? ` on ${provider}` : metadata.platform ? ` (${metadata.platform})` : '';
  const why = typeof providerReason === 'string' ? `: ${providerReason}` : '';
  return new RemoteRunner(spec, server, model, options.binaryFromBytes ?? 16 * 1024, `${server.metadata.name} ${server.metadata.version} at ${server.url}, model "${model}"${on}${why}`);
}

class RemoteRunner implements ModelRunner {
  readonly id: string;
  readonly backend = 'remote';
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly inFlight = new Set<Promise<unknown>>();
  private released = false;

  constructor(
    private readonly spec: ModelSpec,
    private readonly server: RemoteServer,
    private readonly model: string,
    private readonly binaryFromBytes: number,
    readonly backendReason: string,
  ) {
    this.id = spec.id;
    this.inputNames = spec.inputs.map((t) => t.name);
    this.outputNames = spec.outputs.map((t) => t.name);
  }

  run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    if (this.released) return Promise.reject(new Error(`Assertion failed: model ${this.id} was run after release()`));
    const run = this.runNow(feeds, options.signal);
    this.inFlight.add(run);
    const forget = () => void this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Nothing is held on the server per client; waits for runs in progress, as local runners do. */
  async release(): Promise<void> {
    this.released = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private async runNow(feeds: Readonly<Record<string, Tensor>>, signal: AbortSignal | undefined): Promise<Record<string, Tensor>> {
    signal?.throwIfAborted();
    const bound = checkFeedsAgainstSpec(this.spec, feeds);
    const binary = this.server.binaryTensorData;
    let body;
    try {
      body = encodeInferRequest(feeds, {
        binaryFromBytes: binary ? this.binaryFromBytes : null,
        outputs: this.spec.outputs.map((t) => ({ name: t.name, binary })),
      });
    } catch (e) {
      if (!(e instanceof WireFormatError)) throw e;
      throw new TesseraError('invalid-input', `Model "${this.model}" cannot be run on the inference server at ${this.server.url}: ${e.message}.`, {
        cause: e,
        details: { server: this.server.url, model: this.model },
      });
    }
    const answer = await this.server.client.infer(this.model, body, signal);
    let outputs: Record<string, Tensor>;
    try {
      outputs = decodeInferResponse(answer.body, answer.headerLength).outputs;
    } catch (e) {
      if (e instanceof WireFormatError) throw this.server.client.unreadable('inference response', e, this.model);
      throw e;
    }
    signal?.throwIfAborted();
    checkOutputsAgainstSpec(this.spec, outputs, bound);
    return outputs;
  }
}
