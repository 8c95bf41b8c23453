import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../../build/build.js';
import { startStaticServer, type StaticServer } from '../../../build/static-server.js';
import { encodePng } from '../../../src/core/codecs/png.js';
import { createImage } from '../../../src/core/image.js';
import { resizeImage } from '../../../src/core/resize.js';
import { paletteToHex } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { upsampleTo } from '../../../src/runtime/upscale/upsample.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { hasChromium, launchBrowser } from '../../browser/chromium.js';
import { loadLearnedUpsampler } from '../../runtime/upsample/learned-runner.js';

/**
 * What an artist does in the standalone editor that `npm start` serves, in real Chromium:
 * open an image, select, pixelate, undo, redo, hit errors, cancel. The page's live document is
 * read through `window.tessera` (set by the entry for exactly this).
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const PICO = new Set(paletteToHex(getPreset('pico-8').palette));

interface LayerView { name: string; x: number; y: number; width: number; height: number; pixels: number[] }

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  await buildAll({ only: ['standalone', 'pixelate-worker'] });
  server = await startStaticServer(path.join(ROOT, 'dist/standalone'), 0);
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openEditor(options: { sample?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (e) => { throw e; });
  if (options.sample === false) await page.route('**/sample.jpg', (route) => route.abort());
  await page.goto(server.url);
  await page.waitForFunction(() => customElements.get('tessera-panel') !== undefined);
  return page;
}

async function openImage(page: Page, name: string, png: Uint8Array): Promise<void> {
  await page.locator('tessera-editor input[type=file]').first().setInputFiles({ name, mimeType: 'image/png', buffer: Buffer.from(png) });
  await page.waitForFunction((n) => (window as any).tessera.document.state?.name === n, name);
}

async function layers(page: Page): Promise<LayerView[]> {
  return page.evaluate(() =>
    (window as any).tessera.document.state.layers.map((l: any) => ({
      name: l.name, x: l.x, y: l.y, width: l.pixels.width, height: l.pixels.height, pixels: Array.from(l.pixels.data as Uint8ClampedArray),
    })),
  );
}

async function layerNames(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as any).tessera.document.state.layers.map((l: any) => l.name));
}

/** Drag a marquee from document pixel (x0, y0) to (x1, y1). */
async function dragSelection(page: Page, x0: number, y0: number, x1: number, y1: number): Promise<void> {
  const zoom = await page.evaluate(() => document.querySelector('tessera-editor')!.zoom);
  const box = (await page.locator('tessera-canvas-view .frame').boundingBox())!;
  await page.mouse.move(box.x + x0 * zoom, box.y + y0 * zoom);
  await page.mouse.down();
  await page.mouse.move(box.x + ((x0 + x1) / 2) * zoom, box.y + ((y0 + y1) / 2) * zoom);
  await page.mouse.move(box.x + x1 * zoom, box.y + y1 * zoom);
  await page.mouse.up();
}

const hex = (p: number[], i: number) => '#' + [p[i], p[i + 1], p[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');

describe.skipIf(!hasChromium())('standalone editor with the Tessera panel', () => {
  it('pixelates a selection into a new PICO-8 layer, undoes and redoes it', async () => {
    const page = await openEditor();
    const source = hueSweepImage(160, 120);
    await openImage(page, 'sweep.png', encodePng(source));

    await dragSelection(page, 16, 8, 80, 56);
    expect(await page.evaluate(() => (window as any).tessera.document.state.selection)).toEqual({ x: 16, y: 8, width: 64, height: 48 });

    await page.getByRole('radio', { name: /^Game Boy \(DMG green\),/ }).check();
    await page.getByRole('radio', { name: /^PICO-8,/ }).check();
    const size = page.getByLabel('Size', { exact: true });
    await size.fill('32');
    await size.press('Enter');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('p.notice').textContent(), { timeout: 15_000 }).toMatch(/Added “Pixelate · PICO-8 · 32×24 · .*” \(1 undo step\)/);

    const [background, result] = await layers(page);
    // The source layer is byte-identical to the file that was opened.
    expect(background.pixels).toEqual(Array.from(source.data));
    // One new layer at the selection, 64×48 px in 32×24 cells of 2×2 px, PICO-8 colours only.
    expect(result).toMatchObject({ x: 16, y: 8, width: 64, height: 48 });
    expect(result.name).toMatch(/^Pixelate · PICO-8 · 32×24/);
    const p = result.pixels;
    for (let y = 0; y < 48; y++) {
      for (let x = 0; x < 64; x++) {
        const i = (y * 64 + x) * 4;
        expect(p[i + 3] === 0 || p[i + 3] === 255).toBe(true);
        if (p[i + 3] === 255) expect(PICO.has(hex(p, i))).toBe(true);
        const cell = ((y & ~1) * 64 + (x & ~1)) * 4;
        expect(p.slice(i, i + 4)).toEqual(p.slice(cell, cell + 4));
      }
    }
    await page.screenshot({ path: path.join(mkdirOnce(), 'standalone-editor.png') });

    await page.locator('body').press('Control+z');
    expect(await layerNames(page)).toEqual(['Background']);
    await page.locator('body').press('Control+Shift+z');
    expect(await layerNames(page)).toEqual(['Background', result.name]);
    await page.close();
  });

  it('upscales ×2 in place without a diffusion model (Lanczos): twice the size, one new layer over the scaled old one, one undo back', async () => {
    const page = await openEditor();
    const source = hueSweepImage(40, 30);
    await openImage(page, 'small.png', encodePng(source));
    const upscale = page.locator('tessera-section[heading="Upscale"]');
    await upscale.locator('button.toggle').click();
    // No model in this browser's cache: the section says so, and Upscale still runs.
    await expect.poll(() => upscale.locator('.refine-note').textContent()).toMatch(/^Refinement needs SDXS-512 DreamShaper — download it above; upscaling with Lanczos only\.$/);
    const stepsBefore = await page.evaluate(() => (window as any).tessera.document.historyEntries().length);
    await upscale.locator('tessera-upscale-controls button.run').click();
    await expect.poll(() => upscale.locator('.upscale-notice').textContent(), { timeout: 15_000 }).toMatch(/^Added “Upscale · ×2 · lanczos” at 80×60 \(1 undo step\)\. Refinement needs a diffusion model/);

    expect(await page.evaluate(() => { const s = (window as any).tessera.document.state; return [s.width, s.height]; })).toEqual([80, 60]);
    const [background, result] = await layers(page);
    expect(result).toMatchObject({ name: 'Upscale · ×2 · lanczos', x: 0, y: 0, width: 80, height: 60 });
    // The new layer is a Lanczos-3 ×2 of the picture (the command's lean Lanczos, within a level or two)…
    const lanczos = Array.from(resizeImage(source, 80, 60, 'lanczos3').data);
    expect(Math.max(...result.pixels.map((v, i) => Math.abs(v - lanczos[i])))).toBeLessThanOrEqual(2);
    // …and the old layer lies under it, scaled the same way by the editor, so both stay aligned.
    expect(background).toMatchObject({ name: 'Background', x: 0, y: 0, width: 80, height: 60 });
    expect(background.pixels).toEqual(lanczos);
    expect(await page.evaluate(() => (window as any).tessera.document.historyEntries().length)).toBe(stepsBefore + 1);
    await page.screenshot({ path: path.join(mkdirOnce(), 'standalone-upscale.png') });

    // ONE undo gives back the original size and the original layer, byte for byte.
    await page.locator('body').press('Control+z');
    expect(await page.evaluate(() => { const s = (window as any).tessera.document.state; return [s.width, s.height]; })).toEqual([40, 30]);
    const restored = await layers(page);
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ name: 'Background', x: 0, y: 0, width: 40, height: 30 });
    expect(restored[0].pixels).toEqual(Array.from(source.data));
    await page.close();
  });

  it('upscales ×2 with "Learned ×2": the RDN network the build put beside the page, fetched only then, as Node runs it', async () => {
    const page = await openEditor();
    const fetched: string[] = [];
    page.on('request', (r) => void (r.url().endsWith('.onnx') && fetched.push(new URL(r.url()).pathname)));
    const source = hueSweepImage(40, 30);
    await openImage(page, 'small.png', encodePng(source));
    const upscale = page.locator('tessera-section[heading="Upscale"]');
    await upscale.locator('button.toggle').click();
    await upscale.getByLabel('Upsampler').selectOption('learned');
    await expect.poll(() => upscale.locator('.refine-note').textContent()).toMatch(/; upscaling with the learned ×2 network only\.$/);
    expect(fetched).toEqual([]);
    await upscale.locator('tessera-upscale-controls button.run').click();
    await expect.poll(() => upscale.locator('.upscale-notice').textContent(), { timeout: 30_000 }).toMatch(/^Added “Upscale · ×2 · learned” at 80×60 \(1 undo step\)\./);
    expect(fetched).toEqual(['/rdn-2x.onnx']);

    const [, result] = await layers(page);
    expect(result).toMatchObject({ name: 'Upscale · ×2 · learned', x: 0, y: 0, width: 80, height: 60 });
    // The same network in Node (onnxruntime-web's wasm there too); the page may run it on WebGPU,
    // so allow float differences of a level or two.
    const runner = await loadLearnedUpsampler();
    const node = await upsampleTo(source, { width: 80, height: 60 }, runner).finally(() => runner.release());
    const diff = channelDiff(result.pixels, Array.from(node.data));
    expect(diff.max).toBeLessThanOrEqual(3);
    expect(diff.mean).toBeLessThan(0.25);
    // …and it is not Lanczos.
    expect(channelDiff(result.pixels, Array.from(resizeImage(source, 80, 60, 'lanczos3').data)).max).toBeGreaterThan(8);
    await page.screenshot({ path: path.join(mkdirOnce(), 'standalone-upscale-learned.png') });
    await page.close();
  });

  it('explains an empty layer in the panel and changes nothing', async () => {
    const page = await openEditor();
    await openImage(page, 'empty.png', encodePng(createImage(40, 30)));
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/empty/i);
    expect(await layerNames(page)).toEqual(['Background']);
    expect(await page.evaluate(() => (window as any).tessera.document.historyEntries().length)).toBe(1);
    await page.close();
  });

  it('explains that there is no document yet', async () => {
    const page = await openEditor({ sample: false });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/open an image/i);
    expect(await page.evaluate(() => (window as any).tessera.document.state)).toBeNull();
    await page.close();
  });

  it('cancels a long job and leaves no layer behind', async () => {
    const page = await openEditor();
    await openImage(page, 'big.png', encodePng(hueSweepImage(1600, 1200)));
    await page.getByRole('button', { name: 'Cell px' }).click();
    const size = page.getByLabel('Cell size', { exact: true });
    await size.fill('1');
    await size.press('Enter');
    await page.getByLabel('Dither').selectOption('atkinson');
    await page.getByRole('radio', { name: /^AAP-64,/ }).check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('progressbar').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.locator('p.notice').textContent()).toMatch(/Cancelled/);
    await expect(page.getByRole('progressbar').count()).resolves.toBe(0);
    expect(await layerNames(page)).toEqual(['Background']);
    await page.close();
  });

  it('shows Refine in the live preview while the worker runs it, then its result', async () => {
    const page = await openEditor({ sample: false });
    await openImage(page, 'sweep.png', encodePng(hueSweepImage(160, 120)));
    const status = () => page.evaluate(() => (window as any).tessera.store.get().preview.status ?? null);
    await page.getByLabel('Refine (looks drawn, slower)').check();
    const iterations = page.getByLabel('Iterations');
    await iterations.fill('3000');
    await iterations.press('Enter');
    await expect.poll(status, { timeout: 20_000, interval: 10 }).toMatch(/^Refining \d+ \/ 3000$/);
    expect(await page.locator('tessera-preview .caption .status').textContent()).toMatch(/^Refining/);
    await expect.poll(() => page.evaluate(() => (window as any).tessera.store.get().preview), { timeout: 30_000 }).toMatchObject({ kind: 'ready', width: 64, height: 48 });
    await expect.poll(status, { timeout: 30_000 }).toBeNull();
    await page.close();
  });
});

/** Largest and mean absolute difference over all channels of two pixel arrays of one size. */
function channelDiff(a: readonly number[], b: readonly number[]): { max: number; mean: number } {
  expect(a.length).toBe(b.length);
  let max = 0, sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

function mkdirOnce(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
