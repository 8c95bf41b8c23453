import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAll } from '../../../build/build.js';
import { startStaticServer, type StaticServer } from '../../../build/static-server.js';
import { paletteToHex } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { bundleAndServe, hasChromium, launchBrowser, type ServedBundle } from '../../browser/chromium.js';
import { hueSweepImage } from '../../fixtures/images.js';
import type { PhotopeaSnapshot } from './fake-photopea/page.js';

/**
 * The real Photopea plugin bundle (dist/photopea) in real Chromium, inside the fake Photopea
 * page as Photopea runs it: a cross-origin iframe talking postMessage, with start-up "done",
 * noise pings and placed images that arrive after their "done". What a user would see, in the
 * panel and in the document.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const PICO = new Set(paletteToHex(getPreset('pico-8').palette));
const SELECTION = { x: 16, y: 8, width: 64, height: 48 };

let plugin: StaticServer;
let fakePage: ServedBundle;
let browser: Browser;

beforeAll(async () => {
  await buildAll({ only: ['photopea', 'photopea-worker'] });
  [plugin, fakePage, browser] = await Promise.all([
    startStaticServer(path.join(ROOT, 'dist/photopea'), 0), // http://localhost:…, another origin than the fake's 127.0.0.1
    bundleAndServe({ 'fake-photopea': 'test/hosts/photopea/fake-photopea/page.ts' }),
    launchBrowser(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([plugin?.close(), fakePage?.close()]);
});

async function openPhotopea(scenario: 'photo' | 'no-document' | 'broken-export'): Promise<{ page: Page; panel: FrameLocator; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${fakePage.pageUrl('fake-photopea')}?scenario=${scenario}&plugin=${encodeURIComponent(plugin.url)}`);
  const panel = page.frameLocator('#plugin');
  await panel.getByRole('button', { name: 'Apply' }).waitFor();
  return { page, panel, errors };
}

const snapshot = (page: Page): Promise<PhotopeaSnapshot> => page.evaluate(() => (window as unknown as { fakePhotopea: { snapshot(): PhotopeaSnapshot } }).fakePhotopea.snapshot());
const hex = (p: number[], i: number) => '#' + [p[i], p[i + 1], p[i + 2]].map((v) => v.toString(16).padStart(2, '0')).join('');

describe.skipIf(!hasChromium())('Tessera as a Photopea plugin', () => {
  it('pixelates the selection into one new PICO-8 layer, in the history steps it reports and no others', async () => {
    const { page, panel, errors } = await openPhotopea('photo');
    const before = await snapshot(page);
    expect(before.documents[0].history).toEqual(['Open']);

    await panel.getByRole('radio', { name: /^PICO-8,/ }).check();
    const size = panel.getByLabel('Size', { exact: true });
    await size.fill('16');
    await size.press('Enter');
    await panel.getByRole('button', { name: 'Apply' }).click();
    const notice = panel.locator('p.notice');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toMatch(/^Added “Pixelate · PICO-8 · 16×12 · none” \(\d+ undo steps\)\.$/);
    const historySteps = Number(/\((\d+) undo steps\)/.exec((await notice.textContent()) ?? '')?.[1]);
    mkdirSync(path.join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, 'test-artifacts/photopea-plugin.png') });

    const after = await snapshot(page);
    expect(after.documents.map((d) => d.name)).toEqual(['photo.jpg']); // no scratch document left open
    expect(after.activeDocument).toBe('photo.jpg');
    const [result, photo] = after.documents[0].layers;
    expect(after.documents[0].layers.map((l) => l.name)).toEqual(['Pixelate · PICO-8 · 16×12 · none', 'Photo']);
    // Undo takes exactly what the panel said, and reading (previews included) added nothing.
    expect(after.documents[0].history.slice(0, before.documents[0].history.length)).toEqual(before.documents[0].history);
    expect(after.documents[0].history.length - before.documents[0].history.length).toBe(historySteps);
    expect(after.documents[0].history.slice(1)).toEqual(['Place', 'Rename Layer']);
    // The source layer is byte for byte what it was.
    expect(photo.pixels).toEqual(Array.from(hueSweepImage(160, 120).data));

    // The placed layer covers the canvas: the result sits exactly on the selection, 16×12 cells
    // of 4×4 px in PICO-8 colours, and everything else is transparent.
    expect(result).toMatchObject({ x: 0, y: 0, width: 160, height: 120, visible: true });
    const p = result.pixels;
    for (let y = 0; y < 120; y++) {
      for (let x = 0; x < 160; x++) {
        const i = (y * 160 + x) * 4;
        const inside = x >= SELECTION.x && x < SELECTION.x + SELECTION.width && y >= SELECTION.y && y < SELECTION.y + SELECTION.height;
        if (!inside) {
          expect(p[i + 3]).toBe(0);
          continue;
        }
        expect(p[i + 3]).toBe(255);
        expect(PICO.has(hex(p, i))).toBe(true);
        const cell = ((SELECTION.y + ((y - SELECTION.y) & ~3)) * 160 + SELECTION.x + ((x - SELECTION.x) & ~3)) * 4;
        expect(p.slice(i, i + 4)).toEqual(p.slice(cell, cell + 4));
      }
    }

    // The quirks were there and did no harm: noise, and "done" before the placed image arrived.
    expect(after.noiseSent).toBeGreaterThan(0);
    expect(after.scriptsWhilePlacing).toBeGreaterThan(0);
    expect(after.uncaught).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('upscales the canvas ×2 in place: Image Size, then the result placed and named, in the undo steps the panel reports', async () => {
    const { page, panel, errors } = await openPhotopea('photo');
    const upscale = panel.locator('tessera-section[heading="Upscale"]');
    await upscale.locator('button.toggle').click();
    await upscale.locator('tessera-upscale-controls button.run').click();
    const notice = upscale.locator('.upscale-notice');
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toMatch(/^Added “Upscale · ×2 · lanczos” at 320×240 \(3 undo steps\)\./);
    const after = await snapshot(page);
    const [doc] = after.documents;
    expect(doc.history).toEqual(['Open', 'Image Size', 'Place', 'Rename Layer']);
    expect(doc.layers.map((l) => [l.name, l.x, l.y, l.width, l.height])).toEqual([
      ['Upscale · ×2 · lanczos', 0, 0, 320, 240],
      ['Photo', 0, 0, 320, 240],
    ]);
    // The selection's part of the layer, upscaled, on a transparent canvas: opaque inside the
    // doubled selection, transparent outside (8 px from its edge, past Lanczos-3's reach of 6).
    const result = doc.layers[0].pixels;
    const alphaAt = (x: number, y: number) => result[(y * 320 + x) * 4 + 3];
    expect([alphaAt(2 * SELECTION.x + 8, 2 * SELECTION.y + 8), alphaAt(2 * SELECTION.x - 8, 2 * SELECTION.y + 8), alphaAt(300, 230)]).toEqual([255, 0, 0]);
    expect(after.uncaught).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('explains that no image is open in Photopea', async () => {
    const { page, panel } = await openPhotopea('no-document');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/No image is open in Photopea/);
    expect((await snapshot(page)).documents).toEqual([]);
    await page.close();
  });

  it("shows Photopea's failure in the panel and leaves the document as it was", async () => {
    const { page, panel } = await openPhotopea('broken-export');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent()).toMatch(/Photopea could not export the layer: Cannot read properties of undefined/);
    const after = await snapshot(page);
    expect(after.documents.map((d) => [d.name, d.history, d.layers.map((l) => l.name)])).toEqual([['photo.jpg', ['Open'], ['Photo']]]);
    expect(after.activeDocument).toBe('photo.jpg');
    await page.close();
  });
});
