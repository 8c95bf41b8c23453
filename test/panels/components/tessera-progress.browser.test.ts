import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-progress', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('shows the label, the stage and the fraction as a progressbar', async () => {
    await h.mount('tessera-progress', { job: { label: 'Pixelate', stage: 'Mapping colours', fraction: 0.4 } });
    const bar = h.page.getByRole('progressbar', { name: 'Pixelate' });
    expect(await bar.getAttribute('aria-valuenow')).toBe('40');
    expect(await bar.getAttribute('aria-valuemin')).toBe('0');
    expect(await bar.getAttribute('aria-valuemax')).toBe('100');
    expect(await h.page.locator('tessera-progress .stage').textContent()).toBe('Mapping colours');
    await h.set({ job: { label: 'Pixelate', stage: 'Writing the layer', fraction: 0.955 } });
    expect(await bar.getAttribute('aria-valuenow')).toBe('96');
    expect(await h.events()).toEqual([]);
  });

  it('Cancel sends tessera-cancel', async () => {
    await h.mount('tessera-progress', { job: { label: 'Pixelate', stage: 'read', fraction: 0 } });
    await h.page.getByRole('button', { name: 'Cancel' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-cancel', detail: null, bubbles: true, composed: true }]);
  });

  it('draws nothing without a job', async () => {
    await h.mount('tessera-progress', { job: null });
    expect(await h.page.getByRole('progressbar').count()).toBe(0);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
