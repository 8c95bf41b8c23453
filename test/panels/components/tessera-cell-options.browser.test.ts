import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DOWNSCALE_METHODS } from '../../../src/core/pixelate/options.js';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-cell-options', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.mount('tessera-cell-options', { downscale: 'area', alphaThreshold: 0.5, cleanup: false });
  });

  it('offers every downscale method by a readable name', async () => {
    const select = h.page.getByLabel('Downscale');
    const options = await select.locator('option').evaluateAll((els) => els.map((e) => [(e as HTMLOptionElement).value, e.textContent]));
    expect(options).toEqual([
      ['area', 'Average'],
      ['dominant', 'Dominant colour'],
      ['kcentroid', 'K-centroid (keeps outlines)'],
    ]);
    expect(options.map((o) => o[0])).toEqual([...DOWNSCALE_METHODS]);
    await select.selectOption('kcentroid');
    expect((await h.events()).map((e) => e.detail)).toEqual([{ downscale: 'kcentroid' }]);
  });

  it('the alpha threshold slider commits {alphaThreshold}', async () => {
    await h.page.getByLabel('Opaque at').focus();
    await h.page.keyboard.press('ArrowLeft');
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([
      ['tessera-input', { alphaThreshold: 0.45 }],
      ['tessera-change', { alphaThreshold: 0.45 }],
    ]);
  });

  it('the cleanup checkbox sends {cleanup}', async () => {
    await h.page.getByLabel('Remove orphan pixels').check();
    expect((await h.events()).map((e) => e.detail)).toEqual([{ cleanup: true }]);
    await h.set({ cleanup: true });
    await h.set({ cleanup: false });
    expect(await h.page.getByLabel('Remove orphan pixels').isChecked()).toBe(false);
    expect(await h.events()).toHaveLength(1);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
