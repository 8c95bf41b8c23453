import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PanelState } from '../../../panels/state/panel-state.js';
import { hasChromium } from '../../browser/chromium.js';
import { PANEL_STATE } from './fixtures.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-panel', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.mount('tessera-panel', { state: PANEL_STATE });
  });

  const running: PanelState = { ...PANEL_STATE, job: { label: 'Pixelate', stage: 'Mapping colours', fraction: 0.4 } };

  it('draws Pixelate open, and Generate, Upscale and Compute closed; Generate says it needs a model, Upscale that it cannot refine', async () => {
    const toggles = h.page.locator('tessera-section button[aria-expanded]');
    await expect.poll(() => toggles.allTextContents()).toEqual([
      expect.stringContaining('Pixelate'),
      expect.stringContaining('Generate'),
      expect.stringContaining('Upscale'),
      expect.stringContaining('Compute'),
    ]);
    expect(await toggles.evaluateAll((els) => els.map((e) => e.getAttribute('aria-expanded')))).toEqual(['true', 'false', 'false', 'false']);
    const generate = h.page.locator('tessera-section[heading="Generate"]');
    expect(await generate.locator('.needs-model').isVisible()).toBe(false);
    await generate.locator('button.toggle').click();
    // A host that keeps no models (Photoshop's UXP panel) says what Generate needs there.
    await expect.poll(() => generate.locator('.needs-model').textContent()).toContain('needs a local model server');
    // No fake controls behind it.
    expect(await generate.locator('input, select, textarea, button:not(.toggle)').count()).toBe(0);
    const upscale = h.page.locator('tessera-section[heading="Upscale"]');
    await upscale.locator('button.toggle').click();
    // Upscale still works without models: the upsampler alone, and it says so.
    await expect.poll(() => upscale.locator('.refine-note').textContent()).toBe('Refinement needs a host that keeps models; upscaling with Lanczos only.');
    expect(await upscale.locator('.badge').textContent()).toBe('No refinement');
    expect(await upscale.locator('tessera-upscale-controls button.run').isEnabled()).toBe(true);
  });

  it('where the host keeps models, Generate lists them in the model manager; Download waits for a running job', async () => {
    const models = [
      { id: 'sdxs', name: 'SDXS', sizeText: '882.1 MB', state: 'missing' },
      { id: 'taesd', name: 'TAESD', sizeText: '9.8 MB', state: 'installed', licence: 'MIT' },
    ];
    await h.set({ state: { ...PANEL_STATE, capabilities: { ...PANEL_STATE.capabilities, models: true }, models } });
    const generate = h.page.locator('tessera-section[heading="Generate"]');
    await generate.locator('button.toggle').click();
    expect(await generate.locator('.needs-model').count()).toBe(0);
    await h.page.getByRole('button', { name: 'Download SDXS' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-download-model', detail: { id: 'sdxs' }, bubbles: true, composed: true }]);
    await h.set({ state: { ...running, capabilities: { ...PANEL_STATE.capabilities, models: true }, models } });
    expect(await h.page.getByRole('button', { name: 'Download SDXS' }).isDisabled()).toBe(true);
    // With a model installed the section loses its "Needs a model" badge.
    expect(await generate.locator('.badge').count()).toBe(0);
  });

  it('Generate controls sit under the model manager, disabled until SDXS is installed; Generate and the dice send intents', async () => {
    const models = [
      { id: 'sdxs-512-dreamshaper', name: 'SDXS-512 DreamShaper (WebGPU ONNX export)', sizeText: '882.1 MB', state: 'missing' },
      { id: 'taesd', name: 'TAESD', sizeText: '≈9.8 MB', state: 'installed' },
    ];
    const withModels = { ...PANEL_STATE, capabilities: { ...PANEL_STATE.capabilities, models: true }, models, generate: { ...PANEL_STATE.generate, prompt: 'owl' } };
    await h.set({ state: withModels });
    const generate = h.page.locator('tessera-section[heading="Generate"]');
    await generate.locator('button.toggle').click();
    const run = generate.locator('tessera-generate-controls button.run');
    expect(await run.isDisabled()).toBe(true);
    expect(await generate.locator('tessera-generate-controls .reason').textContent()).toBe('Download SDXS-512 DreamShaper (882.1 MB) above first');
    expect(await generate.getByLabel('Prompt').inputValue()).toBe('owl');
    await h.set({ state: { ...withModels, models: [{ ...models[0], state: 'installed' }, models[1]] } });
    expect(await run.isEnabled()).toBe(true);
    await run.click();
    await h.page.getByRole('button', { name: 'New seed' }).click();
    expect(await h.events()).toEqual([
      { type: 'tessera-generate', detail: null, bubbles: true, composed: true },
      { type: 'tessera-roll-seed', detail: null, bubbles: true, composed: true },
    ]);
  });

  it('offers Refine’s diffusion prior only once SDXS and TAESD are installed, and passes its setting down', async () => {
    const models = [
      { id: 'sdxs-512-dreamshaper', name: 'SDXS-512 DreamShaper (WebGPU ONNX export)', sizeText: '882.1 MB', state: 'installed', textToImage: true, refinesUpscales: true },
      { id: 'taesd', name: 'TAESD', sizeText: '≈9.8 MB', state: 'missing', textToImage: false, refinesUpscales: false },
    ];
    const refining = { ...PANEL_STATE, capabilities: { ...PANEL_STATE.capabilities, models: true }, settings: { ...PANEL_STATE.settings, refine: true, refinePrior: true }, models };
    await h.set({ state: refining });
    const prior = h.page.locator('tessera-refine-controls').getByLabel('Diffusion prior (SDXS, slower)');
    expect(await prior.count()).toBe(0);
    await h.set({ state: { ...refining, models: [models[0], { ...models[1], state: 'installed' }] } });
    expect(await prior.isChecked()).toBe(true);
  });

  it('Upscale refines once SDXS and TAESD are installed, shows its own progress with the detail line, and sends its intents', async () => {
    const models = [
      { id: 'sdxs-512-dreamshaper', name: 'SDXS-512 DreamShaper (WebGPU ONNX export)', sizeText: '882.1 MB', state: 'missing', textToImage: true, refinesUpscales: true },
      { id: 'taesd', name: 'TAESD', sizeText: '≈9.8 MB', state: 'installed', textToImage: false, refinesUpscales: false },
    ];
    const withModels = { ...PANEL_STATE, capabilities: { ...PANEL_STATE.capabilities, models: true }, models };
    await h.set({ state: withModels });
    const upscale = h.page.locator('tessera-section[heading="Upscale"]');
    await upscale.locator('button.toggle').click();
    expect(await upscale.locator('.refine-note').textContent()).toBe('Refinement needs SDXS-512 DreamShaper — download it above; upscaling with Lanczos only.');
    expect(await upscale.getByLabel('Slider').isDisabled()).toBe(true);
    // The model choice lists only the models that can refine (a UNet with a patch size).
    expect(await upscale.getByLabel('Model').locator('option').allTextContents()).toEqual(['SDXS-512 DreamShaper']);
    await h.set({ state: { ...withModels, models: [{ ...models[0], state: 'installed' }, models[1]] } });
    expect(await upscale.locator('.refine-note').count()).toBe(0);
    expect(await upscale.locator('.badge').count()).toBe(0);
    expect(await upscale.getByLabel('Slider').isEnabled()).toBe(true);
    await upscale.getByRole('button', { name: '×4' }).click();
    await upscale.locator('tessera-upscale-controls button.run').click();
    expect(await h.events()).toEqual([
      { type: 'tessera-upscale-change', detail: { scale: 'x4' }, bubbles: true, composed: true },
      { type: 'tessera-upscale', detail: null, bubbles: true, composed: true },
    ]);

    const job = { label: 'Upscale', stage: 'refine', fraction: 0.37, detail: 'patch 37 of 256 · about 40 s left' };
    await h.set({ state: { ...withModels, models: [{ ...models[0], state: 'installed' }, models[1]], job } });
    const progress = upscale.locator('tessera-progress');
    expect(await progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('37');
    expect(await progress.locator('.detail').textContent()).toBe('patch 37 of 256 · about 40 s left');
    expect(await upscale.locator('tessera-upscale-controls button.run').isDisabled()).toBe(true);
    await h.clearEvents();
    await progress.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-cancel', detail: null, bubbles: true, composed: true }]);
  });

  it('clicking Apply sends tessera-apply, bubbling and composed', async () => {
    await h.page.getByRole('button', { name: 'Apply' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-apply', detail: null, bubbles: true, composed: true }]);
  });

  it('while a job runs: progress with Cancel, Apply disabled', async () => {
    await h.set({ state: running });
    const bar = h.page.getByRole('progressbar');
    expect(await bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await h.page.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await h.page.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-cancel', detail: null, bubbles: true, composed: true }]);
    await h.set({ state: PANEL_STATE });
    expect(await h.page.getByRole('progressbar').count()).toBe(0);
    expect(await h.page.getByRole('button', { name: 'Apply' }).isEnabled()).toBe(true);
  });

  it('shows the error as an alert and the notice as a status line', async () => {
    await h.set({ state: { ...PANEL_STATE, error: { code: 'host-failed', message: 'The layer could not be read. Try again.' }, notice: 'Added a layer.' } });
    expect(await h.page.getByRole('alert').textContent()).toContain('The layer could not be read. Try again.');
    expect(await h.page.getByRole('status').filter({ hasText: 'Added a layer.' }).count()).toBe(1);
    await h.page.getByRole('button', { name: 'Dismiss' }).click();
    expect((await h.events()).map((e) => e.type)).toEqual(['tessera-dismiss']);
  });

  it('a setting changed deep inside reaches the document as tessera-change', async () => {
    await h.page.locator('tessera-dither-controls select').selectOption('atkinson');
    expect(await h.events()).toEqual([{ type: 'tessera-change', detail: { dither: 'atkinson' }, bubbles: true, composed: true }]);
  });

  it('sends nothing when its owner sets new state', async () => {
    await h.set({ state: running });
    await h.set({ state: { ...PANEL_STATE, settings: { ...PANEL_STATE.settings, cells: 32, paletteId: 'cga', dither: 'bayer8' } } });
    expect(await h.events()).toEqual([]);
  });

  it('theme attribute overrides the system colour scheme', async () => {
    const bg = () => h.page.locator('tessera-panel').evaluate((el) => getComputedStyle(el).getPropertyValue('--tessera-bg').trim());
    await h.page.emulateMedia({ colorScheme: 'light' });
    const light = await bg();
    await h.page.emulateMedia({ colorScheme: 'dark' });
    const dark = await bg();
    expect(dark).not.toBe(light);
    await h.set({ theme: 'light' });
    expect(await bg()).toBe(light);
    await h.page.emulateMedia({ colorScheme: 'light' });
    await h.set({ theme: 'dark' });
    expect(await bg()).toBe(dark);
  });

  it('every control has an accessible name', async () => {
    const unnamed = await h.page.evaluate(() => {
      const out: string[] = [];
      const walk = (root: ParentNode): void => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          if (el.shadowRoot) walk(el.shadowRoot);
          if (!el.matches('button, input:not([type=file]), select')) continue;
          const labelled =
            el.getAttribute('aria-label') ||
            el.getAttribute('aria-labelledby') ||
            (el as HTMLInputElement).labels?.length ||
            (el.tagName === 'BUTTON' && el.textContent?.trim());
          if (!labelled) out.push(el.outerHTML.slice(0, 80));
        }
      };
      walk(document);
      return out;
    });
    expect(unnamed).toEqual([]);
  });

  it('a StoreController root re-renders on store updates and unsubscribes when removed', async () => {
    type TestWindow = Window & { test: { store: { update(p: object): void }; view: HTMLElement; subscribed: number } };
    await h.page.evaluate((state) => {
      const store = window.harness.createPanelStore(state);
      const test = { store, view: document.createElement('test-store-view') as HTMLElement & { store: unknown }, subscribed: 0 };
      const subscribe = store.subscribe;
      store.subscribe = (fn) => {
        test.subscribed++;
        const unsubscribe = subscribe(fn);
        return () => {
          test.subscribed--;
          unsubscribe();
        };
      };
      test.view.store = store;
      document.body.replaceChildren(test.view);
      (window as unknown as TestWindow).test = test;
    }, PANEL_STATE);
    const subscribed = () => h.page.evaluate(() => (window as unknown as TestWindow).test.subscribed);
    const bar = h.page.getByRole('progressbar');
    expect(await subscribed()).toBe(1);
    expect(await bar.count()).toBe(0);
    await h.page.evaluate((job) => (window as unknown as TestWindow).test.store.update({ job }), running.job);
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('40');
    await h.page.evaluate(() => (window as unknown as TestWindow).test.view.remove());
    expect(await subscribed()).toBe(0);
    // Updates made while away show when it is back.
    await h.page.evaluate(() => (window as unknown as TestWindow).test.store.update({ job: null }));
    await h.page.evaluate(() => document.body.append((window as unknown as TestWindow).test.view));
    expect(await subscribed()).toBe(1);
    await expect.poll(() => bar.count()).toBe(0);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
