import { describe, expect, it } from 'vitest';
import { encodePng } from '../../../src/core/codecs/png.js';
import { createImage } from '../../../src/core/image.js';
import { computeInThread, type PixelateCompute } from '../../../src/commands/pixelate.js';
import { PanelController } from '../../../panels/state/panel-controller.js';
import { initialPanelState } from '../../../panels/state/initial-panel-state.js';
import { createPanelStore } from '../../../panels/state/panel-store.js';
import type { SavedSettings, SettingsStorage } from '../../../panels/state/saved-settings.js';
import { MemoryHost } from '../../fakes/memory-host.js';
import { hueSweepImage } from '../../fixtures/images.js';

function memoryStorage(initial: unknown = null): SettingsStorage & { saved: SavedSettings[] } {
  const saved: SavedSettings[] = [];
  return { saved, load: () => initial, save: (v) => { saved.push(v); } };
}

function setup(host = new MemoryHost({ image: hueSweepImage(64, 48), x: 4, y: 6, name: 'Photo' }), compute: PixelateCompute = computeInThread, storage = memoryStorage()) {
  const store = createPanelStore(initialPanelState(host, storage));
  const controller = new PanelController({ store, host, compute, previewCompute: computeInThread, storage });
  return { host, store, controller, storage };
}

describe('panel controller', () => {
  it('starts from defaults with every preset listed and nothing running', () => {
    const { store } = setup();
    const s = store.get();
    expect(s.settings.paletteId).toBe('pico-8');
    expect(s.palettes).toHaveLength(15);
    expect(s.job).toBeNull();
    expect(s.capabilities).toEqual({ hostName: 'Memory host', singleUndoStep: true, models: false, learnedUpsampler: false });
  });

  it('Apply writes one layer with the chosen settings and says how many undos it costs', async () => {
    const { host, store, controller } = setup();
    controller.changeSettings({ cells: 16, dither: 'bayer4', paletteId: 'sweetie-16' });
    await controller.apply();
    expect(host.writes.map((w) => [w.name, w.x, w.y])).toEqual([['Pixelate · Sweetie 16 · 16×12 · bayer4', 4, 6]]);
    expect(store.get().notice).toBe('Added “Pixelate · Sweetie 16 · 16×12 · bayer4” (1 undo step).');
    expect(store.get().job).toBeNull();
  });

  it('shows a failure in words and writes nothing', async () => {
    const { host, store, controller } = setup(new MemoryHost({ image: createImage(8, 8), x: 0, y: 0, name: 'Blank' }));
    await controller.apply();
    expect(store.get().error).toEqual({ code: 'empty-layer', message: 'The layer "Blank" is empty.' });
    expect(host.writes).toHaveLength(0);
  });

  it('Cancel stops the job quietly: a notice, no error, no layer', async () => {
    let release: () => void = () => {};
    const hanging: PixelateCompute = (_src, _opts, ctx) =>
      new Promise((_resolve, reject) => {
        release = () => reject(new Error('released'));
        ctx.signal?.addEventListener('abort', () => reject(ctx.signal?.reason));
      });
    const { host, store, controller } = setup(undefined, hanging);
    const job = controller.apply();
    await Promise.resolve();
    await Promise.resolve();
    expect(store.get().job?.label).toBe('Pixelate');
    controller.cancel();
    await job;
    release();
    expect(store.get()).toMatchObject({ job: null, error: null, notice: 'Cancelled: nothing was changed.' });
    expect(host.writes).toHaveLength(0);
  });

  it('imports a palette file, selects it, keeps it, and removing it falls back to PICO-8', () => {
    const storage = memoryStorage();
    const { store, controller } = setup(undefined, computeInThread, storage);
    controller.importPalette('mine.hex', new TextEncoder().encode('ff0000\njunk\n00ff00\n'));
    const entry = store.get().palettes.at(-1)!;
    expect(entry).toMatchObject({ id: 'custom-1', name: 'mine', colors: ['#ff0000', '#00ff00'], source: 'imported' });
    expect(store.get().settings.paletteId).toBe('custom-1');
    expect(store.get().notice).toMatch(/Imported “mine”\. .*line 2/);
    expect(storage.saved.at(-1)?.customPalettes).toEqual([entry]);
    controller.removePalette('custom-1');
    expect(store.get().settings.paletteId).toBe('pico-8');
    expect(store.get().palettes).toHaveLength(15);
  });

  it('reports a palette file with nothing usable as an error', () => {
    const { store, controller } = setup();
    controller.importPalette('broken.png', encodePng(createImage(2, 2)));
    expect(store.get().error?.code).toBe('unsupported-format');
  });

  it('extracts a palette from the layer into the list and selects it', async () => {
    const { store, controller } = setup();
    await controller.extractPalette(5);
    const entry = store.get().palettes.at(-1)!;
    expect(entry).toMatchObject({ name: 'Photo · 5', source: 'extracted' });
    expect(entry.colors.length).toBeLessThanOrEqual(5);
    expect(store.get().settings.paletteId).toBe(entry.id);
  });

  it('restores saved settings and palettes on the next visit', () => {
    const first = setup();
    first.controller.changeSettings({ cells: 40, dither: 'atkinson' });
    first.controller.importPalette('two.hex', new TextEncoder().encode('123456\nabcdef\n'));
    const saved = first.storage.saved.at(-1);
    const second = setup(undefined, computeInThread, memoryStorage(saved));
    expect(second.store.get().settings).toMatchObject({ cells: 40, dither: 'atkinson', paletteId: 'custom-1' });
    expect(second.store.get().palettes.at(-1)?.name).toBe('two');
  });

  it('renders a grid-size preview, and explains when there is no target', async () => {
    const { store, controller } = setup();
    controller.schedulePreview();
    await expect.poll(() => store.get().preview.kind).toBe('ready');
    const preview = store.get().preview;
    expect(preview.kind === 'ready' && [preview.width, preview.height, preview.dataUrl.slice(0, 22)]).toEqual([64, 48, 'data:image/png;base64,']);

    const empty = setup(new MemoryHost(null));
    empty.controller.schedulePreview();
    await expect.poll(() => empty.store.get().preview).toEqual({ kind: 'none', reason: 'Select a layer first.' });
  });
});
