import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../../build/build.js';
import { startStaticServer, type StaticServer } from '../../../build/static-server.js';
import { encodePng } from '../../../src/core/codecs/png.js';
import { createImage } from '../../../src/core/image.js';
import { paletteToHex } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { hueSweepImage } from '../../fixtures/images.js';
import { hasChromium, launchBrowser } from '../../browser/chromium.js';

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
});

function mkdirOnce(): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
}
