import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaticServer, type StaticServer } from '../../../build/static-server.js';
import { bundleAndServe, hasChromium, launchBrowser, type ServedBundle } from '../../browser/chromium.js';
import { bundleEntryWithManifest, PANEL_MODEL_ID, panelFixtureModels, startPanelModelServer, type PanelModelServer } from '../../server/panel-model-server.js';
import type { PhotopeaSnapshot } from './fake-photopea/page.js';

/**
 * The Photopea plugin page keeps no models and bundles no onnxruntime-web: with a server set it
 * generates through it. The plugin page (bundled as the build bundles it, with the tiny fixture
 * models' manifest) runs in the fake Photopea in Chromium, on its own origin, against a real
 * `tessera serve` on loopback that lets that origin in (--allow-origin), as a user would start it
 * for a plugin page served from elsewhere.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');

let plugin: StaticServer;
let fakePage: ServedBundle;
let browser: Browser;
let server: PanelModelServer;
let app = '';

beforeAll(async () => {
  const models = panelFixtureModels();
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-photopea-server-'));
  await bundleEntryWithManifest('panels/entries/photopea.ts', path.join(dir, 'app.js'), { format: 'esm' }, models.json);
  await bundleEntryWithManifest('panels/workers/pixelate-worker.ts', path.join(dir, 'pixelate-worker.js'), { format: 'esm' }, models.json);
  copyFileSync(path.join(ROOT, 'panels/entries/photopea.html'), path.join(dir, 'index.html'));
  app = readFileSync(path.join(dir, 'app.js'), 'utf8');
  [plugin, fakePage, browser] = await Promise.all([
    startStaticServer(dir, 0), // http://localhost:…, another origin than the fake's 127.0.0.1
    bundleAndServe({ 'fake-photopea': 'test/hosts/photopea/fake-photopea/page.ts' }),
    launchBrowser(),
  ]);
  server = await startPanelModelServer(models, [new URL(plugin.url).origin]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([plugin?.close(), fakePage?.close(), server?.stop()]);
});

describe.skipIf(!hasChromium())('the Photopea plugin with tessera serve', () => {
  it('bundles no onnxruntime', () => {
    expect(app).not.toMatch(/onnxruntime/);
  });

  it("shows the server's models and generates through it into one new Photopea layer", async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${fakePage.pageUrl('fake-photopea')}?scenario=photo&plugin=${encodeURIComponent(plugin.url)}`);
    const panel = page.frameLocator('#plugin');
    await panel.getByRole('button', { name: 'Apply' }).waitFor();

    const compute = panel.locator('tessera-section[heading="Compute"]');
    await compute.locator('button.toggle').click();
    expect(await compute.locator('input[name="where"][value="local"]').isDisabled()).toBe(true);
    const url = compute.locator('input#url');
    await url.fill(server.url);
    await url.dispatchEvent('change');

    const generate = panel.locator('tessera-section[heading="Generate"]');
    await generate.locator('button.toggle').click();
    const row = generate.locator(`tessera-model-manager li[data-id="${PANEL_MODEL_ID}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('installed');
    expect(await row.locator('.state').textContent()).toBe('On the server');
    expect(await generate.locator('tessera-model-manager button').count()).toBe(0);

    await generate.locator('textarea#prompt').fill('a red cat');
    await generate.locator('tessera-generate-controls button.run').click();
    await expect.poll(() => generate.locator('.generate-notice').textContent(), { timeout: 20_000 }).toMatch(/^Added “Generate.*” \(\d+ undo steps?\)\.$/);

    const after = await page.evaluate(() => (window as unknown as { fakePhotopea: { snapshot(): PhotopeaSnapshot } }).fakePhotopea.snapshot());
    const [doc] = after.documents;
    expect(doc.layers.map((l) => l.name)).toEqual([expect.stringMatching(/^Generate/), 'Photo']);
    // The source layer is untouched; the result covers the selection (64×48 at 16, 8) and nothing else.
    const result = doc.layers[0].pixels;
    const alphaAt = (x: number, y: number) => result[(y * 160 + x) * 4 + 3];
    expect([alphaAt(40, 30), alphaAt(4, 4), alphaAt(150, 110)]).toEqual([255, 0, 0]);
    const log = server.log.join('');
    expect(log).toMatch(/GET \/tessera\/v1\/models\/sdxs-512-dreamshaper\/files\/tokenizer\/merges\.txt 200 /);
    expect(log).toMatch(/POST \/v2\/models\/sdxs-512-dreamshaper\.unet\/infer 200 /);
    expect(after.uncaught).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
