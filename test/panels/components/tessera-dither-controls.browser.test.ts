import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DITHER_METHODS } from '../../../src/core/pixelate/options.js';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-dither-controls', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const select = () => h.page.getByLabel('Dither');
  const strength = () => h.page.getByLabel('Strength');

  it('offers every method by a readable name and shows the current one', async () => {
    await h.mount('tessera-dither-controls', { dither: 'bayer4', strength: 0.75 });
    const options = await select().locator('option').evaluateAll((els) => els.map((e) => [(e as HTMLOptionElement).value, e.textContent]));
    expect(options.map((o) => o[0])).toEqual([...DITHER_METHODS]);
    expect(options).toContainEqual(['bayer4', 'Bayer 4×4']);
    expect(options).toContainEqual(['floyd-steinberg', 'Floyd–Steinberg']);
    expect(await select().inputValue()).toBe('bayer4');
    expect(await strength().inputValue()).toBe('0.75');
    expect(await h.page.locator('tessera-slider output').textContent()).toBe('75 %');
  });

  it('choosing a method sends {dither}; strength is off with no dithering', async () => {
    await h.mount('tessera-dither-controls', { dither: 'bayer4', strength: 1 });
    await select().selectOption('none');
    expect(await h.events()).toEqual([{ type: 'tessera-change', detail: { dither: 'none' }, bubbles: true, composed: true }]);
    await h.set({ dither: 'none' });
    expect(await strength().isDisabled()).toBe(true);
  });

  it('the strength slider sends tessera-input while moving and tessera-change on commit', async () => {
    await h.mount('tessera-dither-controls', { dither: 'atkinson', strength: 0.5 });
    await strength().focus();
    await h.page.keyboard.press('ArrowRight');
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([
      ['tessera-input', { ditherStrength: 0.55 }],
      ['tessera-change', { ditherStrength: 0.55 }],
    ]);
  });

  it('follows the owner without sending anything', async () => {
    await h.mount('tessera-dither-controls', { dither: 'bayer4', strength: 1 });
    await select().selectOption('atkinson'); // the user picks, the owner answers otherwise
    await h.clearEvents();
    await h.set({ dither: 'bayer8' });
    expect(await select().inputValue()).toBe('bayer8');
    expect(await h.events()).toEqual([]);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
