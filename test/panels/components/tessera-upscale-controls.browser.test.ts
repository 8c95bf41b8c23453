import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPSCALE } from '../../../panels/state/panel-state.js';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

const SETTINGS = { ...DEFAULT_UPSCALE, prompt: 'a lighthouse', seed: 42, slider: 8, steps: 20 };
const PROPS = { settings: SETTINGS, refinementNote: null, blockedReason: null };
const ev = (type: string, detail: unknown = null) => ({ type, detail, bubbles: true, composed: true });
const NOTE = 'Refinement needs SDXS-512 DreamShaper — download it above; upscaling with Lanczos only.';

describe.skipIf(!hasChromium())('tessera-upscale-controls', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const el = () => h.page.locator('tessera-upscale-controls');
  const pressed = () => el().locator('.segmented button').evaluateAll((bs) => bs.map((b) => `${b.textContent?.trim()}:${b.getAttribute('aria-pressed')}`));

  it('shows the values it is given, the Slider from "keep structure" to "invent detail", and fires nothing on its own', async () => {
    await h.mount('tessera-upscale-controls', PROPS);
    expect(await pressed()).toEqual(['×2:true', '×4:false', 'Custom:false']);
    // The range runs from all steps guided (left) to none (right): 8 of 20 guided sits at 12.
    const slider = h.page.getByLabel('Slider');
    expect(await slider.inputValue()).toBe('12');
    expect(await slider.getAttribute('max')).toBe('20');
    expect(await slider.getAttribute('aria-valuetext')).toBe('8 of 20 steps guided');
    expect(await el().locator('output').textContent()).toBe('8/20');
    expect(await el().locator('.ends').textContent()).toMatch(/Keep structure\s*Invent detail/);
    expect(await h.page.getByLabel('Steps').inputValue()).toBe('20');
    expect(await h.page.getByLabel('Prompt').inputValue()).toBe('a lighthouse');
    expect(await h.page.getByLabel('Seed', { exact: true }).inputValue()).toBe('42');
    expect(await h.page.getByLabel('Apply to').inputValue()).toBe('canvas');
    expect(await h.page.getByLabel('Upsampler').inputValue()).toBe('lanczos');
    expect(await el().locator('#width').count()).toBe(0);
    expect(await el().locator('input[type=checkbox]').count()).toBe(0);
    expect(await h.page.getByRole('button', { name: 'Upscale', exact: true }).isEnabled()).toBe(true);

    await h.set({ settings: { ...SETTINGS, scale: 'custom', customWidth: 3000, customHeight: 2000, scope: 'layer', upsampler: 'learned' } });
    expect(await pressed()).toEqual(['×2:false', '×4:false', 'Custom:true']);
    expect(await h.page.getByLabel('Width in pixels').inputValue()).toBe('3000');
    expect(await h.page.getByLabel('Height in pixels').inputValue()).toBe('2000');
    expect(await h.page.getByLabel('Apply to').inputValue()).toBe('layer');
    expect(await h.page.getByLabel('Upsampler').inputValue()).toBe('learned');
    await h.set({ settings: { ...SETTINGS, scale: 'x4', oneStep: true } });
    expect(await h.page.getByLabel('In one step').isChecked()).toBe(true);
    expect(await h.events()).toEqual([]);
    expect(h.problems()).toEqual([]);
  });

  it('sends every value, the dice and Upscale as intents; the Slider as guided steps', async () => {
    await h.mount('tessera-upscale-controls', PROPS);
    await h.page.getByRole('button', { name: '×4' }).click();
    await h.page.getByLabel('Slider').fill('15'); // 15 toward "invent detail": 5 of 20 guided
    await h.page.getByLabel('Steps').fill('30');
    await h.page.getByLabel('Steps').press('Enter');
    await h.page.getByLabel('Prompt').fill('a red fox');
    await h.page.getByLabel('Seed', { exact: true }).fill('9');
    await h.page.getByLabel('Seed', { exact: true }).press('Enter');
    await h.page.getByRole('button', { name: 'New upscale seed' }).click();
    await h.page.getByLabel('Apply to').selectOption('layer');
    await h.page.getByLabel('Upsampler').selectOption('learned');
    await h.page.getByRole('button', { name: 'Upscale', exact: true }).click();
    expect(await h.events()).toEqual([
      ev('tessera-upscale-change', { scale: 'x4' }),
      ev('tessera-upscale-change', { slider: 5 }),
      ev('tessera-upscale-change', { steps: 30 }),
      ev('tessera-upscale-change', { prompt: 'a red fox' }),
      ev('tessera-upscale-change', { seed: 9 }),
      ev('tessera-upscale-roll-seed'),
      ev('tessera-upscale-change', { scope: 'layer' }),
      ev('tessera-upscale-change', { upsampler: 'learned' }),
      ev('tessera-upscale'),
    ]);
  });

  it('sends a custom size and "one step", held to the inputs\' limits', async () => {
    await h.mount('tessera-upscale-controls', { ...PROPS, settings: { ...SETTINGS, scale: 'custom' } });
    await h.page.getByLabel('Width in pixels').fill('3000');
    await h.page.getByLabel('Width in pixels').press('Enter');
    await h.page.getByLabel('Height in pixels').fill('99999999');
    await h.page.getByLabel('Height in pixels').press('Enter');
    await h.set({ settings: { ...SETTINGS, scale: 'x4' } });
    await h.page.getByLabel('In one step').check();
    expect(await h.events()).toEqual([
      ev('tessera-upscale-change', { customWidth: 3000 }),
      ev('tessera-upscale-change', { customHeight: 65536 }),
      ev('tessera-upscale-change', { oneStep: true }),
    ]);
  });

  it('without refinement the refinement values are disabled and the note says why; Upscale still runs', async () => {
    await h.mount('tessera-upscale-controls', { ...PROPS, refinementNote: NOTE });
    expect(await el().locator('.refine-note').textContent()).toBe(NOTE);
    for (const label of ['Slider', 'Steps', 'Prompt']) expect(await h.page.getByLabel(label).isDisabled(), label).toBe(true);
    expect(await h.page.getByRole('button', { name: 'New upscale seed' }).isDisabled()).toBe(true);
    expect(await h.page.getByLabel('Upsampler').isEnabled()).toBe(true);
    await h.page.getByRole('button', { name: 'Upscale', exact: true }).click();
    expect(await h.events()).toEqual([ev('tessera-upscale')]);
  });

  it('offers the models that can refine, shows the chosen one, and sends a new choice; hidden where the host keeps no models', async () => {
    await h.mount('tessera-upscale-controls', PROPS);
    expect(await el().locator('#model').count()).toBe(0);
    const choices = [['sdxs-512-dreamshaper', 'SDXS-512 DreamShaper'], ['other-512', 'Other 512']];
    await h.set({ modelChoices: choices, settings: { ...SETTINGS, modelId: 'other-512' } });
    const model = h.page.getByLabel('Model');
    expect(await model.locator('option').evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, o.textContent]))).toEqual(choices);
    expect(await model.inputValue()).toBe('other-512');
    expect(await h.events()).toEqual([]);
    // Without refinement the other values are off, but the choice stays open: picking an installed model is the way out.
    await h.set({ refinementNote: 'Refinement needs Other 512 — download it above; upscaling with Lanczos only.' });
    expect(await model.isEnabled()).toBe(true);
    await model.selectOption('sdxs-512-dreamshaper');
    expect(await h.events()).toEqual([ev('tessera-upscale-change', { modelId: 'sdxs-512-dreamshaper' })]);
  });

  it('is disabled with the reason while another job runs', async () => {
    await h.mount('tessera-upscale-controls', { ...PROPS, blockedReason: 'Wait for “Generate” to finish.' });
    const button = h.page.getByRole('button', { name: 'Upscale', exact: true });
    expect(await button.isDisabled()).toBe(true);
    expect(await el().locator('.reason').textContent()).toBe('Wait for “Generate” to finish.');
    await button.click({ force: true });
    expect(await h.events()).toEqual([]);
  });
});
