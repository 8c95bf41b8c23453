import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../browser/chromium.js';
import { openHarness, type HarnessPage } from './harness-page.js';

const LOCAL = { compute: { where: 'local', serverUrl: 'http://127.0.0.1:8765', token: '' }, status: { kind: 'idle' }, localAvailable: true, busy: false };
const SERVER = { ...LOCAL, compute: { ...LOCAL.compute, where: 'server' } };
const ev = (type: string, detail: unknown = null) => ({ type, detail, bubbles: true, composed: true });

describe.skipIf(!hasChromium())('tessera-compute-settings', () => {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const el = () => h.page.locator('tessera-compute-settings');

  it('offers this browser or a server; the server fields show only for the server', async () => {
    await h.mount('tessera-compute-settings', LOCAL);
    expect(await h.page.getByLabel('In this browser (WebGPU, else wasm)').isChecked()).toBe(true);
    expect(await h.page.getByLabel('URL').count()).toBe(0);
    await h.set({ compute: SERVER.compute });
    expect(await h.page.getByLabel('On a server').isChecked()).toBe(true);
    expect(await h.page.getByLabel('URL').inputValue()).toBe('http://127.0.0.1:8765');
    expect(await h.page.getByLabel('Token').getAttribute('type')).toBe('password');
    expect(await h.events()).toEqual([]);
  });

  it('sends the choice, URL, token and Test connection as intents', async () => {
    await h.mount('tessera-compute-settings', LOCAL);
    await h.page.getByLabel('On a server').check();
    await h.set({ compute: SERVER.compute });
    await h.page.getByLabel('URL').fill('http://gpu-box:8000/ ');
    await h.page.getByLabel('URL').press('Enter');
    await h.page.getByLabel('Token').fill('s3cret');
    await h.page.getByLabel('Token').press('Enter');
    await h.page.getByRole('button', { name: 'Test connection' }).click();
    expect(await h.events()).toEqual([
      ev('tessera-compute-change', { where: 'server' }),
      ev('tessera-compute-change', { serverUrl: 'http://gpu-box:8000/' }),
      ev('tessera-compute-change', { token: 's3cret' }),
      ev('tessera-test-connection'),
    ]);
  });

  it('reports the server, its models and what runs each; or why it failed', async () => {
    await h.mount('tessera-compute-settings', {
      ...SERVER,
      status: {
        kind: 'connected',
        server: 'tessera 0.1.0 at http://127.0.0.1:8765',
        models: [
          { name: 'sdxs-512-dreamshaper.unet', detail: 'cuda (CUDA, the first choice, loaded the model)', ready: true },
          { name: 'taesd.vae-encoder', detail: 'not ready on this server', ready: false },
        ],
      },
    });
    const status = el().getByRole('status');
    expect(await status.locator('p').textContent()).toBe('Connected: tessera 0.1.0 at http://127.0.0.1:8765, 2 models');
    expect(await status.locator('li.ready').textContent()).toBe('sdxs-512-dreamshaper.unet cuda (CUDA, the first choice, loaded the model)');
    expect(await status.locator('li.not-ready .name').textContent()).toBe('taesd.vae-encoder');
    await h.set({ status: { kind: 'testing' } });
    expect(await h.page.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(true);
    await h.set({ status: { kind: 'failed', message: 'Cannot use the inference server: nothing answers at http://127.0.0.1:8765 (connection refused).' } });
    expect(await el().locator('.failed').textContent()).toContain('nothing answers at http://127.0.0.1:8765');
  });

  it('in Photoshop, cannot choose this panel', async () => {
    await h.mount('tessera-compute-settings', { ...SERVER, localAvailable: false });
    expect(await h.page.getByLabel('In this panel (only the standalone editor can)').isDisabled()).toBe(true);
  });

  it('logs no page errors or lit warnings', () => {
    expect(h.problems()).toEqual([]);
  });
});
