import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelEntryView } from '../../../panels/state/panel-state.js';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

const MODELS: readonly ModelEntryView[] = [
  { id: 'sdxs', name: 'SDXS DreamShaper', sizeText: '882.1 MB', state: 'missing', textToImage: true, refinesUpscales: true },
  { id: 'half', name: 'Half Model', sizeText: '≈2.5 MB', state: 'partial', percent: 37, textToImage: false, refinesUpscales: false },
  { id: 'taesd', name: 'TAESD', sizeText: '9.8 MB', state: 'installed', licence: 'MIT', textToImage: false, refinesUpscales: false },
];

describe.skipIf(!hasChromium())('tessera-model-manager', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const row = (id: string) => h.page.locator(`tessera-model-manager li[data-id="${id}"]`);
  const buttons = (id: string) => row(id).locator('button').allTextContents().then((t) => t.map((s) => s.trim()));

  it('lists each model with its size, state, licence, and the actions that fit', async () => {
    await h.mount('tessera-model-manager', { models: MODELS });
    expect(await h.page.getByRole('list', { name: 'Models' }).locator('li').count()).toBe(3);
    expect(await row('sdxs').locator('.name').textContent()).toBe('SDXS DreamShaper');
    expect(await row('sdxs').locator('.size').textContent()).toBe('882.1 MB');
    expect(await row('sdxs').locator('.state').textContent()).toBe('Not downloaded');
    expect(await buttons('sdxs')).toEqual(['Download']);
    expect(await row('half').locator('.state').textContent()).toBe('Partly downloaded · 37 %');
    expect(await row('half').getByRole('progressbar').getAttribute('aria-valuenow')).toBe('37');
    expect(await buttons('half')).toEqual(['Resume download', 'Remove']);
    expect(await row('taesd').locator('.state').textContent()).toBe('Installed');
    expect(await row('taesd').locator('.licence').textContent()).toBe('Licence: MIT');
    expect(await row('taesd').getByRole('progressbar').count()).toBe(0);
    expect(await buttons('taesd')).toEqual(['Remove']);
    expect(await h.events()).toEqual([]);
  });

  it('Download and Remove send the model id; nothing else fires on its own', async () => {
    await h.mount('tessera-model-manager', { models: MODELS });
    await h.page.getByRole('button', { name: 'Download SDXS DreamShaper' }).click();
    await h.page.getByRole('button', { name: 'Download Half Model' }).click();
    await h.page.getByRole('button', { name: 'Remove TAESD' }).click();
    expect(await h.events()).toEqual([
      { type: 'tessera-download-model', detail: { id: 'sdxs' }, bubbles: true, composed: true },
      { type: 'tessera-download-model', detail: { id: 'half' }, bubbles: true, composed: true },
      { type: 'tessera-remove-model', detail: { id: 'taesd' }, bubbles: true, composed: true },
    ]);
    await h.clearEvents();
    await h.set({ models: [{ ...MODELS[0], state: 'installed' }] });
    expect(await h.events()).toEqual([]);
  });

  it('while downloading: the percent, a progress bar and Cancel (tessera-cancel), no Download or Remove', async () => {
    await h.mount('tessera-model-manager', { models: [{ ...MODELS[0], state: 'downloading', percent: 52.4 }], busy: true });
    expect(await row('sdxs').locator('.state').textContent()).toBe('Downloading · 52 %');
    expect(await row('sdxs').getByRole('progressbar').getAttribute('aria-valuenow')).toBe('52');
    expect(await buttons('sdxs')).toEqual(['Cancel']);
    await h.page.getByRole('button', { name: 'Cancel downloading SDXS DreamShaper' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-cancel', detail: null, bubbles: true, composed: true }]);
  });

  it('busy (another job runs) disables Download and Remove', async () => {
    await h.mount('tessera-model-manager', { models: MODELS, busy: true });
    for (const name of ['Download SDXS DreamShaper', 'Download Half Model', 'Remove TAESD']) {
      expect(await h.page.getByRole('button', { name }).isDisabled(), name).toBe(true);
    }
  });

  it("a server's models (Photoshop, Photopea): what the server holds, and no actions at all", async () => {
    await h.mount('tessera-model-manager', { models: MODELS, source: 'server' });
    expect(await row('sdxs').locator('.state').textContent()).toBe('Not on the server');
    expect(await row('half').locator('.state').textContent()).toBe('Partly on the server');
    expect(await row('taesd').locator('.state').textContent()).toBe('On the server');
    expect(await row('taesd').locator('.licence').textContent()).toBe('Licence: MIT');
    expect(await h.page.locator('tessera-model-manager button').count()).toBe(0);
    expect(await h.page.locator('tessera-model-manager').getByRole('progressbar').count()).toBe(0);
    expect(await h.page.locator('tessera-model-manager .note').textContent()).toMatch(/^These run on the server\. Install a model there with tessera models pull ID/);
    expect(await h.events()).toEqual([]);
  });

  it('says so when no model is listed', async () => {
    await h.mount('tessera-model-manager', { models: [] });
    expect(await h.page.locator('tessera-model-manager .empty').textContent()).toBe('No models are listed.');
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
