import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

const PROPS = { prompt: 'a knight', strength: 1, seed: 42, asPixelArt: false, modelId: 'sdxs', modelChoices: [['sdxs', 'SDXS-512'], ['other', 'Other model']], backend: null, blockedReason: null };
const ev = (type: string, detail: unknown = null) => ({ type, detail, bubbles: true, composed: true });

describe.skipIf(!hasChromium())('tessera-generate-controls', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const el = () => h.page.locator('tessera-generate-controls');

  it('shows the values it is given, a strength hint, and fires nothing on its own', async () => {
    await h.mount('tessera-generate-controls', PROPS);
    expect(await h.page.getByLabel('Prompt').inputValue()).toBe('a knight');
    expect(await h.page.getByLabel('Strength').inputValue()).toBe('1');
    expect(await el().locator('output').textContent()).toBe('100 %');
    expect(await el().locator('#strength-hint').textContent()).toBe('From the prompt alone.');
    expect(await h.page.getByLabel('Seed', { exact: true }).inputValue()).toBe('42');
    expect(await h.page.getByLabel('As pixel art (uses the Pixelate settings)').isChecked()).toBe(false);
    expect(await el().locator('.backend').count()).toBe(0);
    expect(await h.page.getByRole('button', { name: 'Generate' }).isEnabled()).toBe(true);
    await h.set({ prompt: 'an owl', strength: 0.5, seed: 7, asPixelArt: true, backend: 'WebGPU (WebGPU adapter found)' });
    expect(await h.page.getByLabel('Prompt').inputValue()).toBe('an owl');
    expect(await el().locator('#strength-hint').textContent()).toContain('Starts from the layer');
    expect(await h.page.getByLabel('As pixel art (uses the Pixelate settings)').isChecked()).toBe(true);
    expect(await el().locator('.backend').textContent()).toBe('Runs on WebGPU (WebGPU adapter found)');
    expect(await h.events()).toEqual([]);
    expect(h.problems()).toEqual([]);
  });

  it('sends the prompt, strength, seed, pixel-art toggle, dice and Generate as intents', async () => {
    await h.mount('tessera-generate-controls', PROPS);
    await h.page.getByLabel('Prompt').fill('a red fox');
    await h.page.getByLabel('Strength').fill('0.35');
    await h.page.getByLabel('Seed', { exact: true }).fill('9');
    await h.page.getByLabel('Seed', { exact: true }).press('Enter');
    await h.page.getByLabel('As pixel art (uses the Pixelate settings)').check();
    await h.page.getByRole('button', { name: 'New seed' }).click();
    await h.page.getByRole('button', { name: 'Generate' }).click();
    await h.page.getByLabel('Model').selectOption('other');
    expect(await h.events()).toEqual([
      ev('tessera-generate-change', { prompt: 'a red fox' }),
      ev('tessera-generate-change', { strength: 0.35 }),
      ev('tessera-generate-change', { seed: 9 }),
      ev('tessera-generate-change', { asPixelArt: true }),
      ev('tessera-roll-seed'),
      ev('tessera-generate'),
      ev('tessera-generate-change', { modelId: 'other' }),
    ]);
  });

  it('Generate is disabled with the reason shown; the dice still works', async () => {
    const reason = 'Download SDXS-512 DreamShaper (882.1 MB) above first';
    await h.mount('tessera-generate-controls', { ...PROPS, blockedReason: reason });
    const button = h.page.getByRole('button', { name: 'Generate' });
    expect(await button.isDisabled()).toBe(true);
    expect(await el().locator('.reason').textContent()).toBe(reason);
    expect(await button.getAttribute('aria-describedby')).toBe('reason');
    await button.click({ force: true });
    await h.page.getByRole('button', { name: 'New seed' }).click();
    expect(await h.events()).toEqual([ev('tessera-roll-seed')]);
    await h.set({ blockedReason: null });
    expect(await button.isEnabled()).toBe(true);
    expect(await el().locator('.reason').count()).toBe(0);
  });
});
