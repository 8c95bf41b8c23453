import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-grid-size', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.mount('tessera-grid-size', { gridMode: 'cells', cells: 64, cellSize: 8 });
  });

  const field = () => h.page.locator('tessera-grid-size input[type=number]');
  const slider = () => h.page.locator('tessera-grid-size input[type=range]');

  it('shows the cells and the aspect note', async () => {
    expect(await field().inputValue()).toBe('64');
    expect(await slider().inputValue()).toBe('64');
    expect(await h.page.locator('tessera-grid-size .note').textContent()).toBe('Longest side, aspect kept');
    expect(await h.page.getByRole('button', { name: 'Cells' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('typing a size and committing sends tessera-change with {cells}', async () => {
    await field().fill('96');
    await field().press('Enter');
    expect(await h.events()).toEqual([{ type: 'tessera-change', detail: { cells: 96 }, bubbles: true, composed: true }]);
  });

  it('dragging sends tessera-input, releasing sends tessera-change', async () => {
    await slider().focus();
    await h.page.keyboard.press('ArrowRight'); // a keyboard step fires input, then change
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([
      ['tessera-input', { cells: 65 }],
      ['tessera-change', { cells: 65 }],
    ]);
    await h.clearEvents();
    await slider().evaluate((el: HTMLInputElement) => {
      el.value = '120';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await field().inputValue()).toBe('120'); // the field follows the drag
    expect((await h.events()).map((e) => [e.type, e.detail])).toEqual([['tessera-input', { cells: 120 }]]);
  });

  it('the mode toggle sends {gridMode}; in cell-size mode the value is {cellSize}', async () => {
    await h.page.getByRole('button', { name: 'Cell px' }).click();
    expect((await h.events()).map((e) => e.detail)).toEqual([{ gridMode: 'cell-size' }]);
    await h.set({ gridMode: 'cell-size' });
    expect(await field().inputValue()).toBe('8');
    await h.clearEvents();
    await field().fill('12');
    await field().press('Enter');
    expect((await h.events()).map((e) => e.detail)).toEqual([{ cellSize: 12 }]);
  });

  it('holds a typed value to the field limits and whole numbers', async () => {
    await field().fill('5000');
    await field().press('Enter');
    await field().fill('12.6');
    await field().press('Enter');
    expect((await h.events()).map((e) => e.detail)).toEqual([{ cells: 1024 }, { cells: 13 }]);
  });

  it('sends nothing when the owner sets values', async () => {
    await h.set({ cells: 32 });
    await h.set({ gridMode: 'cell-size', cellSize: 4 });
    expect(await field().inputValue()).toBe('4');
    expect(await h.events()).toEqual([]);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
