import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { TINY_PNG } from './fixtures.js';
import { openHarness, type HarnessPage } from './harness-page.js';

describe.skipIf(!hasChromium())('tessera-preview', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const ready = { kind: 'ready', dataUrl: TINY_PNG, width: 64, height: 48, colorsUsed: 11 };

  it('ready: the image at grid size, scaled with hard edges to the width, and its caption', async () => {
    await h.mount('tessera-preview', { preview: ready });
    const img = h.page.locator('tessera-preview img');
    expect(await img.getAttribute('src')).toBe(TINY_PNG);
    expect(await img.evaluate((el) => [el.getAttribute('width'), el.getAttribute('height'), getComputedStyle(el).imageRendering])).toEqual([
      '64',
      '48',
      'pixelated',
    ]);
    const [imgWidth, hostWidth] = await h.page.evaluate(() => {
      const host = document.querySelector('tessera-preview')!;
      return [host.shadowRoot!.querySelector('img')!.getBoundingClientRect().width, host.getBoundingClientRect().width];
    });
    expect(imgWidth).toBeGreaterThan(64);
    expect(imgWidth).toBeLessThanOrEqual(hostWidth);
    expect(await h.page.locator('tessera-preview .caption').textContent()).toContain('64×48 · 11 colours');
  });

  it('busy: keeps the last image dimmed and says it is updating', async () => {
    await h.mount('tessera-preview', { preview: ready });
    await h.set({ preview: { kind: 'busy' } });
    expect(await h.page.locator('tessera-preview .frame').getAttribute('aria-busy')).toBe('true');
    expect(await h.page.locator('tessera-preview img').count()).toBe(1);
    expect(await h.page.locator('tessera-preview .caption').textContent()).toContain('Updating');
  });

  it('ready with a status (Refine running): shows the image and says how far it is', async () => {
    await h.mount('tessera-preview', { preview: { ...ready, status: 'Refining 125 / 500' } });
    expect(await h.page.locator('tessera-preview img').count()).toBe(1);
    expect(await h.page.locator('tessera-preview .frame').getAttribute('aria-busy')).toBe('false');
    expect(await h.page.locator('tessera-preview .caption .status').textContent()).toBe('Refining 125 / 500');
    await h.set({ preview: ready });
    expect(await h.page.locator('tessera-preview .caption .status').textContent()).toBe('');
  });

  it('busy with nothing shown yet: says it is rendering', async () => {
    await h.mount('tessera-preview', { preview: { kind: 'busy' } });
    expect(await h.page.locator('tessera-preview img').count()).toBe(0);
    expect(await h.page.locator('tessera-preview .message').textContent()).toContain('Rendering preview');
  });

  it('none: the reason, and no image', async () => {
    await h.mount('tessera-preview', { preview: ready });
    await h.set({ preview: { kind: 'none', reason: 'Select a layer to see a preview.' } });
    expect(await h.page.locator('tessera-preview img').count()).toBe(0);
    expect(await h.page.locator('tessera-preview .message').textContent()).toBe('Select a layer to see a preview.');
    // A later busy state must not bring back an image from before.
    await h.set({ preview: { kind: 'busy' } });
    expect(await h.page.locator('tessera-preview img').count()).toBe(0);
  });

  it('uses no canvas', async () => {
    await h.mount('tessera-preview', { preview: ready });
    expect(await h.page.locator('tessera-preview canvas').count()).toBe(0);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
