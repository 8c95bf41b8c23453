import { afterEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import type { FetchLike } from '../../../src/runtime/remote/inference-client.js';
import { createRemoteRunner } from '../../../src/runtime/remote/remote-runner.js';
import { connectInferenceServer } from '../../../src/runtime/remote/remote-server.js';
import { startInferenceServer, type InferenceServer, type InferenceServerOptions } from '../../../src/server/inference-server.js';
import { maxAbsDiff } from '../../fixtures/onnx/index.js';
import { startChildServer, type ChildServer } from '../../server/child-server.js';
import { hooked, loadTinyServedModels, servedFixture, type RunnerHooks } from '../../server/served-fixtures.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(options: Partial<InferenceServerOptions> = {}, hooks: RunnerHooks = {}): Promise<InferenceServer> {
  const server = await startInferenceServer({ models: await loadTinyServedModels((r) => hooked(r, hooks)), port: 0, ...options });
  cleanups.push(() => server.close());
  return server;
}

async function caught(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

function countingFetch(): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  return { calls, fetch: (url, init) => (calls.push(`${init.method} ${new URL(url).pathname}`), fetch(url, init)) };
}

const unet = servedFixture('unet');

describe('remote runner faults: each a clear TesseraError, never a hang', () => {
  it('server not running: network (connection refused), after the retries, naming the server', async () => {
    const gone = await startInferenceServer({ models: [], port: 0 });
    await gone.close();
    const { fetch, calls } = countingFetch();
    const e = await caught(connectInferenceServer({ url: gone.url, fetch, retries: 2, retryDelayMs: 5 }));
    expect(e.code).toBe('network');
    expect(e.details).toMatchObject({ server: gone.url, reason: 'refused' });
    expect(e.userMessage).toContain(`nothing answers at ${gone.url}`);
    expect(calls).toEqual(['GET /v2/health/ready', 'GET /v2/health/ready', 'GET /v2/health/ready']);
  });

  it('wrong or missing token: network (unauthorized), telling the user to give the token; health stays open', async () => {
    const server = await serve({ token: 'right-token' });
    for (const token of ['wrong-token', undefined]) {
      const e = await caught(connectInferenceServer({ url: server.url, token }));
      expect(e.code).toBe('network');
      expect(e.details).toMatchObject({ server: server.url, reason: 'unauthorized', status: 401 });
      expect(e.userMessage).toMatch(/refused the request \(401: wrong or missing token\)/);
    }
    expect(await (await fetch(`${server.url}/v2/health/ready`)).json()).toEqual({ ready: true });
    const remote = await connectInferenceServer({ url: server.url, token: 'right-token' });
    const runner = await createRemoteRunner(unet.fixture.spec, { server: remote, model: unet.name });
    const feeds = unet.fixture.sampleFeeds(1);
    expect(maxAbsDiff((await runner.run(feeds)).out_sample, unet.fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
  });

  it('a slow model past the timeout: network (timeout) naming the model, and the server keeps serving', async () => {
    const server = await serve({}, { delayMs: 400 });
    const impatient = await connectInferenceServer({ url: server.url, inferTimeoutMs: 50 });
    const runner = await createRemoteRunner(unet.fixture.spec, { server: impatient, model: unet.name });
    const e = await caught(runner.run(unet.fixture.sampleFeeds(1)));
    expect(e.code).toBe('network');
    expect(e.details).toMatchObject({ reason: 'timeout', model: unet.name, timeoutMs: 50 });
    expect(e.userMessage).toContain(`did not answer within 50 ms while running model "${unet.name}"`);
    const patient = await createRemoteRunner(unet.fixture.spec, { server: await connectInferenceServer({ url: server.url }), model: unet.name });
    const feeds = unet.fixture.sampleFeeds(2);
    expect(maxAbsDiff((await patient.run(feeds)).out_sample, unet.fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
  });

  it('a request over the size limit: invalid-input (413) naming the limit flag', async () => {
    const server = await serve({ maxRequestBytes: 40_000 });
    const encoder = servedFixture('vae-encoder'); // a 64×64 image: 48 KiB of input
    const runner = await createRemoteRunner(encoder.fixture.spec, { server: await connectInferenceServer({ url: server.url }), model: encoder.name });
    const e = await caught(runner.run(encoder.fixture.sampleFeeds(1)));
    expect(e.code).toBe('invalid-input');
    expect(e.details).toMatchObject({ reason: 'too-large', status: 413, model: encoder.name });
    expect(e.userMessage).toContain('--max-request-mb');
    // A request under the limit still runs.
    const small = await createRemoteRunner(unet.fixture.spec, { server: await connectInferenceServer({ url: server.url }), model: unet.name });
    await expect(small.run(unet.fixture.sampleFeeds(1))).resolves.toHaveProperty('out_sample');
  });

  it('cancellation: an aborted run rejects with the caller\'s AbortError', async () => {
    const server = await serve({}, { delayMs: 300 });
    const runner = await createRemoteRunner(unet.fixture.spec, { server: await connectInferenceServer({ url: server.url }), model: unet.name });
    const controller = new AbortController();
    const run = runner.run(unet.fixture.sampleFeeds(1), { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await expect(runner.run(unet.fixture.sampleFeeds(1), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a full queue answers 503, which an inference retries with backoff until it runs', async () => {
    const server = await serve({ maxQueuePerModel: 0 }, { delayMs: 150 });
    const { fetch, calls } = countingFetch();
    const remote = await connectInferenceServer({ url: server.url, fetch, retryDelayMs: 100, retries: 5 });
    const runner = await createRemoteRunner(unet.fixture.spec, { server: remote, model: unet.name });
    calls.length = 0;
    const feeds = [unet.fixture.sampleFeeds(1), unet.fixture.sampleFeeds(2)];
    const [a, b] = await Promise.all(feeds.map((f) => runner.run(f)));
    expect(maxAbsDiff(a.out_sample, unet.fixture.reference(feeds[0]).out_sample)).toBeLessThan(1e-5);
    expect(maxAbsDiff(b.out_sample, unet.fixture.reference(feeds[1]).out_sample)).toBeLessThan(1e-5);
    expect(calls.length).toBeGreaterThan(2); // at least one 503 was retried
  });

  describe('a server process killed mid-request', () => {
    let child: ChildServer;
    afterEach(async () => child?.kill());

    it('network (connection lost while the model ran), not retried and never a hang', async () => {
      child = await startChildServer({ SERVE_CHILD_DELAY_MS: '5000' });
      const { fetch, calls } = countingFetch();
      const remote = await connectInferenceServer({ url: child.url, fetch, retryDelayMs: 5 });
      const runner = await createRemoteRunner(unet.fixture.spec, { server: remote, model: unet.name });
      calls.length = 0;
      const started = child.nextLine('run start');
      const run = runner.run(unet.fixture.sampleFeeds(1));
      await started;
      await child.kill();
      const e = await caught(run);
      expect(e.code).toBe('network');
      expect(e.details).toMatchObject({ server: child.url, model: unet.name, reason: 'lost' });
      expect(e.userMessage).toContain(`was lost while model "${unet.name}" was running`);
      expect(calls).toEqual([`POST /v2/models/${unet.name}/infer`]);
    });
  });
});
