/**
 * Browser entry for webgpu.browser.test.ts: fetches the tiny SDXS models the test built in Node
 * (/tiny/models.json + /tiny/<role>.onnx) and runs the same generate on the backends asked for.
 * ORT's wasm files are served by the test under /ort/ (from node_modules/onnxruntime-web/dist).
 */
import * as ort from 'onnxruntime-web';
import type { ModelSpec } from '../../../src/runtime/model-runner.js';
import type { OrtExecutionProvider, OrtModule } from '../../../src/runtime/onnx/ort-module.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { runTinyGenerate, TINY_ROLES, type TinyGenerateResult, type TinyModel, type TinyRole } from './tiny-generate.js';

// The object form: only the .wasm comes from /ort/. The folder form ('/ort/') would also fetch
// ort-wasm-simd-threaded.jsep.mjs from there, and the test server (test/browser/chromium.ts)
// serves .mjs as application/octet-stream, which Chromium refuses to import; the bundle
// (ort.bundle.min.mjs, JSEP: WebGPU + wasm) already embeds that glue.
ort.env.wasm.wasmPaths = { wasm: new URL('/ort/ort-wasm-simd-threaded.jsep.wasm', location.href).href };
ort.env.wasm.numThreads = 1;
// ORT logs its warnings through console.error (the test fails on console errors); the sessions
// below get logSeverityLevel 3 because WebGPU sessions warn that shape ops stay on the CPU.
ort.env.logLevel = 'error';
// The test server answers .wasm as application/octet-stream, so WebAssembly.compileStreaming
// refuses it (console error, then an ArrayBuffer fallback); handing ORT the bytes avoids that.
const wasmBinary = fetch(ort.env.wasm.wasmPaths.wasm as string).then(async (res) => {
  if (!res.ok) throw new Error(`GET ${res.url}: ${res.status}`);
  return res.arrayBuffer();
});

export interface TinyPageApi {
  /** navigator.gpu's adapter, as the page sees it (null: none). */
  adapter(): Promise<{ vendor: string; architecture: string } | null>;
  generate(preferred: OrtExecutionProvider[]): Promise<TinyGenerateResult>;
}

async function loadModels(): Promise<Record<TinyRole, TinyModel>> {
  const index = (await (await fetch('/tiny/models.json')).json()) as Record<TinyRole, { spec: ModelSpec; file: string }>;
  const models = {} as Record<TinyRole, TinyModel>;
  for (const role of TINY_ROLES) {
    const res = await fetch(`/tiny/${index[role].file}`);
    if (!res.ok) throw new Error(`GET /tiny/${index[role].file}: ${res.status}`);
    models[role] = { spec: index[role].spec, bytes: new Uint8Array(await res.arrayBuffer()) };
  }
  return models;
}

const api: TinyPageApi = {
  async adapter() {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string } } | null> } }).gpu;
    const adapter = await gpu?.requestAdapter();
    return adapter ? { vendor: adapter.info?.vendor ?? '', architecture: adapter.info?.architecture ?? '' } : null;
  },
  async generate(preferred) {
    ort.env.wasm.wasmBinary = await wasmBinary;
    const models = await loadModels();
    return runTinyGenerate(models, (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred, ort: ort as unknown as OrtModule, sessionOptions: { logSeverityLevel: 3 } }));
  },
};
(globalThis as { tinyPage?: TinyPageApi }).tinyPage = api;
document.title = 'ready';
