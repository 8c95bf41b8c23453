import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../../src/core/errors.js';
import { encodeBodyParts } from '../../src/runtime/remote/inference-codec.js';
import { startInferenceServer, type InferenceServer } from '../../src/server/inference-server.js';
import { createTensor, type Tensor } from '../../src/runtime/tensor.js';
import { maxAbsDiff } from '../fixtures/onnx/index.js';
import { hooked, loadTinyServedModels, servedFixture } from './served-fixtures.js';

const unet = servedFixture('unet');
const logs: string[] = [];
let server: InferenceServer;

beforeAll(async () => {
  server = await startInferenceServer({ models: await loadTinyServedModels(), port: 0, maxRequestBytes: 200_000, log: (l) => logs.push(l), version: '9.9.9' });
});
afterAll(async () => server.close());

const url = (path: string) => `${server.url}${path}`;

async function json(res: Response): Promise<unknown> {
  expect(res.headers.get('content-type')).toBe('application/json');
  return res.json();
}

/** A failed request's body is `{"error": "<text>"}` and nothing else (the protocol's error object). */
async function expectError(res: Response, status: number, pattern: RegExp): Promise<void> {
  expect(res.status).toBe(status);
  const body = (await json(res)) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatch(pattern);
}

function feedsOf(seed: number): Record<string, Tensor> {
  return unet.fixture.sampleFeeds(seed);
}

/** A tensor as the protocol's JSON input object. */
function jsonInput(name: string, t: Tensor) {
  return { name, shape: [...t.dims], datatype: t.type === 'float32' ? 'FP32' : 'INT64', data: Array.from(t.data as Float32Array) };
}

function postInfer(model: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url(`/v2/models/${model}/infer`), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

describe('tessera serve: Open Inference Protocol conformance', () => {
  it('health: live and ready answer 200', async () => {
    expect(await json(await fetch(url('/v2/health/live')))).toEqual({ live: true });
    expect(await json(await fetch(url('/v2/health/ready')))).toEqual({ ready: true });
  });

  it('server metadata: name, version and extensions (binary_tensor_data)', async () => {
    expect(await json(await fetch(url('/v2')))).toEqual({ name: 'tessera', version: '9.9.9', extensions: ['binary_tensor_data'] });
  });

  it('model metadata: name, versions, platform, and inputs/outputs with datatype and shape (−1 for free sizes)', async () => {
    const meta = (await json(await fetch(url(`/v2/models/${unet.name}`)))) as Record<string, unknown>;
    expect(meta).toMatchObject({
      name: unet.name,
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [
        { name: 'sample', datatype: 'FP32', shape: [1, 4, 8, 8] },
        { name: 'timestep', datatype: 'FP32', shape: [1] },
        { name: 'encoder_hidden_states', datatype: 'FP32', shape: [1, 77, 16] },
      ],
      outputs: [{ name: 'out_sample', datatype: 'FP32', shape: [1, 4, 8, 8] }],
      parameters: { execution_provider: 'cpu' },
    });
    const encoder = (await json(await fetch(url('/v2/models/taesd.vae-encoder/versions/1')))) as { inputs: { shape: number[] }[] };
    expect(encoder.inputs[0].shape).toEqual([-1, -1, -1, -1]);
    expect(await json(await fetch(url(`/v2/models/${unet.name}/ready`)))).toEqual({ name: unet.name, ready: true });
    await expectError(await fetch(url(`/v2/models/${unet.name}/versions/2`)), 404, /unknown model "tiny-sdxs\.unet" version 2/);
    await expectError(await fetch(url('/v2/models/nope/ready')), 404, /unknown model "nope"; this server has tiny-sdxs\.text-encoder, /);
  });

  it('repository index (Triton\'s extension): every model READY', async () => {
    const index = await json(await fetch(url('/v2/repository/index'), { method: 'POST', body: '{}' }));
    expect(index).toEqual(['tiny-sdxs.text-encoder', 'tiny-sdxs.unet', 'tiny-sdxs.vae-decoder', 'taesd.vae-encoder'].map((name) => ({ name, version: '1', state: 'READY' })));
  });

  it('inference in JSON: id echoed, outputs with name, shape, datatype and row-major data; nested data accepted', async () => {
    const feeds = feedsOf(3);
    const inputs = Object.entries(feeds).map(([n, t]) => jsonInput(n, t));
    // The sample as nested lists [1][4][8][8], as the protocol allows.
    const sample = inputs[0].data;
    const nested = [[0, 1, 2, 3].map((c) => Array.from({ length: 8 }, (_, y) => sample.slice(c * 64 + y * 8, c * 64 + y * 8 + 8)))];
    const request = { id: 'req-42', inputs: [{ ...inputs[0], data: nested }, ...inputs.slice(1)], outputs: [{ name: 'out_sample' }] };
    const res = await postInfer(unet.name, JSON.stringify(request));
    expect(res.status).toBe(200);
    expect(res.headers.get('inference-header-content-length')).toBeNull();
    const body = (await json(res)) as { model_name: string; model_version: string; id: string; outputs: { name: string; shape: number[]; datatype: string; data: number[] }[] };
    expect(Object.keys(body).sort()).toEqual(['id', 'model_name', 'model_version', 'outputs']);
    expect(body).toMatchObject({ model_name: unet.name, model_version: '1', id: 'req-42' });
    expect(body.outputs).toHaveLength(1);
    const [out] = body.outputs;
    expect(out).toMatchObject({ name: 'out_sample', shape: [1, 4, 8, 8], datatype: 'FP32' });
    const got = createTensor('float32', Float32Array.from(out.data), out.shape);
    expect(maxAbsDiff(got, unet.fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
  });

  it('inference with binary tensor data both ways (Inference-Header-Content-Length, binary_data_size, binary_data_output)', async () => {
    const feeds = feedsOf(4);
    const names = Object.keys(feeds);
    const bytes = names.map((n) => new Uint8Array(feeds[n].data.buffer.slice(0)));
    const request = {
      parameters: { binary_data_output: true },
      inputs: names.map((n, i) => ({ name: n, shape: [...feeds[n].dims], datatype: 'FP32', parameters: { binary_data_size: bytes[i].length } })),
    };
    const body = encodeBodyParts(request, bytes);
    const res = await postInfer(unet.name, body.bytes, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(body.headerLength) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const all = new Uint8Array(await res.arrayBuffer());
    const headerLength = Number(res.headers.get('inference-header-content-length'));
    const head = JSON.parse(new TextDecoder().decode(all.subarray(0, headerLength))) as { outputs: { name: string; shape: number[]; datatype: string; parameters: { binary_data_size: number }; data?: unknown }[] };
    expect(head.outputs).toEqual([{ name: 'out_sample', shape: [1, 4, 8, 8], datatype: 'FP32', parameters: { binary_data_size: 1024 } }]);
    expect(all.length).toBe(headerLength + 1024);
    const got = createTensor('float32', new Float32Array(all.slice(headerLength).buffer), [1, 4, 8, 8]);
    expect(maxAbsDiff(got, unet.fixture.reference(feeds).out_sample)).toBeLessThan(1e-5);
  });

  it('a per-output binary_data overrides binary_data_output', async () => {
    const feeds = feedsOf(5);
    const request = { parameters: { binary_data_output: true }, inputs: Object.entries(feeds).map(([n, t]) => jsonInput(n, t)), outputs: [{ name: 'out_sample', parameters: { binary_data: false } }] };
    const res = await postInfer(unet.name, JSON.stringify(request));
    const body = (await json(res)) as { outputs: { data: number[] }[] };
    expect(body.outputs[0].data).toHaveLength(256);
  });

  it.each([
    ['not JSON', '{"inputs": [', /malformed inference request: the body's JSON does not parse/],
    ['no inputs', '{}', /request\.inputs must be a list/],
    ['an unknown datatype', JSON.stringify({ inputs: [{ name: 'sample', shape: [1], datatype: 'BYTES', data: ['x'] }] }), /is not one Tessera passes/],
    ['data that does not fit the shape', JSON.stringify({ inputs: [{ name: 'sample', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3] }] }), /has 3 values, its shape holds 4/],
    ['a binary size past the body', JSON.stringify({ inputs: [{ name: 'timestep', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }] }), /binary data runs past the end/],
    ['feeds the model does not take', JSON.stringify({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), /was given inputs it cannot take: missing sample, timestep, encoder_hidden_states; unexpected x/],
    ['an output the model does not have', JSON.stringify({ inputs: Object.entries(feedsOf(1)).map(([n, t]) => jsonInput(n, t)), outputs: [{ name: 'nope' }] }), /has no output "nope"; its outputs are out_sample/],
  ])('answers a request with %s with 400 {"error"}', async (_label, body, pattern) => {
    await expectError(await postInfer(unet.name, body), 400, pattern);
  });

  it('answers unknown paths 404, wrong methods 405 (with Allow), unknown models 404, all as {"error"}', async () => {
    await expectError(await fetch(url('/v1/models/x:predict')), 404, /no such endpoint/);
    const wrongMethod = await fetch(url(`/v2/models/${unet.name}/infer`));
    expect(wrongMethod.headers.get('allow')).toBe('POST, OPTIONS');
    await expectError(wrongMethod, 405, /GET is not allowed here; use POST/);
    await expectError(await postInfer('no-such-model', '{}'), 404, /unknown model "no-such-model"/);
  });

  it('refuses a body over the size limit with 413, declared or streamed, and keeps serving', async () => {
    const big = new Uint8Array(3_000_000);
    await expectError(await postInfer(unet.name, big), 413, /too large: the body is 3000000 bytes, more than 200000/);
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 30; i++) c.enqueue(new Uint8Array(100_000));
        c.close();
      },
    });
    const streamed = await fetch(url(`/v2/models/${unet.name}/infer`), { method: 'POST', body: stream, duplex: 'half' } as RequestInit);
    await expectError(streamed, 413, /larger than 200000 bytes/);
    expect((await fetch(url('/v2/health/ready'))).status).toBe(200);
  });

  it('logs one line per request with method, path, status and sizes, never tensor values', async () => {
    logs.length = 0;
    const feeds = feedsOf(6);
    const request = { inputs: Object.entries(feeds).map(([n, t]) => jsonInput(n, t)) };
    expect((await postInfer(unet.name, JSON.stringify(request))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(new RegExp(`^\\S+Z POST /v2/models/${unet.name}/infer 200 \\d+ms in \\d+\\.\\d kB out \\d+\\.\\d kB$`));
    const sampleValue = String((feeds.sample.data as Float32Array)[0]).slice(0, 8);
    expect(logs[0]).not.toContain(sampleValue);
  });

  it('survives malformed HTTP: answers 400 in the protocol\'s shape and keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write('GARBAGE \u0001\u0002 / HTTP/9\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(reply).toContain('{"error":"malformed HTTP request');
    expect((await fetch(url('/v2/health/live'))).status).toBe(200);
  });
});

describe('tessera serve: who may call it', () => {
  it('answers Tessera\'s own pages with CORS headers and a preflight (with Private Network Access)', async () => {
    const origin = 'http://localhost:4173';
    const res = await fetch(url('/v2'), { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('vary')).toBe('Origin');
    const preflight = await fetch(url(`/v2/models/${unet.name}/infer`), {
      method: 'OPTIONS',
      headers: { origin: 'https://tessera-plugin.example', 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://tessera-plugin.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Inference-Header-Content-Length');
    expect(preflight.headers.get('access-control-allow-private-network')).toBe('true');
  });

  it('refuses other web pages before doing any work, with or without an Origin', async () => {
    await expectError(await postInfer(unet.name, '{}', { origin: 'https://evil.example' }), 403, /web page at https:\/\/evil\.example are not allowed/);
    await expectError(await fetch(url('/v2'), { method: 'OPTIONS', headers: { origin: 'https://evil.example' } }), 403, /not allowed/);
    await expectError(await fetch(url('/v2'), { headers: { 'sec-fetch-site': 'cross-site' } }), 403, /not allowed/);
  });

  it('on loopback, answers only to loopback host names (no DNS rebinding)', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/v2', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    expect(await status(`localhost:${server.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${server.port}`)).toBe(200);
    expect(await status(`evil.example:${server.port}`)).toBe(403);
    expect(await status('localhost:1')).toBe(403);
  });

  it('will not listen on another address without a token', async () => {
    const e = await startInferenceServer({ models: [], port: 0, host: '0.0.0.0' }).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(TesseraError);
    expect((e as TesseraError).userMessage).toMatch(/Serving on 0\.0\.0\.0 makes the models reachable from other machines: give a token/);
  });

  it('says when the port is taken', async () => {
    const e = await startInferenceServer({ models: [], port: server.port }).then(() => null, (err: unknown) => err);
    expect(e).toMatchObject({ code: 'io' });
    expect((e as TesseraError).userMessage).toMatch(new RegExp(`port ${server.port} is in use`));
  });
});

describe('tessera serve: graceful shutdown', () => {
  it('stops accepting, finishes the request in flight, then releases every model', async () => {
    const events: string[] = [];
    const slow = await startInferenceServer({
      models: await loadTinyServedModels((r, name) => hooked(r, { delayMs: name === unet.name ? 300 : 0, onRun: (e) => events.push(`run ${e}`), onRelease: () => events.push(`release ${name}`) })),
      port: 0,
    });
    const request = { inputs: Object.entries(feedsOf(7)).map(([n, t]) => jsonInput(n, t)) };
    const inFlight = fetch(`${slow.url}/v2/models/${unet.name}/infer`, { method: 'POST', body: JSON.stringify(request) });
    while (!events.includes('run start')) await new Promise((r) => setTimeout(r, 5));
    const closed = slow.close();
    await expect(fetch(`${slow.url}/v2/health/live`)).rejects.toThrow(); // no new connections
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outputs: unknown[] }).outputs).toHaveLength(1);
    await closed;
    expect(events.slice(0, 2)).toEqual(['run start', 'run end']);
    expect(events.filter((e) => e.startsWith('release'))).toHaveLength(4);
    await slow.close(); // idempotent
  });
});
