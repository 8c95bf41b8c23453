import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrtWebRunner } from '../../../src/runtime/onnx/ort-web-runner.js';
import { bundleAndServe, CHROMIUM_PATH, hasChromium, type ServedBundle } from '../../browser/chromium.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, type OnnxFixture } from '../../fixtures/onnx/index.js';
import type { TinyPageApi } from './tiny-generate-page.js';
import { maxDiff, runTinyGenerate, TINY_ROLES, type TinyGenerateResult, type TinyRole } from './tiny-generate.js';

/**
 * The tiny SDXS pipeline (fixed 8×8 latents → 64×64 images) in headless Chromium, once on WebGPU
 * (SwiftShader, via --enable-unsafe-webgpu: shared/reference/runtime.md §4.2) and once on wasm,
 * against the same generate in Node on onnxruntime-web's wasm build.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const ORT_DIST = path.join(ROOT, 'node_modules/onnxruntime-web/dist');
/** launchBrowser's flags (test/browser/chromium.ts) plus the one that gives navigator.gpu an adapter. */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--enable-unsafe-webgpu'];
const FLOAT_TOLERANCE = 1e-4;
const BYTE_TOLERANCE = 1;

function tinyFixtures(): Record<TinyRole, OnnxFixture> {
  return { textEncoder: textEncoderFixture(), unet: unetFixture(), vaeDecoder: taesdDecoderFixture(), vaeEncoder: taesdEncoderFixture() };
}

function servedFiles(fixtures: Record<TinyRole, OnnxFixture>): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {};
  const index: Record<string, { spec: unknown; file: string }> = {};
  for (const role of TINY_ROLES) {
    index[role] = { spec: fixtures[role].spec, file: `${role}.onnx` };
    files[`tiny/${role}.onnx`] = fixtures[role].bytes;
  }
  files['tiny/models.json'] = JSON.stringify(index);
  for (const name of readdirSync(ORT_DIST)) if (name.endsWith('.wasm')) files[`ort/${name}`] = new Uint8Array(readFileSync(path.join(ORT_DIST, name)));
  return files;
}

function expectAgreement(label: string, actual: TinyGenerateResult, expected: TinyGenerateResult): { float: number; byte: number } {
  let float = 0, byte = 0;
  expect(actual.cases.map((c) => c.name)).toEqual(expected.cases.map((c) => c.name));
  actual.cases.forEach((c, i) => {
    const e = expected.cases[i];
    expect([c.width, c.height], `${label} ${c.name}: size`).toEqual([e.width, e.height]);
    const f = maxDiff(c.decoded, e.decoded), b = maxDiff(c.rgba, e.rgba);
    expect(f, `${label} ${c.name}: max |Δ| of the decoder's float output`).toBeLessThanOrEqual(FLOAT_TOLERANCE);
    expect(b, `${label} ${c.name}: max |Δ| of the RGBA bytes`).toBeLessThanOrEqual(BYTE_TOLERANCE);
    float = Math.max(float, f);
    byte = Math.max(byte, b);
  });
  return { float, byte };
}

describe.skipIf(!hasChromium())('tiny SDXS generate in headless Chromium: WebGPU (SwiftShader) vs wasm vs Node', () => {
  let bundle: ServedBundle;
  let browser: Browser;
  let node: TinyGenerateResult;

  beforeAll(async () => {
    const fixtures = tinyFixtures();
    [bundle, browser, node] = await Promise.all([
      bundleAndServe({ 'tiny-generate-page': 'test/runtime/browser/tiny-generate-page.ts' }, { files: servedFiles(fixtures) }),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
      runTinyGenerate(fixtures, (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred: ['wasm'] })),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled([browser?.close(), bundle?.close()]);
  });

  it('WebGPU really runs, and agrees with wasm in the page and in Node', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    await page.goto(bundle.pageUrl('tiny-generate-page'));
    await page.waitForFunction(() => (globalThis as { tinyPage?: unknown }).tinyPage !== undefined, undefined, { timeout: 10_000 });

    const adapter = await page.evaluate(() => (globalThis as unknown as { tinyPage: TinyPageApi }).tinyPage.adapter());
    if (!adapter) throw new Error(`navigator.gpu gave no adapter in ${CHROMIUM_PATH} with ${CHROMIUM_ARGS.join(' ')}; page problems: ${problems.join(' | ') || 'none'}`);

    const t0 = performance.now();
    const webgpu = await page.evaluate(() => (globalThis as unknown as { tinyPage: TinyPageApi }).tinyPage.generate(['webgpu']));
    const t1 = performance.now();
    const wasm = await page.evaluate(() => (globalThis as unknown as { tinyPage: TinyPageApi }).tinyPage.generate(['wasm']));
    const t2 = performance.now();

    for (const role of TINY_ROLES) {
      expect(webgpu.backends[role], `${role}: ${webgpu.backendReasons[role]}`).toBe('webgpu');
      expect(webgpu.backendReasons[role]).toMatch(/^WebGPU adapter found/);
      expect(wasm.backends[role], `${role}: ${wasm.backendReasons[role]}`).toBe('wasm');
      expect(node.backends[role]).toBe('wasm');
    }
    const gpuVsWasm = expectAgreement('webgpu vs page wasm', webgpu, wasm);
    const gpuVsNode = expectAgreement('webgpu vs Node wasm', webgpu, node);
    const wasmVsNode = expectAgreement('page wasm vs Node wasm', wasm, node);
    console.log(
      `adapter ${adapter.vendor}/${adapter.architecture} (${webgpu.backendReasons.unet}); ` +
        `webgpu ${((t1 - t0) / 1000).toFixed(1)} s, page wasm ${((t2 - t1) / 1000).toFixed(1)} s; max |Δ| float/byte: ` +
        `webgpu–wasm ${gpuVsWasm.float.toExponential(2)}/${gpuVsWasm.byte}, webgpu–node ${gpuVsNode.float.toExponential(2)}/${gpuVsNode.byte}, ` +
        `wasm–node ${wasmVsNode.float.toExponential(2)}/${wasmVsNode.byte}`,
    );
    expect(problems).toEqual([]);
  }, 90_000);
});
