import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import type { ModelRunner } from '../../../src/runtime/model-runner.js';
import type { CreateRunner } from '../../../src/runtime/models/model-file-runner.js';
import { createNodeRunnerFactory } from '../../../src/runtime/onnx/node-runner-factory.js';
import { createOrtNodeRunner } from '../../../src/runtime/onnx/ort-node-runner.js';
import { createTensor, type Tensor } from '../../../src/runtime/tensor.js';
import { createWorkerRunnerFactory } from '../../../src/runtime/worker/worker-runner.js';
import { maxAbsDiff, slowMatMulFixture, taesdEncoderFixture, unetFixture } from '../../fixtures/onnx/index.js';

const unet = unetFixture();

/** Runs `body` with a runner and releases it after, whatever happens. */
async function withRunner<T>(runner: ModelRunner, body: (r: ModelRunner) => Promise<T>): Promise<T> {
  try {
    return await body(runner);
  } finally {
    await runner.release();
  }
}

const copyOf = (feeds: Record<string, Tensor>): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, { ...t, data: t.data.slice() } as Tensor]));

describe('createWorkerRunnerFactory', () => {
  it('runs a model in a worker thread with the same outputs, names and backend as on this thread', async () => {
    const feeds = unet.sampleFeeds(3);
    const here = await createOrtNodeRunner(unet.spec, unet.bytes, { preferred: ['cpu'] });
    const expected = await withRunner(here, (r) => r.run(feeds));
    await withRunner(await createWorkerRunnerFactory({ preferred: ['cpu'] })(unet.spec, unet.bytes), async (worker) => {
      expect([worker.id, worker.backend, worker.backendReason]).toEqual([here.id, here.backend, here.backendReason]);
      expect([worker.inputNames, worker.outputNames]).toEqual([here.inputNames, here.outputNames]);
      const outputs = await worker.run(feeds);
      expect(Object.keys(outputs)).toEqual(['out_sample']);
      expect(outputs.out_sample.dims).toEqual(expected.out_sample.dims);
      expect(maxAbsDiff(outputs.out_sample, expected.out_sample)).toBe(0);
      expect(maxAbsDiff(outputs.out_sample, unet.reference(feeds).out_sample)).toBeLessThan(1e-4);
    });
  });

  it('chooses execution providers as createNodeRunnerFactory does, remembering a failed one from worker to worker', async () => {
    const models = [unet, taesdEncoderFixture()];
    const reasons = async (create: CreateRunner) => {
      const out: string[] = [];
      for (const m of models) out.push(await withRunner(await create(m.spec, m.bytes), async (r) => `${r.backend}: ${r.backendReason}`));
      return out;
    };
    // The platform's default order (GPU providers first); where one fails, the second model's reason says "for an earlier model".
    expect(await reasons(createWorkerRunnerFactory())).toEqual(await reasons(createNodeRunnerFactory()));
  });

  it('leaves the caller’s feeds and model bytes alone by default, and moves them uncopied with transferInputs', async () => {
    const bytes = unet.bytes.slice();
    const feeds = unet.sampleFeeds(4);
    const kept = copyOf(feeds);
    await withRunner(await createWorkerRunnerFactory({ preferred: ['cpu'] })(unet.spec, bytes), (r) => r.run(feeds));
    expect(bytes.byteLength).toBe(unet.bytes.byteLength);
    for (const [name, t] of Object.entries(feeds)) expect(t.data).toEqual(kept[name].data);

    const given = unet.bytes.slice();
    const moved = await createWorkerRunnerFactory({ preferred: ['cpu'], transferInputs: true })(unet.spec, given);
    await withRunner(moved, async (r) => {
      expect(given.byteLength).toBe(0); // the worker has the model's buffer now
      const outputs = await r.run(feeds);
      for (const t of Object.values(feeds)) expect(t.data.byteLength).toBe(0);
      expect(maxAbsDiff(outputs.out_sample, unet.reference(kept).out_sample)).toBeLessThan(1e-4);
      // The outputs came back moved too: each owns its buffer.
      expect(outputs.out_sample.data.byteLength).toBe(outputs.out_sample.data.buffer.byteLength);
    });
  });

  it('brings a TesseraError back across the thread with its code, message and details', async () => {
    await withRunner(await createWorkerRunnerFactory({ preferred: ['cpu'] })(unet.spec, unet.bytes), async (r) => {
      const feeds = { ...unet.sampleFeeds(1), sample: createTensor('float32', new Float32Array(4 * 7 * 7), [1, 4, 7, 7]) };
      const e = await r.run(feeds).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(TesseraError);
      expect(e).toMatchObject({ code: 'invalid-input', userMessage: expect.stringContaining('sample') });
      // The worker goes on serving after a failed run.
      expect((await r.run(unet.sampleFeeds(2))).out_sample.dims).toEqual([1, 4, 8, 8]);
    });
  });

  it('fails to load a file that is not ONNX as on this thread, and ends the worker', async () => {
    const e = await createWorkerRunnerFactory({ preferred: ['cpu'] })(unet.spec, new TextEncoder().encode('<html>not a model</html>')).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(TesseraError);
    expect(e).toMatchObject({ code: 'unsupported-format' });
  });

  it('a run whose signal aborts mid-run finishes in the worker and is dropped; the next run works', async () => {
    await withRunner(await createWorkerRunnerFactory({ preferred: ['cpu'] })(unet.spec, unet.bytes), async (r) => {
      const controller = new AbortController();
      const run = r.run(unet.sampleFeeds(1), { signal: controller.signal });
      controller.abort(new DOMException('stop', 'AbortError'));
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
      expect((await r.run(unet.sampleFeeds(2))).out_sample.dims).toEqual([1, 4, 8, 8]);
    });
  });

  it('release() lets the run in progress finish first, then refuses further runs', async () => {
    const slow = slowMatMulFixture({ size: 256, depth: 20 });
    const runner = await createWorkerRunnerFactory({ preferred: ['cpu'] })(slow.spec, slow.bytes);
    const feeds = slow.sampleFeeds(1);
    const run = runner.run(feeds);
    await runner.release();
    const outputs = await run;
    expect(maxAbsDiff(outputs.y, slow.reference(feeds).y)).toBeLessThan(1e-4);
    await expect(runner.run(feeds)).rejects.toThrow(/was run after release/);
  });

  it('keeps this thread’s event loop turning while a slow model computes', async () => {
    const slow = slowMatMulFixture({ size: 512, depth: 100 });
    await withRunner(await createWorkerRunnerFactory({ preferred: ['cpu'] })(slow.spec, slow.bytes), async (r) => {
      // On this thread the run would hold every timer back until it ended (a tick or two at most).
      let running = true;
      let ticksDuringRun = 0;
      const timer = setInterval(() => void (running && ticksDuringRun++), 1);
      try {
        await r.run(slow.sampleFeeds(1));
      } finally {
        running = false;
        clearInterval(timer);
      }
      expect(ticksDuringRun).toBeGreaterThanOrEqual(10);
    });
  });
});
