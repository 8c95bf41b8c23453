import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAndServe, hasChromium, launchBrowser, type ServedBundle } from '../../browser/chromium.js';
import { bundleEntryWithManifest, PANEL_MODEL_ID, panelFixtureModels, startPanelModelServer, type PanelModelServer } from '../../server/panel-model-server.js';
import type { UxpSnapshot } from './fake-uxp/page.js';

/**
 * The Photoshop panel keeps no models and has no WebGPU: with a server set it generates and
 * upscales through it. The UXP entry (panels/entries/uxp.ts), bundled as the build bundles it
 * (an IIFE requiring 'photoshop' and 'uxp'), runs in Chromium on the in-memory Photoshop, against
 * a real `tessera serve` of the tiny fixture models on loopback.
 */

let page: ServedBundle;
let browser: Browser;
let server: PanelModelServer;
let bundle = '';

beforeAll(async () => {
  const models = panelFixtureModels();
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-uxp-server-'));
  const outfile = path.join(dir, 'index.js');
  await bundleEntryWithManifest('panels/entries/uxp.ts', outfile, { format: 'iife', external: ['photoshop', 'uxp'] }, models.json);
  bundle = readFileSync(outfile, 'utf8');
  [page, browser] = await Promise.all([bundleAndServe({ 'fake-uxp': 'test/hosts/photoshop/fake-uxp/page.ts' }, { files: { 'uxp-index.js': bundle } }), launchBrowser()]);
  // A browser page sends an Origin (UXP sends none): let the test page's through.
  server = await startPanelModelServer(models, [page.origin]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([page?.close(), server?.stop()]);
});

const snapshot = (p: Page): Promise<UxpSnapshot> => p.evaluate(() => (window as unknown as { fakeUxp: { snapshot(): UxpSnapshot } }).fakeUxp.snapshot());

describe.skipIf(!hasChromium())('the Photoshop panel with tessera serve', () => {
  it('bundles no onnxruntime: the models run on the server, reached with fetch', () => {
    expect(bundle).not.toMatch(/onnxruntime/);
    expect([...new Set([...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort()).toEqual(['photoshop', 'uxp']);
  });

  it('shows the server\'s models, generates through it, and the Upscale canvas command refines there', async () => {
    const p = await browser.newPage({ viewport: { width: 420, height: 900 } });
    const errors: string[] = [];
    p.on('pageerror', (e) => errors.push(e.message));
    await p.goto(page.pageUrl('fake-uxp'));
    const panel = p.locator('tessera-panel');
    await panel.getByRole('button', { name: 'Apply' }).waitFor();

    // Compute: the server is the only choice; point it at the test's server.
    const compute = panel.locator('tessera-section[heading="Compute"]');
    await compute.locator('button.toggle').click();
    await expect.poll(() => compute.locator('input[name="where"][value="local"]').isDisabled()).toBe(true);
    const url = compute.locator('input#url');
    await url.fill(server.url);
    await url.dispatchEvent('change');
    await compute.getByRole('button', { name: 'Test connection' }).click();
    await expect.poll(async () => (await compute.locator('.status p').first().textContent())?.trim(), { timeout: 10_000 }).toBe(`Connected: tessera dev at ${server.url}, 4 models`);

    // The model manager lists what the server holds, with nothing to download.
    const generate = panel.locator('tessera-section[heading="Generate"]');
    await generate.locator('button.toggle').click();
    const row = generate.locator(`tessera-model-manager li[data-id="${PANEL_MODEL_ID}"]`);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('installed');
    expect(await row.locator('.state').textContent()).toBe('On the server');
    expect(await generate.locator('tessera-model-manager button').count()).toBe(0);

    await generate.locator('textarea#prompt').fill('a red cat');
    await generate.locator('tessera-generate-controls button.run').click();
    await expect.poll(() => generate.locator('.generate-notice').textContent(), { timeout: 20_000 }).toMatch(/^Added “Generate/);
    expect(await generate.locator('tessera-generate-controls .backend').textContent()).toMatch(/^Runs on a server \(tessera dev at /);
    const afterGenerate = await snapshot(p);
    expect(afterGenerate.layers.map((l) => l.name)).toEqual(['Photo', expect.stringMatching(/^Generate/)]);
    const log = server.log.join('');
    expect(log).toMatch(/GET \/tessera\/v1\/models\/sdxs-512-dreamshaper\/files\/tokenizer\/vocab\.json 200 /);
    expect(log).toMatch(/POST \/v2\/models\/sdxs-512-dreamshaper\.unet\/infer 200 /);

    // Plugins › Tessera › Upscale canvas: the canvas doubled in place, the new layer refined on the server.
    const unetCallsBefore = (server.log.join('').match(/sdxs-512-dreamshaper\.unet\/infer 200 /g) ?? []).length;
    await p.evaluate(() => (window as unknown as { fakeUxp: { runCommand(id: string): Promise<void> } }).fakeUxp.runCommand('upscaleCanvas'));
    const upscaled = await snapshot(p);
    expect(upscaled.alerts).toEqual([]);
    expect([upscaled.width, upscaled.height]).toEqual([48, 32]);
    expect(upscaled.layers.at(-1)?.name).toMatch(/^Upscale · ×2 · lanczos · slider 8\/20 · seed 1$/);
    expect((server.log.join('').match(/sdxs-512-dreamshaper\.unet\/infer 200 /g) ?? []).length).toBeGreaterThan(unetCallsBefore);
    expect(errors).toEqual([]);
    await p.close();
  }, 60_000);
});
