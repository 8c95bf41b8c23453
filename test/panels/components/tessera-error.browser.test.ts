import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-error', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const error = { code: 'unsupported-format', message: 'This file is not a palette Tessera can read. Use GPL, HEX, PAL or PNG.' };

  it('announces the message as an alert, with its code', async () => {
    await h.mount('tessera-error', { error });
    const alert = h.page.getByRole('alert');
    expect(await alert.locator('.message').textContent()).toBe(error.message);
    expect(await alert.locator('.code').textContent()).toBe('unsupported-format');
  });

  it('Dismiss sends tessera-dismiss', async () => {
    await h.mount('tessera-error', { error });
    await h.page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await h.events()).toEqual([{ type: 'tessera-dismiss', detail: null, bubbles: true, composed: true }]);
  });

  it('Copy details puts the code and message on the clipboard', async () => {
    await h.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await h.mount('tessera-error', { error });
    await h.page.getByRole('button', { name: 'Copy details' }).click();
    await expect.poll(() => h.page.locator('tessera-error .foot button').first().textContent()).toContain('Copied');
    expect(await h.page.evaluate(() => navigator.clipboard.readText())).toBe(`Tessera error ${error.code}: ${error.message}`);
    expect(await h.events()).toEqual([]);
  });

  it('draws nothing without an error', async () => {
    await h.mount('tessera-error', { error: null });
    expect(await h.page.getByRole('alert').count()).toBe(0);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
