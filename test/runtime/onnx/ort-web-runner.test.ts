import * as realOrt from 'onnxruntime-web';
import { describe, expect, it, vi } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import type { ModelSpec } from '../../../src/runtime/model-runner.js';
import type { OrtModule, OrtSessionLike, OrtSessionOptions, OrtTensorLike } from '../../../src/runtime/onnx/ort-module.js';
import { createOrtWebRunner, type GpuLike } from '../../../src/runtime/onnx/ort-web-runner.js';
import { createTensor, float32Tensor, int64Tensor, type Tensor } from '../../../src/runtime/tensor.js';
import { buildModel, node } from '../../fixtures/onnx/graph-builder.js';
import { maxAbsDiff, textEncoderFixture, unetFixture, unetSpec, wrongNamesUnetFixture } from '../../fixtures/onnx/index.js';

/** The real onnxruntime-web, with every session creation, run and release recorded. */
function spyingOrt(options: { pretendWebGpu?: boolean; beforeRunReturns?: () => void; runDelayMs?: number } = {}) {
  const sessions: { run: ReturnType<typeof vi.fn>; release: ReturnType<typeof vi.fn> }[] = [];
  let running = 0;
  let maxRunning = 0;
  const create = vi.fn(async (model: Uint8Array, sessionOptions?: OrtSessionOptions): Promise<OrtSessionLike> => {
    const providers = options.pretendWebGpu ? ['wasm' as const] : sessionOptions?.executionProviders;
    const real = await realOrt.InferenceSession.create(model, { ...sessionOptions, executionProviders: providers });
    const run = vi.fn(async (feeds: Record<string, OrtTensorLike>) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        if (options.runDelayMs) await new Promise((r) => setTimeout(r, options.runDelayMs));
        const out = await real.run(feeds as Record<string, realOrt.Tensor>);
        options.beforeRunReturns?.();
        return out;
      } finally {
        running--;
      }
    });
    const release = vi.fn(() => real.release());
    sessions.push({ run, release });
    return { inputNames: real.inputNames, outputNames: real.outputNames, inputMetadata: real.inputMetadata, outputMetadata: real.outputMetadata, run, release };
  });
  const ort: OrtModule = { InferenceSession: { create }, Tensor: realOrt.Tensor };
  return { ort, create, sessions, maxRunning: () => maxRunning };
}

async function caught(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

const fakeGpu = (adapter: object | null): GpuLike => ({ requestAdapter: async () => adapter });

describe('createOrtWebRunner: backends', () => {
  it('runs on wasm in Node and says there is no WebGPU here', async () => {
    const fixture = unetFixture();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes);
    try {
      expect(runner.backend).toBe('wasm');
      expect(runner.backendReason).toMatch(/no WebGPU in this environment/);
      expect(runner.id).toBe(fixture.spec.id);
    } finally {
      await runner.release();
    }
  });

  it('says wasm was asked for when WebGPU was not', async () => {
    const fixture = unetFixture();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
    expect(runner.backendReason).toMatch(/wasm \(CPU\) was asked for/);
    await runner.release();
  });

  it('falls back to wasm when WebGPU gives no adapter, or its adapter request fails', async () => {
    const fixture = unetFixture();
    const noAdapter = await createOrtWebRunner(fixture.spec, fixture.bytes, { gpu: fakeGpu(null) });
    expect(noAdapter.backend).toBe('wasm');
    expect(noAdapter.backendReason).toMatch(/WebGPU gave no adapter.*running on wasm/);
    await noAdapter.release();

    const throwing: GpuLike = { requestAdapter: () => Promise.reject(new Error('denied')) };
    const failed = await createOrtWebRunner(fixture.spec, fixture.bytes, { gpu: throwing });
    expect(failed.backendReason).toMatch(/adapter failed \(denied\)/);
    await failed.release();
  });

  it('falls back to wasm when the WebGPU session cannot be created, and says why', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt();
    // The Node build of onnxruntime-web has no WebGPU backend, so this creation fails for real.
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, gpu: fakeGpu({}) });
    expect(runner.backend).toBe('wasm');
    expect(runner.backendReason).toMatch(/WebGPU failed to load the model: .+; running on wasm/);
    expect(spy.create.mock.calls.map((c) => c[1]?.executionProviders)).toEqual([['webgpu'], ['wasm']]);
    await runner.release();
  });

  it('uses WebGPU when an adapter exists and the session is created', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt({ pretendWebGpu: true });
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, gpu: fakeGpu({ info: { vendor: 'acme', architecture: 'test' } }) });
    expect(runner.backend).toBe('webgpu');
    expect(runner.backendReason).toBe('WebGPU adapter found (acme test)');
    expect(spy.create).toHaveBeenCalledTimes(1);
    await runner.release();
  });

  it('refuses to start when only WebGPU is allowed and there is none', async () => {
    const fixture = unetFixture();
    const e = await caught(createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['webgpu'] }));
    expect(e.code).toBe('internal');
    expect(e.userMessage).toMatch(/cannot run here: WebGPU not used: no WebGPU in this environment/);
  });

  it('honours an aborted signal before creating anything', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt();
    await expect(createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(spy.create).not.toHaveBeenCalled();
  });
});

describe('createOrtWebRunner: model checks', () => {
  it('rejects a model with the wrong tensor names, naming both sets', async () => {
    const { bytes, spec } = wrongNamesUnetFixture();
    const spy = spyingOrt();
    const e = await caught(createOrtWebRunner(spec, bytes, { ort: spy.ort, preferred: ['wasm'] }));
    expect(e.code).toBe('model-mismatch');
    expect(e.userMessage).toContain(spec.id);
    expect(e.userMessage).toContain('inputs differ: expected [sample, timestep, encoder_hidden_states], the file has [x, t, context]');
    expect(e.userMessage).toContain('outputs differ: expected [out_sample], the file has [y]');
    expect(e.details?.expected).toContain('input sample float32[1,4,8,8]');
    expect(e.details?.actual).toContain('input x float32[1,4,8,8]');
    expect(spy.sessions[0].release).toHaveBeenCalledTimes(1);
  });

  it('rejects a model whose dtypes differ from the spec', async () => {
    const fixture = unetFixture({ flavour: 'optimum' });
    const spec: ModelSpec = { ...fixture.spec, inputs: fixture.spec.inputs.map((t) => (t.name === 'timestep' ? { ...t, type: 'float32' } : t)) };
    const e = await caught(createOrtWebRunner(spec, fixture.bytes, { preferred: ['wasm'] }));
    expect(e.code).toBe('model-mismatch');
    expect(e.details?.problems).toEqual(['input timestep is int64 in the file, expected float32']);
  });

  it('rejects a model whose input sizes are fixed where the spec says they are free', async () => {
    const fixture = unetFixture();
    const spec: ModelSpec = { ...fixture.spec, inputs: fixture.spec.inputs.map((t) => (t.name === 'sample' ? { ...t, shape: ['batch_size', 4, 'height', 'width'] } : t)) };
    const e = await caught(createOrtWebRunner(spec, fixture.bytes, { preferred: ['wasm'] }));
    expect(e.code).toBe('model-mismatch');
    expect(e.userMessage).toContain('input sample has shape [1,4,8,8] in the file, expected [batch_size,4,height,width]');
  });

  it.each([
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 251)],
    ['an empty file', new Uint8Array(0)],
    ['an HTML error page', new TextEncoder().encode('<!DOCTYPE html><html><body>404 Not Found</body></html>')],
    ['a truncated download', unetFixture().bytes.slice(0, 2000)],
  ])('calls %s a damaged model file', async (_label, bytes) => {
    const spy = spyingOrt();
    const e = await caught(createOrtWebRunner(unetSpec(), bytes, { ort: spy.ort }));
    expect(e.code).toBe('unsupported-format');
    expect(e.userMessage).toMatch(/^The model file for "tiny-unet-sdxs-webgpu" is damaged or is not an ONNX model \(.+\)\. Delete it and download it again\.$/);
    expect(e.details).toMatchObject({ model: 'tiny-unet-sdxs-webgpu', byteLength: bytes.length });
    expect(spy.create).not.toHaveBeenCalled();
  });

  it('calls a well-formed file that ONNX Runtime refuses a mismatch, keeping the cause', async () => {
    const spec: ModelSpec = { id: 'odd', inputs: [{ name: 'x', type: 'float32', shape: [1] }], outputs: [{ name: 'y', type: 'float32', shape: [1] }] };
    const bytes = buildModel({ name: 'odd', inputs: spec.inputs, outputs: spec.outputs, nodes: [node('NoSuchOp', ['x'], ['y'])], initializers: [] });
    const e = await caught(createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }));
    expect(e.code).toBe('model-mismatch');
    expect(e.userMessage).toMatch(/^The model file for "odd" could not be loaded \(.*NoSuchOp.*\)/);
    expect(e.cause).toBeInstanceOf(Error);
  });
});

describe('OrtWebRunner.run', () => {
  it('creates the session once and reuses it for every run', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    const feeds = fixture.sampleFeeds(1);
    const first = await runner.run(feeds);
    await runner.run(fixture.sampleFeeds(2));
    const third = await runner.run(feeds);
    expect(spy.create).toHaveBeenCalledTimes(1);
    expect(spy.sessions[0].run).toHaveBeenCalledTimes(3);
    expect(maxAbsDiff(first.out_sample, third.out_sample)).toBe(0);
    await runner.release();
    expect(spy.sessions[0].release).toHaveBeenCalledTimes(1);
  });

  it('runs one call at a time on a session, in order', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt({ runDelayMs: 5 });
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    const feeds = [1, 2, 3].map((s) => fixture.sampleFeeds(s));
    const results = await Promise.all(feeds.map((f) => runner.run(f)));
    expect(spy.maxRunning()).toBe(1);
    results.forEach((r, i) => expect(maxAbsDiff(r.out_sample, fixture.reference(feeds[i]).out_sample)).toBeLessThan(1e-5));
    await runner.release();
  });

  it('releases once, after the run in progress, and refuses runs afterwards', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt({ runDelayMs: 5 });
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    const pending = runner.run(fixture.sampleFeeds());
    const released = runner.release();
    await expect(pending).resolves.toHaveProperty('out_sample');
    await released;
    await runner.release();
    expect(spy.sessions[0].release).toHaveBeenCalledTimes(1);
    await expect(runner.run(fixture.sampleFeeds())).rejects.toThrow(/after release/);
  });

  const feedCases: [string, (f: Record<string, Tensor>) => Record<string, Tensor>, RegExp][] = [
    ['a missing input', ({ sample, encoder_hidden_states }) => ({ sample, encoder_hidden_states }), /missing timestep/],
    ['an extra input', (f) => ({ ...f, guidance: float32Tensor([1], [1]) }), /unexpected guidance \(the model takes sample, timestep, encoder_hidden_states\)/],
    ['a wrong dtype', (f) => ({ ...f, timestep: int64Tensor([999], [1]) }), /timestep is int64, the model takes float32/],
    ['a wrong rank', (f) => ({ ...f, sample: float32Tensor(new Float32Array(256), [4, 8, 8]) }), /sample has shape \[4,8,8\], the model takes \[1,4,8,8\]/],
    ['a wrong fixed size', (f) => ({ ...f, sample: float32Tensor(new Float32Array(192), [1, 3, 8, 8]) }), /dim 1 must be 4/],
    ['data shorter than its dims', (f) => ({ ...f, sample: { type: 'float32', dims: [1, 4, 8, 8], data: new Float32Array(10) } }), /sample has 10 values for dims \[1,4,8,8\] \(256\)/],
  ];

  it.each(feedCases)('rejects %s before ORT sees it', async (_label, change, message) => {
    const fixture = unetFixture();
    const spy = spyingOrt();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    try {
      const e = await caught(runner.run(change(fixture.sampleFeeds())));
      expect(e.code).toBe('invalid-input');
      expect(e.userMessage).toMatch(/^Model "tiny-unet-sdxs-webgpu" was given inputs it cannot take: /);
      expect(e.userMessage).toMatch(message);
      expect(e.details?.expected).toEqual(['sample float32[1,4,8,8]', 'timestep float32[1]', 'encoder_hidden_states float32[1,77,16]']);
      expect(spy.sessions[0].run).not.toHaveBeenCalled();
    } finally {
      await runner.release();
    }
  });

  it('rejects a symbolic size that differs between inputs', async () => {
    const fixture = unetFixture({ flavour: 'optimum' });
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
    const feeds = { ...fixture.sampleFeeds(), encoder_hidden_states: float32Tensor(new Float32Array(2 * 77 * 16), [2, 77, 16]) };
    const e = await caught(runner.run(feeds));
    expect(e.code).toBe('invalid-input');
    expect(e.userMessage).toContain('encoder_hidden_states dim 0 (batch_size) is 2 but batch_size is 1 elsewhere');
    await runner.release();
  });

  it('wraps an ORT failure during a run once, with the model id and tensor names', async () => {
    // num_channels is free in the optimum spec, so 3 channels pass our checks and fail in Conv.
    const fixture = unetFixture({ flavour: 'optimum' });
    // ORT also prints this (expected) kernel error to stderr.
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
    const feeds = { ...fixture.sampleFeeds(), sample: float32Tensor(new Float32Array(3 * 64), [1, 3, 8, 8]) };
    const e = await caught(runner.run(feeds));
    expect(e.code).toBe('internal');
    expect(e.message).toMatch(/^Model tiny-unet-optimum failed while running: /);
    expect(e.userMessage).toMatch(/^Model "tiny-unet-optimum" failed while running on wasm \(CPU\): /);
    expect(e.details).toMatchObject({
      model: 'tiny-unet-optimum',
      backend: 'wasm',
      inputs: ['sample', 'timestep', 'encoder_hidden_states'],
      outputs: ['out_sample'],
      feeds: ['sample float32[1,3,8,8]', 'timestep int64[1]', 'encoder_hidden_states float32[1,77,16]'],
    });
    expect(e.cause).toBeInstanceOf(Error);
    expect(e.cause).not.toBeInstanceOf(TesseraError);
    // The session is still usable afterwards.
    await expect(runner.run(fixture.sampleFeeds())).resolves.toHaveProperty('out_sample');
    await runner.release();
  });

  it('checks the signal before a run and does not start it when aborted', async () => {
    const fixture = unetFixture();
    const spy = spyingOrt();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    await expect(runner.run(fixture.sampleFeeds(), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const queued = runner.run(fixture.sampleFeeds(), { signal: controller.signal });
    controller.abort(); // before the queued run reaches ORT
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(spy.sessions[0].run).not.toHaveBeenCalled();
    await runner.release();
  });

  it('lets a started run finish but drops its result when aborted meanwhile', async () => {
    const fixture = unetFixture();
    const controller = new AbortController();
    const spy = spyingOrt({ beforeRunReturns: () => controller.abort() });
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { ort: spy.ort, preferred: ['wasm'] });
    await expect(runner.run(fixture.sampleFeeds(), { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(spy.sessions[0].run).toHaveBeenCalledTimes(1);
    await runner.release();
  });

  it('converts int64 and int32 token ids for the two text encoder flavours', async () => {
    for (const flavour of ['sdxs-webgpu', 'optimum'] as const) {
      const fixture = textEncoderFixture({ flavour });
      const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
      const feeds = fixture.sampleFeeds(9);
      expect(feeds.input_ids.type).toBe(flavour === 'optimum' ? 'int32' : 'int64');
      const out = await runner.run(feeds);
      expect(maxAbsDiff(out.last_hidden_state, fixture.reference(feeds).last_hidden_state)).toBeLessThan(1e-5);
      await runner.release();
    }
  });

  it('gives back only our own tensor type', async () => {
    const fixture = unetFixture();
    const runner = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
    const out = await runner.run(fixture.sampleFeeds());
    expect(out.out_sample).toEqual(createTensor('float32', out.out_sample.data as Float32Array, [1, 4, 8, 8]));
    expect(out.out_sample).not.toBeInstanceOf(realOrt.Tensor);
    await runner.release();
  });
});
