import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../src/runtime/model-runner.js';
import { createOrtNodeRunner } from '../../src/runtime/onnx/ort-node-runner.js';
import { decodeInferResponse, encodeInferRequest } from '../../src/runtime/remote/inference-codec.js';
import { INFERENCE_HEADER_CONTENT_LENGTH } from '../../src/runtime/remote/inference-protocol.js';
import type { Tensor } from '../../src/runtime/tensor.js';
import { createWorkerRunnerFactory } from '../../src/runtime/worker/worker-runner.js';
import { startInferenceServer, type InferenceServer } from '../../src/server/inference-server.js';
import { maxAbsDiff, slowMatMulFixture } from '../fixtures/onnx/index.js';
import { hooked, servedFixture } from './served-fixtures.js';

/**
 * What the server does while a model computes for a long time. onnxruntime-node's run is
 * synchronous native work, so on the server's own thread it holds up every other request;
 * `tessera serve` runs each model in a worker thread, and these tests show both. The slow model
 * takes about 1.5 s on a 2-core machine (86 GFLOP); the orders asserted need far less than that.
 */
const slow = slowMatMulFixture({ size: 1024, depth: 40 });
const tiny = servedFixture('text-encoder');
const servers: InferenceServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

interface SlowServer {
  readonly server: InferenceServer;
  /** Resolves when the slow model's next run starts. */
  nextRunStart(): Promise<void>;
  /** What happened, in order: the slow model's runs starting and ending, its release, and what the test notes. */
  readonly events: string[];
  /** Notes `name` in `events` when `p` resolves. */
  note<T>(name: string, p: Promise<T>): Promise<T>;
}

async function serveSlowModel(createRunner: (spec: typeof slow.spec, bytes: Uint8Array) => Promise<ModelRunner>): Promise<SlowServer> {
  let started: () => void = () => {};
  const events: string[] = [];
  const slowRunner = hooked(await createRunner(slow.spec, slow.bytes.slice()), {
    onRun: (event) => {
      events.push(`run ${event === 'start' ? 'started' : 'ended'}`);
      if (event === 'start') started();
    },
    onRelease: () => void events.push('released'),
  });
  const tinyRunner = await createRunner({ ...tiny.fixture.spec, id: tiny.name }, tiny.fixture.bytes.slice());
  const server = await startInferenceServer({
    models: [
      { name: 'slow', spec: slow.spec, runner: slowRunner },
      { name: tiny.name, spec: tiny.fixture.spec, runner: tinyRunner },
    ],
    port: 0,
  });
  servers.push(server);
  return {
    server,
    events,
    note: (name, p) => p.then((v) => (events.push(name), v)),
    nextRunStart: () => new Promise<void>((resolve) => (started = resolve)),
  };
}

/** POST …/infer with binary tensors; resolves with the outputs once the whole answer is in. */
async function infer(server: InferenceServer, model: string, feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<Record<string, Tensor>> {
  const body = encodeInferRequest(feeds, { binaryFromBytes: 0, outputs: [] });
  const res = await fetch(`${server.url}/v2/models/${model}/infer`, {
    method: 'POST',
    headers: { 'content-type': body.contentType, ...(body.headerLength === null ? {} : { [INFERENCE_HEADER_CONTENT_LENGTH]: String(body.headerLength) }) },
    body: body.bytes,
    signal,
  });
  expect(res.status).toBe(200);
  return decodeInferResponse(new Uint8Array(await res.arrayBuffer()), res.headers.get(INFERENCE_HEADER_CONTENT_LENGTH)).outputs;
}

describe('tessera serve while a model computes for a long time', () => {
  it('with the model on the server’s own thread, health waits until the inference is over (why models run in workers)', async () => {
    const { server, nextRunStart, events, note } = await serveSlowModel((spec, bytes) => createOrtNodeRunner(spec, bytes, { preferred: ['cpu'] }));
    const started = nextRunStart();
    const inference = infer(server, 'slow', slow.sampleFeeds(1));
    await started;
    await note('health answered', fetch(`${server.url}/v2/health/ready`));
    await inference;
    expect(events).toEqual(['run started', 'run ended', 'health answered']);
  });

  it('with each model in a worker thread, health, metadata and another model answer while it computes', async () => {
    const { server, nextRunStart, events, note } = await serveSlowModel(createWorkerRunnerFactory({ preferred: ['cpu'], transferInputs: true }));
    const feeds = slow.sampleFeeds(2);
    const expected = slow.reference(feeds).y;
    const started = nextRunStart();
    const inference = infer(server, 'slow', feeds);
    await started;
    // Let the worker get well into the run (it takes ~1.5 s) before asking.
    await new Promise((r) => setTimeout(r, 100));
    const health = await note('health answered', fetch(`${server.url}/v2/health/ready`));
    expect(await health.json()).toEqual({ ready: true });
    const metadata = await note('metadata answered', fetch(`${server.url}/v2/models/slow`));
    expect(await metadata.json()).toMatchObject({ name: 'slow', inputs: [{ name: 'x', datatype: 'FP32', shape: [1024, 1024] }] });
    const tinyFeeds = tiny.fixture.sampleFeeds(3);
    const other = await note('other model answered', infer(server, tiny.name, tinyFeeds));
    expect(maxAbsDiff(other.last_hidden_state, tiny.fixture.reference(tinyFeeds).last_hidden_state)).toBeLessThan(1e-4);
    const outputs = await inference;
    expect(events).toEqual(['run started', 'health answered', 'metadata answered', 'other model answered', 'run ended']);
    expect(maxAbsDiff(outputs.y, expected)).toBeLessThan(1e-3);
  });

  it('with workers, close() answers the inference in flight, then releases the model', async () => {
    const { server, nextRunStart, events, note } = await serveSlowModel(createWorkerRunnerFactory({ preferred: ['cpu'], transferInputs: true }));
    const started = nextRunStart();
    const inference = infer(server, 'slow', slow.sampleFeeds(3));
    await started;
    await note('closed', server.close());
    expect(await inference).toHaveProperty('y');
    expect(events).toEqual(['run started', 'run ended', 'released', 'closed']);
  });

  it('with workers, a client that goes away mid-run leaves the model serving the next request', async () => {
    const { server, nextRunStart } = await serveSlowModel(createWorkerRunnerFactory({ preferred: ['cpu'], transferInputs: true }));
    const controller = new AbortController();
    const started = nextRunStart();
    const abandoned = infer(server, 'slow', slow.sampleFeeds(4), controller.signal);
    await started;
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    const feeds = slow.sampleFeeds(5);
    expect(maxAbsDiff((await infer(server, 'slow', feeds)).y, slow.reference(feeds).y)).toBeLessThan(1e-3);
  });
});
