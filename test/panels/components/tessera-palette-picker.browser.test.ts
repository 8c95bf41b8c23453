import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { PALETTES } from './fixtures.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-palette-picker', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.mount('tessera-palette-picker', { palettes: PALETTES, selectedId: 'pico-8', extractColors: 16 });
  });

  const radios = () => h.page.getByRole('radio');

  it('lists presets then custom palettes, each with one strip colour per palette colour', async () => {
    const names = await h.page.locator('tessera-palette-picker .option-name').allTextContents();
    expect(names).toEqual(PALETTES.map((p) => p.name));
    const stripCounts = await h.page.locator('tessera-palette-picker .strip').evaluateAll((strips) => strips.map((s) => s.children.length));
    expect(stripCounts).toEqual(PALETTES.map((p) => p.colors.length));
  });

  it("shows the current palette's colours larger, one swatch per colour, hex on hover", async () => {
    const swatches = h.page.getByRole('list', { name: 'Colours of PICO-8' }).getByRole('listitem');
    expect(await swatches.count()).toBe(PALETTES[0].colors.length);
    expect(await swatches.evaluateAll((els) => els.map((e) => e.getAttribute('title')))).toEqual(PALETTES[0].colors);
    await h.set({ selectedId: 'gameboy' });
    expect(await h.page.getByRole('list', { name: 'Colours of Game Boy' }).getByRole('listitem').count()).toBe(4);
  });

  it('marks the current palette as the checked radio', async () => {
    expect(await radios().evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => (e as HTMLInputElement).value))).toEqual(['pico-8']);
    await h.set({ selectedId: 'custom-1' });
    expect(await h.page.getByRole('radio', { name: /^Sunset/ }).isChecked()).toBe(true);
    expect(await h.events()).toEqual([]);
  });

  it('choosing a palette sends tessera-change with its id', async () => {
    await h.page.getByRole('radio', { name: /^Game Boy/ }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-change', detail: { paletteId: 'gameboy' }, bubbles: true, composed: true }]);
  });

  it('arrow keys move the choice', async () => {
    await h.page.getByRole('radio', { name: /^PICO-8/ }).focus();
    await h.page.keyboard.press('ArrowDown');
    expect((await h.events()).map((e) => e.detail)).toEqual([{ paletteId: 'gameboy' }]);
  });

  it('only custom palettes can be removed', async () => {
    const remove = h.page.getByRole('button', { name: /^Remove palette/ });
    expect(await remove.count()).toBe(1);
    await remove.click();
    expect(await h.events()).toEqual([{ type: 'tessera-remove-palette', detail: { id: 'custom-1' }, bubbles: true, composed: true }]);
  });

  it('Import… reads the chosen file and sends its name and bytes', async () => {
    const chooser = h.page.waitForEvent('filechooser');
    await h.page.getByRole('button', { name: 'Import…' }).click();
    const file = await chooser;
    expect(await file.element().getAttribute('accept')).toBe('.hex,.gpl,.pal,.txt,.png');
    await file.setFiles({ name: 'sunset.hex', mimeType: 'text/plain', buffer: Buffer.from('ff0000\n00ff00\n') });
    await expect.poll(() => h.events()).toEqual([
      { type: 'tessera-import-palette', detail: { fileName: 'sunset.hex', bytes: [...Buffer.from('ff0000\n00ff00\n')] }, bubbles: true, composed: true },
    ]);
  });

  it('Extract from layer sends the colour count; changing the count commits it', async () => {
    const count = h.page.getByLabel('colours', { exact: true });
    await count.fill('24');
    await count.press('Enter');
    await h.page.getByRole('button', { name: 'Extract from layer' }).click();
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([
      ['tessera-change', { extractColors: 24 }],
      ['tessera-extract-palette', { colors: 24 }],
    ]);
  });

  it('the count field keeps to 2..64', async () => {
    const count = h.page.getByLabel('colours', { exact: true });
    await count.fill('500');
    await count.press('Enter');
    expect((await h.events()).map((e) => e.detail)).toEqual([{ extractColors: 64 }]);
    expect(await count.inputValue()).toBe('64');
  });

  it('extraction waits while a job runs', async () => {
    await h.set({ busy: true });
    expect(await h.page.getByRole('button', { name: 'Extract from layer' }).isDisabled()).toBe(true);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
