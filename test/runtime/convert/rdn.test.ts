import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/core/codecs/decode-image.js';
import { decodePng } from '../../../src/core/codecs/png.js';
import { isTesseraError } from '../../../src/core/errors.js';
import { cropImage, type RgbaImage } from '../../../src/core/image.js';
import { ssim } from '../../../src/core/metrics.js';
import { resizeImage } from '../../../src/core/resize.js';
import type { ModelRunner } from '../../../src/runtime/model-runner.js';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { convertTfjsLayersToOnnx, type TfjsLayersModelJson } from '../../../src/runtime/convert/tfjs-layers-to-onnx.js';
import { learnedUpsamplerSpec, upscale2x } from '../../../src/runtime/upsample/learned-upsampler.js';

const { onnx } = onnxProto;

/** RDN ×2 (MIT) from @upscalerjs/default-model@1.0.0, a devDependency; see reference/runtime.md §2.2. */
const PKG = fileURLToPath(new URL('../../../node_modules/@upscalerjs/default-model/', import.meta.url));
const ASSETS = fileURLToPath(new URL('../../../assets/', import.meta.url));

function loadPackage(): { json: TfjsLayersModelJson; weights: Uint8Array } {
  const json = JSON.parse(readFileSync(`${PKG}models/model.json`, 'utf8')) as TfjsLayersModelJson;
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => new Uint8Array(readFileSync(`${PKG}models/${p}`))));
  const weights = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const s of shards) {
    weights.set(s, offset);
    offset += s.length;
  }
  return { json, weights };
}

function expectMismatch(fn: () => unknown, layerName: string): void {
  try {
    fn();
  } catch (e) {
    expect(isTesseraError(e) && e.code).toBe('model-mismatch');
    expect((e as Error).message).toContain(layerName);
    return;
  }
  throw new Error('expected model-mismatch');
}

/** Mean and max absolute difference per 8-bit value, over R, G and B. */
function rgbDiff(a: RgbaImage, b: RgbaImage): { mean: number; max: number } {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0, max = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(a.data[i + c] - b.data[i + c]);
      sum += d;
      max = Math.max(max, d);
      n++;
    }
  }
  return { mean: sum / n, max };
}

function psnr(a: RgbaImage, b: RgbaImage): number {
  let se = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      se += (a.data[i + c] - b.data[i + c]) ** 2;
      n++;
    }
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}

describe('tfjs-layers-to-onnx: RDN ×2 from @upscalerjs/default-model', () => {
  const { json, weights } = loadPackage();
  const converted = convertTfjsLayersToOnnx(json, weights);
  let runner: ModelRunner;

  beforeAll(async () => {
    runner = await createOrtWebRunner(learnedUpsamplerSpec('rdn-2x'), converted.bytes, { preferred: ['wasm'] });
  });
  afterAll(async () => {
    await runner?.release();
  });

  it('writes an NCHW model with input `input` / output `output` and free H and W', () => {
    const model = onnx.ModelProto.decode(converted.bytes);
    expect(Number(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const graph = model.graph as OnnxTypes.GraphProto;
    const dims = (v: OnnxTypes.IValueInfoProto) => (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)));
    expect(graph.input.map((v) => v.name)).toEqual(['input']);
    expect(graph.output.map((v) => v.name)).toEqual(['output']);
    expect(dims(graph.input[0])).toEqual([1, 3, 'height', 'width']);
    expect(dims(graph.output[0])).toEqual([1, 3, 'out_height', 'out_width']);
    expect(converted.layerCount).toBe(24);
    expect(new Set(graph.node.map((n) => n.opType))).toEqual(new Set(['Conv', 'Relu', 'Concat', 'Add', 'Resize']));
    expect(runner.inputNames).toEqual(['input']);
    expect(runner.outputNames).toEqual(['output']);
    console.log(`converted: ${converted.bytes.length} bytes, ${converted.layerCount} Keras layers → ${converted.nodeCount} ONNX nodes`);
  });

  it('reproduces the package sample (fixture.png ×2 → samples/2x/result.png) within 1/255 on average', async () => {
    const fixture = decodePng(readFileSync(`${PKG}assets/fixture.png`));
    const expected = decodePng(readFileSync(`${PKG}assets/samples/2x/result.png`));
    expect([fixture.width, fixture.height]).toEqual([128, 128]);
    await upscale2x(fixture, runner); // warm-up
    const t0 = performance.now();
    const result = await upscale2x(fixture, runner);
    const ms = performance.now() - t0;
    const diff = rgbDiff(result, expected);
    const nearest = rgbDiff(resizeImage(fixture, 256, 256, 'nearest'), expected);
    console.log(`RDN ×2 vs package sample: mean abs diff ${diff.mean.toFixed(4)}, max ${diff.max} (nearest: mean ${nearest.mean.toFixed(2)}); 128² → 256² in ${ms.toFixed(0)} ms on wasm`);
    expect(diff.mean).toBeLessThanOrEqual(1.0);
    expect(diff.mean).toBeLessThan(nearest.mean / 4);
    expect(result.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  });

  it('upscales alpha separately with lanczos3', async () => {
    const img = cropImage(decodePng(readFileSync(`${PKG}assets/fixture.png`)), { x: 0, y: 0, width: 16, height: 16 });
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = (i >> 2) % 16 < 8 ? 255 : 0;
    const result = await upscale2x(img, runner);
    const alpha = resizeImage(img, 32, 32, 'lanczos3');
    expect(result.data.filter((_, i) => i % 4 === 3)).toEqual(alpha.data.filter((_, i) => i % 4 === 3));
  });

  it('stops on an aborted signal', async () => {
    const img = cropImage(decodePng(readFileSync(`${PKG}assets/fixture.png`)), { x: 0, y: 0, width: 8, height: 8 });
    await expect(upscale2x(img, runner, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('compares with lanczos3 on a real photo (chelsea.jpg, 160² crop, area ×0.5 then ×2)', async () => {
    const original = cropImage(decodeImage(readFileSync(`${ASSETS}images/chelsea.jpg`)), { x: 140, y: 40, width: 160, height: 160 });
    const small = resizeImage(original, 80, 80, 'area');
    const t0 = performance.now();
    const learned = await upscale2x(small, runner);
    const ms = performance.now() - t0;
    const lanczos = resizeImage(small, 160, 160, 'lanczos3');
    const report = {
      learned: { psnr: psnr(learned, original), ssim: ssim(learned, original) },
      lanczos3: { psnr: psnr(lanczos, original), ssim: ssim(lanczos, original) },
    };
    console.log(
      `chelsea 160² (area ½ → ×2): RDN PSNR ${report.learned.psnr.toFixed(2)} dB, SSIM ${report.learned.ssim.toFixed(4)} (${ms.toFixed(0)} ms); ` +
        `lanczos3 PSNR ${report.lanczos3.psnr.toFixed(2)} dB, SSIM ${report.lanczos3.ssim.toFixed(4)}`,
    );
    expect(report.learned.psnr).toBeGreaterThan(20);
    expect(report.learned.psnr).toBeLessThan(60);
  });
});

describe('tfjs-layers-to-onnx: refusals', () => {
  const { json, weights } = loadPackage();
  const clone = (): TfjsLayersModelJson => JSON.parse(JSON.stringify(json)) as TfjsLayersModelJson;
  const layers = (j: TfjsLayersModelJson) => j.modelTopology.model_config!.config.layers as unknown as { class_name: string; name: string; config: Record<string, unknown> }[];

  it('refuses a layer type it does not know, naming the layer', () => {
    const j = clone();
    const layer = layers(j).find((l) => l.name === 'F_1_1_Relu')!;
    layer.class_name = 'BatchNormalization';
    expectMismatch(() => convertTfjsLayersToOnnx(j, weights), 'F_1_1_Relu');
  });

  it('refuses an activation it does not know', () => {
    const j = clone();
    layers(j).find((l) => l.name === 'UPN1_Relu')!.config.activation = 'swish';
    expectMismatch(() => convertTfjsLayersToOnnx(j, weights), 'UPN1_Relu');
  });

  it('refuses a weight of the wrong shape, naming the layer', () => {
    const j = clone();
    // GFF_1 now says 32 filters, so its kernel should be [1,1,128,32]; the manifest has [1,1,128,64].
    layers(j).find((l) => l.name === 'GFF_1')!.config.filters = 32;
    expectMismatch(() => convertTfjsLayersToOnnx(j, weights), 'GFF_1');
  });

  it('refuses weight bytes that do not match the manifest', () => {
    expectMismatch(() => convertTfjsLayersToOnnx(json, weights.subarray(0, weights.length - 4)), 'bytes');
  });
});
