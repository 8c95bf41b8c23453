import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import type { ModelSpec } from '../../../src/runtime/model-runner.js';
import { createOrtNodeRunner } from '../../../src/runtime/onnx/ort-node-runner.js';
import type { FetchLike } from '../../../src/runtime/remote/inference-client.js';
import { createRemoteRunner } from '../../../src/runtime/remote/remote-runner.js';
import { connectInferenceServer, describeInferenceServer, type RemoteServer } from '../../../src/runtime/remote/remote-server.js';
import { startInferenceServer, type InferenceServer } from '../../../src/server/inference-server.js';
import { maxAbsDiff } from '../../fixtures/onnx/index.js';
import { loadTinyServedModels, servedFixture } from '../../server/served-fixtures.js';

let server: InferenceServer;
let remote: RemoteServer;

/** fetch, counting request bodies' binary parts: shows which path (JSON or binary) a run took. */
const requests: { url: string; contentType: string | undefined; headerLength: string | undefined }[] = [];
const recordingFetch: FetchLike = async (url, init) => {
  requests.push({ url, contentType: init.headers['content-type'], headerLength: init.headers['inference-header-content-length'] });
  return fetch(url, init);
};

beforeAll(async () => {
  server = await startInferenceServer({ models: await loadTinyServedModels(), port: 0 });
  remote = await connectInferenceServer({ url: server.url, fetch: recordingFetch });
});

afterAll(async () => {
  await server.close();
});

async function caught(p: Promise<unknown>): Promise<TesseraError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(TesseraError);
  return e as TesseraError;
}

describe('createRemoteRunner against tessera serve', () => {
  it('gives the same outputs as the in-process runner, for every tiny model', async () => {
    for (const role of ['text-encoder', 'unet', 'vae-decoder', 'vae-encoder'] as const) {
      const { name, fixture } = servedFixture(role);
      const local = await createOrtNodeRunner(fixture.spec, fixture.bytes, { preferred: ['cpu'] });
      const runner = await createRemoteRunner(fixture.spec, { server: remote, model: name });
      try {
        expect(runner.backend).toBe('remote');
        expect(runner.backendReason).toBe(`tessera dev at ${server.url}, model "${name}" on cpu: CPU was asked for`);
        expect(runner.inputNames).toEqual(fixture.spec.inputs.map((t) => t.name));
        for (const seed of [1, 2]) {
          const feeds = fixture.sampleFeeds(seed);
          const here = await local.run(feeds);
          const there = await runner.run(feeds);
          expect(Object.keys(there).sort()).toEqual(Object.keys(here).sort());
          for (const out of Object.keys(here)) expect(maxAbsDiff(there[out], here[out])).toBe(0);
        }
      } finally {
        await runner.release();
        await local.release();
      }
    }
  });

  it('sends large tensors as binary data and small ones as JSON, with the same results', async () => {
    const { name, fixture } = servedFixture('unet');
    const binary = await createRemoteRunner(fixture.spec, { server: remote, model: name, binaryFromBytes: 1024 });
    const json = await createRemoteRunner(fixture.spec, { server: remote, model: name, binaryFromBytes: Number.MAX_SAFE_INTEGER });
    const feeds = fixture.sampleFeeds(5);
    requests.length = 0;
    const a = await binary.run(feeds);
    const b = await json.run(feeds);
    expect(maxAbsDiff(a.out_sample, b.out_sample)).toBe(0);
    const [binaryRequest, jsonRequest] = requests;
    expect(binaryRequest.contentType).toBe('application/octet-stream');
    expect(Number(binaryRequest.headerLength)).toBeGreaterThan(0);
    expect(jsonRequest.contentType).toBe('application/json');
    expect(jsonRequest.headerLength).toBeUndefined();
  });

  it('refuses a model whose metadata differs from the spec, naming the server, the model and the difference', async () => {
    const { name, fixture } = servedFixture('unet');
    const spec: ModelSpec = { ...fixture.spec, inputs: fixture.spec.inputs.map((t) => (t.name === 'timestep' ? { ...t, type: 'int64' } : t)) };
    const e = await caught(createRemoteRunner(spec, { server: remote, model: name }));
    expect(e.code).toBe('model-mismatch');
    expect(e.userMessage).toContain(server.url);
    expect(e.userMessage).toContain(`"${name}"`);
    expect(e.userMessage).toContain('input timestep is float32 in the file, expected int64');
  });

  it('says the server has no such model', async () => {
    const { fixture } = servedFixture('unet');
    const e = await caught(createRemoteRunner(fixture.spec, { server: remote, model: 'no-such.unet' }));
    expect(e.code).toBe('model-missing');
    expect(e.userMessage).toMatch(/has no model "no-such\.unet" ready/);
    expect(e.details).toMatchObject({ server: server.url, model: 'no-such.unet' });
  });

  it('checks feeds before sending anything', async () => {
    const { name, fixture } = servedFixture('unet');
    const runner = await createRemoteRunner(fixture.spec, { server: remote, model: name });
    requests.length = 0;
    await expect(runner.run({})).rejects.toMatchObject({ code: 'invalid-input' });
    expect(requests).toEqual([]);
  });

  it('reports the server, its models and their execution provider', async () => {
    const report = await describeInferenceServer(remote);
    expect(report).toMatchObject({ url: server.url, name: 'tessera', extensions: ['binary_tensor_data'] });
    expect(report.models.map((m) => m.name)).toEqual(['tiny-sdxs.text-encoder', 'tiny-sdxs.unet', 'tiny-sdxs.vae-decoder', 'taesd.vae-encoder']);
    for (const m of report.models) expect(m).toMatchObject({ ready: true, state: 'READY', platform: 'onnxruntime_onnx', executionProvider: 'cpu' });
  });

  it('runs N concurrent clients with correct outputs each', async () => {
    const { name, fixture } = servedFixture('unet');
    const clients = await Promise.all(Array.from({ length: 8 }, async () => createRemoteRunner(fixture.spec, { server: await connectInferenceServer({ url: server.url }), model: name })));
    const results = await Promise.all(clients.flatMap((c, i) => [0, 1, 2].map(async (k) => ({ feeds: fixture.sampleFeeds(100 + i * 3 + k), out: await c.run(fixture.sampleFeeds(100 + i * 3 + k)) }))));
    expect(results).toHaveLength(24);
    for (const { feeds, out } of results) expect(maxAbsDiff(out.out_sample, fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
  });
});
