import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeInferRequest } from '../../src/runtime/remote/inference-codec.js';
import { WireFormatError } from '../../src/runtime/remote/wire-body.js';
import { elementCount } from '../../src/runtime/tensor.js';
import { startInferenceServer, type InferenceServer } from '../../src/server/inference-server.js';
import { loadTinyServedModels, servedFixture } from './served-fixtures.js';

/**
 * The request parser and the live server under random input: the parser fails only with a
 * WireFormatError, and the server answers every request (with `{"error"}` when it fails) and
 * keeps serving valid ones afterwards.
 */

const unet = servedFixture('unet');

/** A valid JSON inference request for the tiny UNet, as a plain object to mutate. */
function validRequest(): Record<string, unknown> {
  const feeds = unet.fixture.sampleFeeds(1);
  return { id: 'fuzz', inputs: Object.entries(feeds).map(([name, t]) => ({ name, shape: [...t.dims], datatype: 'FP32', data: Array.from(t.data as Float32Array) })) };
}

const datatypes = fc.constantFrom('FP32', 'FP16', 'INT32', 'INT64', 'BYTES', 'BOOL', 'fp32', '', 'FP32\u0000');
const shapes = fc.oneof(fc.array(fc.integer({ min: -2, max: 9 }), { maxLength: 5 }), fc.array(fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, 1e300, -1, 0.5), { maxLength: 4 }), fc.anything());
const data = fc.oneof(fc.array(fc.oneof(fc.double(), fc.integer(), fc.constant(null), fc.string()), { maxLength: 40 }), fc.array(fc.array(fc.double(), { maxLength: 5 }), { maxLength: 5 }), fc.anything());
const parameters = fc.oneof(fc.constant(undefined), fc.record({ binary_data_size: fc.oneof(fc.integer({ min: -5, max: 64 }), fc.double(), fc.string()) }), fc.dictionary(fc.string(), fc.anything()));
const input = fc.record({ name: fc.oneof(fc.constantFrom('sample', 'timestep', 'encoder_hidden_states', '__proto__', 'constructor'), fc.string()), shape: shapes, datatype: datatypes, data, parameters }, { requiredKeys: [] });
const request = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer()),
    inputs: fc.oneof(fc.array(input, { maxLength: 4 }), fc.anything()),
    outputs: fc.oneof(fc.array(fc.record({ name: fc.oneof(fc.constant('out_sample'), fc.string()), parameters }, { requiredKeys: [] }), { maxLength: 3 }), fc.anything()),
    parameters: fc.oneof(fc.constant(undefined), fc.record({ binary_data_output: fc.oneof(fc.boolean(), fc.string()) })),
  },
  { requiredKeys: [] },
);
/** The valid request with one field replaced: close enough to valid that the deeper checks run. */
const mutated = fc
  .tuple(fc.constantFrom('id', 'outputs', 'parameters', 'name', 'shape', 'datatype', 'data'), fc.nat({ max: 2 }), fc.oneof(fc.anything(), shapes, data, datatypes))
  .map(([field, index, value]) => {
    const r = validRequest();
    if (['id', 'outputs', 'parameters'].includes(field)) r[field] = value;
    else (r.inputs as Record<string, unknown>[])[index][field] = value;
    return { bytes: new TextEncoder().encode(JSON.stringify(r) ?? ''), header: null as string | null };
  });

/** A body: random JSON of the request's shape, a valid request with one field changed, JSON with random bytes after it, or bytes. */
const body = fc.oneof(
  mutated,
  request.map((r) => ({ bytes: new TextEncoder().encode(JSON.stringify(r)), header: null as string | null })),
  fc.tuple(request, fc.uint8Array({ maxLength: 300 }), fc.oneof(fc.constant(null), fc.nat({ max: 4000 }).map(String), fc.string())).map(([r, tail, header]) => {
    const head = new TextEncoder().encode(JSON.stringify(r));
    const bytes = new Uint8Array(head.length + tail.length);
    bytes.set(head);
    bytes.set(tail, head.length);
    return { bytes, header: header === null ? String(head.length) : header };
  }),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ bytes, header: null as string | null })),
);

describe('decodeInferRequest under random input', () => {
  it('fails only with a WireFormatError, and what it accepts is consistent', () => {
    fc.assert(
      fc.property(body, ({ bytes, header }) => {
        let decoded;
        try {
          decoded = decodeInferRequest(bytes, header);
        } catch (e) {
          expect(e).toBeInstanceOf(WireFormatError);
          return;
        }
        for (const t of Object.values(decoded.inputs)) expect(t.data.length).toBe(elementCount(t.dims));
        expect(Object.getPrototypeOf(decoded.inputs)).toBeNull();
      }),
      { numRuns: 600, seed: 8 },
    );
  });
});

describe('tessera serve under random requests', () => {
  let server: InferenceServer;
  beforeAll(async () => {
    server = await startInferenceServer({ models: await loadTinyServedModels(), port: 0, maxRequestBytes: 100_000 });
  });
  afterAll(async () => server.close());

  async function stillServes(): Promise<void> {
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    const res = await fetch(`${server.url}/v2/models/${unet.name}/infer`, { method: 'POST', body: JSON.stringify(validRequest()) });
    expect(res.status).toBe(200);
  }

  it('answers every random inference request, failures as {"error"}, and keeps serving', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(unet.name, 'taesd.vae-encoder', 'missing'), async ({ bytes, header }, model) => {
        const res = await fetch(`${server.url}/v2/models/${model}/infer`, {
          method: 'POST',
          body: bytes,
          headers: header === null ? {} : { 'inference-header-content-length': header.replace(/[^\x20-\x7e]/g, '') },
        });
        statuses.add(res.status);
        expect(res.status).toBeLessThan(500);
        if (res.status !== 200) expect(Object.keys((await res.json()) as object)).toEqual(['error']);
        else await res.arrayBuffer();
      }),
      { numRuns: 200, seed: 9 },
    );
    // The random requests reached every layer: some ran the model, some failed validation, some named no model.
    expect([...statuses].sort()).toEqual([200, 400, 404]);
    await stillServes();
  });

  it('answers random methods and paths without failing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD'), fc.oneof(fc.webPath(), fc.string().map((s) => `/v2/models/${encodeURIComponent(s)}/ready`), fc.constantFrom('/v2/models/%E0%A4%A/ready', '/v2//models', '/v2/models/a/versions/%/infer')), async (method, path) => {
        const res = await fetch(`${server.url}${path.startsWith('/') ? path : `/${path}`}`, { method, ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: '{}' } : {}) });
        expect(res.status).toBeLessThan(500);
        await res.arrayBuffer();
      }),
      { numRuns: 120, seed: 10 },
    );
    await stillServes();
  });

  it('survives random bytes on the socket', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 600 }), fc.string().map((s) => new TextEncoder().encode(`POST /v2/models/x/infer HTTP/1.1\r\n${s}\r\n\r\n`))), async (bytes) => {
        await new Promise<void>((resolve) => {
          const socket = connect(server.port, '127.0.0.1', () => socket.end(bytes));
          socket.on('data', () => {});
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          socket.setTimeout(2000, () => socket.destroy());
        });
      }),
      { numRuns: 60, seed: 11 },
    );
    await stillServes();
  });
});
