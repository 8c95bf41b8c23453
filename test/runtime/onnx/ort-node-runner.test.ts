import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as realOrtNode from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { createNodeRunnerFactory } from '../../../src/runtime/onnx/node-runner-factory.js';
import type { OrtNodeBackend, OrtNodeExecutionProvider, OrtNodeModule } from '../../../src/runtime/onnx/ort-node-module.js';
import { createOrtNodeRunner, defaultNodeProviders } from '../../../src/runtime/onnx/ort-node-runner.js';
import type { OrtSessionOptions } from '../../../src/runtime/onnx/ort-module.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { maxAbsDiff, taesdDecoderFixture, textEncoderFixture, unetFixture, unetSpec, wrongNamesUnetFixture } from '../../fixtures/onnx/index.js';

const realNode = realOrtNode as unknown as OrtNodeModule;

/**
 * The real onnxruntime-node behind a chosen backend list: providers named in `gpuWorks` "load"
 * (on the real CPU provider underneath), every other non-CPU provider throws as a missing GPU does.
 */
function fakeNode(backends: OrtNodeBackend[], gpuWorks: OrtNodeExecutionProvider[] = []) {
  const create = vi.fn(async (model: Uint8Array, options?: OrtSessionOptions<OrtNodeExecutionProvider>) => {
    const provider = options?.executionProviders?.[0] ?? 'cpu';
    if (provider !== 'cpu' && !gpuWorks.includes(provider)) throw new Error(`Failed to get a ${provider} device: No supported adapters\nsecond line`);
    return realNode.InferenceSession.create(model, { ...options, executionProviders: ['cpu'] });
  });
  const ort: OrtNodeModule = { InferenceSession: { create }, Tensor: realNode.Tensor, listSupportedBackends: () => backends };
  return { ort, create };
}

const LINUX_BACKENDS: OrtNodeBackend[] = [
  { name: 'cpu', bundled: true },
  { name: 'webgpu', bundled: true },
  { name: 'cuda', bundled: false },
  { name: 'tensorrt', bundled: false },
];

async function caught(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

describe('createOrtNodeRunner', () => {
  it('runs the fixture models on the CPU provider with the same outputs as the TS reference and the wasm runner', async () => {
    for (const fixture of [unetFixture(), textEncoderFixture(), taesdDecoderFixture({ flavour: 'optimum' })]) {
      const node = await createOrtNodeRunner(fixture.spec, fixture.bytes, { preferred: ['cpu'] });
      const wasm = await createOrtWebRunner(fixture.spec, fixture.bytes, { preferred: ['wasm'] });
      try {
        expect(node.backend).toBe('cpu');
        expect(node.backendReason).toBe('CPU was asked for');
        const feeds = fixture.sampleFeeds(3);
        const fromNode = await node.run(feeds);
        const fromWasm = await wasm.run(feeds);
        const reference = fixture.reference(feeds);
        for (const name of Object.keys(reference)) {
          expect(maxAbsDiff(fromNode[name], reference[name])).toBeLessThan(1e-5);
          expect(maxAbsDiff(fromNode[name], fromWasm[name])).toBeLessThan(1e-5);
        }
      } finally {
        await node.release();
        await wasm.release();
      }
    }
  });

  it('skips CUDA when onnxruntime-node was installed without its libraries, falls past a GPU provider that fails, and says both', async () => {
    const fixture = unetFixture();
    const { ort, create } = fakeNode(LINUX_BACKENDS);
    const emptyDir = mkdtempSync(path.join(tmpdir(), 'tessera-ort-'));
    const runner = await createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['cuda', 'webgpu', 'cpu'], providerLibraryDir: emptyDir });
    expect(runner.backend).toBe('cpu');
    expect(runner.backendReason).toMatch(/^CUDA not used: onnxruntime-node was installed without its CUDA libraries .*Tessera downloads nothing\); WebGPU failed to load the model \(Failed to get a webgpu device: No supported adapters\); running on CPU$/);
    expect(create.mock.calls.map((c) => c[1]?.executionProviders)).toEqual([['webgpu'], ['cpu']]);
    await runner.release();
  });

  it('uses CUDA when its libraries are installed and the session is created', async () => {
    const fixture = unetFixture();
    const { ort } = fakeNode(LINUX_BACKENDS, ['cuda']);
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-ort-'));
    writeFileSync(path.join(dir, process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'), '');
    const runner = await createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['cuda', 'cpu'], providerLibraryDir: dir });
    expect(runner.backend).toBe('cuda');
    expect(runner.backendReason).toBe('CUDA, the first choice, loaded the model');
    const feeds = fixture.sampleFeeds(1);
    expect(maxAbsDiff((await runner.run(feeds)).out_sample, fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
    await runner.release();
  });

  it('says which providers this build lacks', async () => {
    const fixture = unetFixture();
    const { ort } = fakeNode([{ name: 'cpu', bundled: true }]);
    const runner = await createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['dml', 'cpu'] });
    expect(runner.backendReason).toMatch(/^DirectML not used: this onnxruntime-node build has no DirectML provider on .*; running on CPU$/);
    await runner.release();
  });

  it('does not try a provider again once it failed in this process', async () => {
    const fixture = unetFixture();
    const { ort, create } = fakeNode(LINUX_BACKENDS);
    const knownFailures = new Map<OrtNodeExecutionProvider, string>();
    const first = await createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['webgpu', 'cpu'], knownFailures });
    const second = await createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['webgpu', 'cpu'], knownFailures });
    expect(create.mock.calls.map((c) => c[1]?.executionProviders?.[0])).toEqual(['webgpu', 'cpu', 'cpu']);
    expect(second.backendReason).toMatch(/WebGPU not used: failed to load the model \(.*\) for an earlier model/);
    await first.release();
    await second.release();
  });

  it('fails with internal when only a GPU provider is allowed and it cannot load', async () => {
    const fixture = unetFixture();
    const { ort } = fakeNode(LINUX_BACKENDS);
    const e = await caught(createOrtNodeRunner(fixture.spec, fixture.bytes, { ort, preferred: ['webgpu'] }));
    expect(e.code).toBe('internal');
    expect(e.userMessage).toMatch(/cannot run here: WebGPU failed to load the model/);
  });

  it('shares the file and spec checks with the web runner', async () => {
    const { bytes, spec } = wrongNamesUnetFixture();
    const mismatch = await caught(createOrtNodeRunner(spec, bytes, { preferred: ['cpu'] }));
    expect(mismatch.code).toBe('model-mismatch');
    expect(mismatch.userMessage).toContain('inputs differ: expected [sample, timestep, encoder_hidden_states], the file has [x, t, context]');
    const damaged = await caught(createOrtNodeRunner(unetSpec(), unetFixture().bytes.slice(0, 1500), { preferred: ['cpu'] }));
    expect(damaged.code).toBe('unsupported-format');
    const badFeeds = await createOrtNodeRunner(unetSpec(), unetFixture().bytes, { preferred: ['cpu'] });
    await expect(badFeeds.run({})).rejects.toMatchObject({ code: 'invalid-input' });
    await badFeeds.release();
  });

  it('picks GPU providers first, CPU last, per platform', () => {
    expect(defaultNodeProviders('linux')).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(defaultNodeProviders('win32')).toEqual(['cuda', 'dml', 'webgpu', 'cpu']);
    expect(defaultNodeProviders('darwin')).toEqual(['coreml', 'webgpu', 'cpu']);
  });
});

describe('createNodeRunnerFactory', () => {
  it('falls back to onnxruntime-web wasm when onnxruntime-node does not load, and says why', async () => {
    const fixture = unetFixture();
    const loadNode = vi.fn(() => Promise.reject(new Error('libonnxruntime.so.1: cannot open shared object file')));
    const create = createNodeRunnerFactory({ loadNode });
    const a = await create(fixture.spec, fixture.bytes);
    const b = await create(fixture.spec, fixture.bytes);
    expect(a.backend).toBe('wasm');
    expect(a.backendReason).toBe('onnxruntime-node did not load (libonnxruntime.so.1: cannot open shared object file); running on onnxruntime-web wasm (CPU)');
    expect(loadNode).toHaveBeenCalledTimes(1);
    const feeds = fixture.sampleFeeds(2);
    expect(maxAbsDiff((await a.run(feeds)).out_sample, fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
    await a.release();
    await b.release();
  });

  it('uses onnxruntime-node when it loads', async () => {
    const fixture = unetFixture();
    const runner = await createNodeRunnerFactory({ preferred: ['cpu'] })(fixture.spec, fixture.bytes);
    expect(runner.backend).toBe('cpu');
    await runner.release();
  });
});
