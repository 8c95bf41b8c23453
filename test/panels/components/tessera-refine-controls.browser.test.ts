import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-refine-controls', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const toggle = () => h.page.getByLabel('Refine (looks drawn, slower)');
  const prior = () => h.page.getByLabel('Diffusion prior (SDXS, slower)');
  const PROPS = { refine: true, iterations: 500, faithfulness: 0.5, prior: false, priorAvailable: false };

  it('switching Refine on sends {refine}; its iterations and slider show only while on', async () => {
    await h.mount('tessera-refine-controls', { ...PROPS, refine: false });
    expect(await h.page.getByLabel('Iterations').count()).toBe(0);
    await toggle().check();
    expect(await h.events()).toEqual([{ type: 'tessera-change', detail: { refine: true }, bubbles: true, composed: true }]);
    await h.set({ refine: true });
    expect(await h.page.getByLabel('Iterations').inputValue()).toBe('500');
  });

  it('offers the diffusion prior only when its models are installed, and only with Refine on', async () => {
    await h.mount('tessera-refine-controls', PROPS);
    expect(await prior().count()).toBe(0);
    await h.set({ priorAvailable: true });
    expect(await prior().isChecked()).toBe(false);
    await h.set({ refine: false });
    expect(await prior().count()).toBe(0);
  });

  it('switching the prior sends {refinePrior}, and follows the owner without sending anything', async () => {
    await h.mount('tessera-refine-controls', { ...PROPS, priorAvailable: true });
    await prior().check();
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([['tessera-change', { refinePrior: true }]]);
    await h.clearEvents();
    await h.set({ prior: true }); // the owner takes the change…
    await h.set({ prior: false }); // …and later turns it off (the models went)
    expect(await prior().isChecked()).toBe(false);
    expect(await h.events()).toEqual([]);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
