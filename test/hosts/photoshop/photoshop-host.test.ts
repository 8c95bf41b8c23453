import { beforeEach, describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { cropImage } from '../../../src/core/image.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { computeInThread, pixelateCommand, resolvePixelateRequest, type PixelateCompute, type PixelateRequest } from '../../../src/commands/pixelate.js';
import { PhotoshopHost } from '../../../src/hosts/photoshop/photoshop-host.js';
import { resizeImage } from '../../../src/core/resize.js';
import { discSprite, hueSweepImage, pixelAt, solidImage } from '../../fixtures/images.js';
import { FakePhotoshop, type FakeDepth, type FakeDocument, type FakeLayer } from './fake-photoshop.js';

const request = (patch: Partial<PixelateRequest> = {}): PixelateRequest => ({
  palette: getPreset('pico-8').palette, gridMode: 'cells', cells: 16, cellSize: 8, downscale: 'area', dither: 'bayer4',
  ditherStrength: 1, alphaThreshold: 0.5, cleanup: false, seed: 1, refine: false, refineIterations: 50, faithfulness: 0.5, ...patch,
});
const signal = () => new AbortController().signal;

/** The fake with one document holding one layer, and a host on it. */
function setup({ depth = 8 as FakeDepth, image = hueSweepImage(64, 48), x = 10, y = 20, alpha = true } = {}) {
  const ps = new FakePhotoshop();
  const doc = ps.addDocument({ width: 200, height: 150, depth, title: 'Photo.psd' });
  const source = ps.addLayer(doc, { name: 'Photo', image, x, y, alpha });
  return { ps, doc, source, host: new PhotoshopHost(ps.modules()) };
}

/** The compute the command would run, refusing to run inside a modal scope. */
function outsideModal(ps: FakePhotoshop, calls: { modalOpen: boolean[] }): PixelateCompute {
  return (src, options, ctx) => {
    calls.modalOpen.push(ps.modalOpen);
    return computeInThread(src, options, ctx);
  };
}

async function expectError(promise: Promise<unknown>, code: string, text?: RegExp): Promise<TesseraError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TesseraError);
  expect((error as TesseraError).code).toBe(code);
  if (text) expect((error as TesseraError).userMessage).toMatch(text);
  return error as TesseraError;
}

const topLayer = (doc: FakeDocument): FakeLayer => doc.layers[doc.layers.length - 1];

describe('PhotoshopHost with the pixelate command', () => {
  it('adds exactly one history state, named after the result, with the pixels at the source bounds', async () => {
    const { ps, doc, source, host } = setup();
    const before = ps.layerImage(source).image.data.slice();
    const options = resolvePixelateRequest(request());
    const result = await pixelateCommand(host, options, { signal: signal() });

    expect(doc.history).toEqual([result.layerName]);
    expect(result.layerName).toBe('Pixelate · PICO-8 · 16×12 · bayer4');
    expect(result.historySteps).toBe(1);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo', result.layerName]);
    const added = topLayer(doc);
    expect(result.layerId).toBe(String(added.id));
    const { rect, image } = ps.layerImage(added);
    expect(rect).toEqual({ x: 10, y: 20, width: 64, height: 48 });
    const expected = await computeInThread(hueSweepImage(64, 48), { ...options, output: 'original' }, {});
    expect(image.data).toEqual(expected.image.data);
    expect(ps.layerImage(source).image.data).toEqual(before);
  });

  it('computes outside any modal scope and writes inside exactly one', async () => {
    const { ps, host } = setup();
    const calls = { modalOpen: [] as boolean[] };
    await pixelateCommand(host, resolvePixelateRequest(request()), { signal: signal() }, outsideModal(ps, calls));
    expect(calls.modalOpen).toEqual([false]);
    const writing = ps.scopes.filter((s) => s.changes.length > 0);
    expect(writing).toHaveLength(1);
    expect(writing[0]).toEqual({ commandName: 'Pixelate · PICO-8 · 16×12 · bayer4', changes: ['createPixelLayer', 'move', 'putPixels'] });
    expect(ps.scopes.filter((s) => s.changes.length === 0).map((s) => s.commandName)).toEqual(['Tessera: read the layer']);
  });

  it('rolls back when putPixels fails: no layer, no history state, a host-failed error naming the step', async () => {
    const { ps, doc, host } = setup();
    ps.failures.set('putPixels', new Error('Out of scratch disk space.'));
    const error = await expectError(pixelateCommand(host, resolvePixelateRequest(request()), { signal: signal() }), 'host-failed', /could not write the pixels: Out of scratch disk space\. The document was left as it was/);
    expect(error.details).toMatchObject({ step: 'write the pixels' });
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo']);
    expect(doc.history).toEqual([]);
    expect(ps.modalOpen).toBe(false);
    expect(ps.liveImageData.size).toBe(0);
  });

  it.each([
    ['createPixelLayer', 'create the result layer'],
    ['move', 'place the result layer'],
  ] as const)('rolls back when %s fails', async (point, step) => {
    const { ps, doc, host } = setup();
    ps.failures.set(point, new Error('General Photoshop error'));
    await expectError(pixelateCommand(host, resolvePixelateRequest(request()), { signal: signal() }), 'host-failed', new RegExp(`could not ${step}`));
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo']);
    expect(doc.history).toEqual([]);
  });

  it('reports a cancel on Photoshop\'s progress dialog as cancelled, with nothing changed', async () => {
    const { ps, doc, host } = setup();
    ps.cancelAt = 'putPixels';
    await expectError(pixelateCommand(host, resolvePixelateRequest(request()), { signal: signal() }), 'cancelled');
    expect(doc.layers).toHaveLength(1);
    expect(doc.history).toEqual([]);
  });

  it('round-trips a 16-bit document: reads 0..32768 as 8-bit, writes 16-bit data', async () => {
    const image = hueSweepImage(32, 32);
    const { ps, doc, host } = setup({ depth: 16, image, x: 0, y: 0 });
    const target = await host.readTarget(signal());
    expect(target.image.data).toEqual(image.data);
    await host.writeResult({ name: 'Copy', image, x: 5, y: 6 }, signal());
    const added = topLayer(doc);
    expect(added.pixels?.data).toBeInstanceOf(Uint16Array);
    expect(Math.max(...added.pixels!.data)).toBeLessThanOrEqual(32768);
    expect(ps.layerImage(added)).toEqual({ rect: { x: 5, y: 6, width: 32, height: 32 }, image });
    expect(doc.history).toEqual(['Copy']);
  });

  it('reads a layer without alpha (a background layer) as opaque RGBA', async () => {
    const { host } = setup({ image: hueSweepImage(20, 10), alpha: false, x: 0, y: 0 });
    const target = await host.readTarget(signal());
    expect(target.image.data).toEqual(hueSweepImage(20, 10).data);
    expect(target.mask).toBeNull();
  });

  it('places the result directly above the source, even if another layer became active meanwhile', async () => {
    const { ps, doc, host } = setup();
    ps.addLayer(doc, { name: 'Top', image: solidImage(4, 4, [0, 0, 0, 255]) });
    doc.activeLayers = [doc.layers[0]];
    const s = signal();
    const target = await host.readTarget(s);
    doc.activeLayers = [doc.layers[1]];
    await host.writeResult({ name: 'Result', image: target.image, x: target.bounds.x, y: target.bounds.y }, s);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo', 'Result', 'Top']);
  });

  it('writes above the layer its own read came from, whatever a preview read meanwhile', async () => {
    const { ps, doc, host } = setup();
    const other = ps.addLayer(doc, { name: 'Other', image: solidImage(8, 8, [9, 9, 9, 255]) });
    doc.activeLayers = [doc.layers[0]];
    const command = signal();
    const target = await host.readTarget(command);
    doc.activeLayers = [other];
    await host.readTarget(signal()); // the panel's preview of the newly selected layer
    await host.writeResult({ name: 'Result', image: target.image, x: target.bounds.x, y: target.bounds.y }, command);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo', 'Result', 'Other']);
  });

  it('writes a result with no read of its own into the active document, above the active layer', async () => {
    const { ps, doc, host } = setup();
    ps.addLayer(doc, { name: 'Top', image: solidImage(4, 4, [0, 0, 0, 255]) });
    doc.activeLayers = [doc.layers[0]];
    const receipt = await host.writeResult({ name: 'Direct', image: solidImage(3, 2, [1, 2, 3, 255]), x: 7, y: 8 }, signal());
    expect(receipt).toEqual({ layerId: String(doc.layers[1].id), historySteps: 1 });
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo', 'Direct', 'Top']);
    expect(ps.layerImage(doc.layers[1]).rect).toEqual({ x: 7, y: 8, width: 3, height: 2 });
    expect(ps.scopes.at(-1)?.changes).toEqual(['createPixelLayer', 'putPixels']);
  });

  it('queues its modal scopes: two reads at once both succeed', async () => {
    const { host } = setup();
    const [a, b] = await Promise.all([host.readTarget(signal()), host.readTarget(signal())]);
    expect(a.image.data).toEqual(b.image.data);
  });

  it('says Photoshop is busy when another plugin holds the modal scope', async () => {
    const { ps, host } = setup();
    ps.otherPluginModal = true;
    await expectError(host.readTarget(signal()), 'host-failed', /Photoshop is busy with another command/);
  });

  it('fails clearly when the document was closed between read and write', async () => {
    const { ps, host } = setup();
    const s = signal();
    const target = await host.readTarget(s);
    ps.documents.length = 0;
    ps.active = null;
    await expectError(host.writeResult({ name: 'R', image: target.image, x: 0, y: 0 }, s), 'host-failed', /was closed/);
  });

  it('honours the signal before writing', async () => {
    const { doc, host } = setup();
    const controller = new AbortController();
    const target = await host.readTarget(controller.signal);
    controller.abort();
    await expect(host.writeResult({ name: 'R', image: target.image, x: 0, y: 0 }, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(doc.layers).toHaveLength(1);
  });
});

describe('PhotoshopHost selections', () => {
  it('crops to a rectangular selection, without a mask', async () => {
    const image = hueSweepImage(64, 48);
    const { ps, doc, host } = setup({ image });
    doc.select({ x: 30, y: 30, width: 100, height: 20 });
    const target = await host.readTarget(signal());
    expect(target.bounds).toEqual({ x: 30, y: 30, width: 44, height: 20 });
    expect(target.mask).toBeNull();
    expect(target.image).toEqual(cropImage(image, { x: 20, y: 10, width: 44, height: 20 }));
    expect(ps.liveImageData.size).toBe(0);
  });

  it('reads the shape of a non-rectangular selection as the mask, and the command clears outside it', async () => {
    const { doc, host, ps } = setup({ x: 0, y: 0 });
    doc.selectionMask = new Uint8Array(doc.width * doc.height);
    for (let y = 0; y < 48; y++) for (let x = 0; x < 64; x++) if (x < y) doc.selectionMask[y * doc.width + x] = 255;
    const target = await host.readTarget(signal());
    expect(target.bounds).toEqual({ x: 0, y: 1, width: 47, height: 47 });
    expect(target.mask).not.toBeNull();
    expect(target.mask![0 * 47 + 0]).toBe(255); // (0, 1): selected
    expect(target.mask![0 * 47 + 5]).toBe(0); // (5, 1): not selected

    await pixelateCommand(host, resolvePixelateRequest(request({ cells: 8 })), { signal: signal() });
    const { rect, image } = ps.layerImage(topLayer(doc));
    expect(rect).toEqual(target.bounds);
    expect(pixelAt(image, 0, 40)[3]).toBe(255);
    expect(pixelAt(image, 40, 0)[3]).toBe(0);
    expect(ps.liveImageData.size).toBe(0);
  });

  it('reads a 16-bit selection mask', async () => {
    const { doc, host } = setup({ depth: 16, x: 0, y: 0 });
    doc.selectionMask = new Uint8Array(doc.width * doc.height);
    for (let y = 0; y < 10; y++) doc.selectionMask.fill(y % 2 ? 255 : 128, y * doc.width, y * doc.width + 10);
    const target = await host.readTarget(signal());
    expect(target.bounds).toEqual({ x: 0, y: 0, width: 10, height: 10 });
    expect([target.mask![0], target.mask![10]]).toEqual([128, 255]);
  });
});

describe('PhotoshopHost.readTarget errors', () => {
  it('no-document when nothing is open', async () => {
    const ps = new FakePhotoshop();
    await expectError(new PhotoshopHost(ps.modules()).readTarget(signal()), 'no-document', /No image is open/);
  });

  it('no-layer when no layer, several layers or a group is selected', async () => {
    const { ps, doc, host } = setup();
    doc.activeLayers = [];
    await expectError(host.readTarget(signal()), 'no-layer', /No layer is selected/);
    doc.activeLayers = [doc.layers[0], ps.addLayer(doc, { name: 'B', image: solidImage(2, 2, [1, 2, 3, 255]) })];
    await expectError(host.readTarget(signal()), 'no-layer', /2 layers are selected/);
    doc.activeLayers = [ps.addLayer(doc, { name: 'Group 1', kind: 'group' })];
    await expectError(host.readTarget(signal()), 'no-layer', /"Group 1" is a group/);
  });

  it('empty-layer for a layer with no pixels or only transparent ones', async () => {
    const { ps, doc, host } = setup();
    ps.addLayer(doc, { name: 'Blank' });
    await expectError(host.readTarget(signal()), 'empty-layer', /"Blank" is empty/);
    ps.addLayer(doc, { name: 'Clear', image: solidImage(8, 8, [10, 20, 30, 0]) });
    await expectError(host.readTarget(signal()), 'empty-layer', /"Clear" is empty/);
  });

  it('empty-selection when the selection misses the layer or selects none of its pixels', async () => {
    const { doc, host } = setup({ image: discSprite(32, [200, 10, 10]), x: 0, y: 0 });
    doc.select({ x: 100, y: 100, width: 10, height: 10 });
    await expectError(host.readTarget(signal()), 'empty-selection', /does not overlap the layer "Photo"/);
    doc.selectionMask = new Uint8Array(doc.width * doc.height);
    doc.selectionMask[0] = 100; // a faint corner, and a far-away solid block
    doc.selectionMask[149 * doc.width + 199] = 255;
    await expectError(host.readTarget(signal()), 'empty-selection', /covers no pixels of/);
  });

  it('empty-layer when the selected part is transparent', async () => {
    const { doc, host } = setup({ image: discSprite(32, [200, 10, 10]), x: 0, y: 0 });
    doc.select({ x: 0, y: 0, width: 3, height: 3 });
    await expectError(host.readTarget(signal()), 'empty-layer', /selected part of the layer "Photo" is empty/);
  });

  it('unsupported-format for 32-bit and non-RGB documents', async () => {
    const { doc, host } = setup();
    doc.mode = 'CMYKColorMode';
    await expectError(host.readTarget(signal()), 'unsupported-format', /Image › Mode › RGB Color/);
    const ps = new FakePhotoshop();
    const hdr = ps.addDocument({ width: 10, height: 10, depth: 32 });
    ps.addLayer(hdr, { name: 'HDR' });
    await expectError(new PhotoshopHost(ps.modules()).readTarget(signal()), 'unsupported-format', /8 or 16 bits/);
  });

  it('wraps a failing read once, naming the step, and disposes what it got', async () => {
    const { ps, host } = setup();
    ps.failures.set('getData', new Error('Could not complete the request'));
    const error = await expectError(host.readTarget(signal()), 'host-failed', /^Photoshop could not read the layer: Could not complete the request\./);
    expect(error.cause).toBeInstanceOf(Error);
    expect(ps.liveImageData.size).toBe(0);
  });
});

describe('PhotoshopHost.writeResult with resizeDocument (Upscale in place)', () => {
  const upscale = (width: number, height: number) => ({ name: 'Upscale ×2', image: hueSweepImage(width, height), x: 0, y: 0, resizeDocument: { width, height } });

  it('says what it can hold', () => {
    expect(setup().host.capabilities).toEqual({ name: 'Photoshop', singleUndoStep: true, workers: false, maxDocumentPixels: 2 ** 26 });
  });

  it('resizes the image and adds the result above the source as ONE history state, which one undo takes back exactly', async () => {
    const { ps, doc, source, host } = setup();
    const sourceBefore = ps.layerImage(source);
    const s = signal();
    await host.readTarget(s);
    const write = upscale(400, 300);
    const receipt = await host.writeResult(write, s);

    expect(receipt.historySteps).toBe(1);
    expect(doc.history).toEqual(['Upscale ×2']);
    expect([doc.width, doc.height]).toEqual([400, 300]);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo', 'Upscale ×2']);
    expect(doc.lastResampleMethod).toBe('bicubicSmoother');
    const writing = ps.scopes.filter((scope) => scope.changes.length > 0);
    expect(writing).toEqual([{ commandName: 'Upscale ×2', changes: ['resizeImage', 'createPixelLayer', 'move', 'putPixels'] }]);
    // The source scaled in place under the result: twice its position and size.
    const scaled = ps.layerImage(source);
    expect(scaled.rect).toEqual({ x: 20, y: 40, width: 128, height: 96 });
    expect(scaled.image.data).toEqual(resizeImage(sourceBefore.image, 128, 96, 'lanczos3').data);
    const added = ps.layerImage(topLayer(doc));
    expect(String(topLayer(doc).id)).toBe(receipt.layerId);
    expect(added.rect).toEqual({ x: 0, y: 0, width: 400, height: 300 });
    expect(added.image.data).toEqual(write.image.data);

    expect(doc.undo()).toBe(true);
    expect(doc.history).toEqual([]);
    expect([doc.width, doc.height]).toEqual([200, 150]);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo']);
    expect(ps.layerImage(source)).toEqual(sourceBefore);
  });

  it('rolls the resize back too when a later step fails: same size, no layer, no history state', async () => {
    const { ps, doc, source, host } = setup();
    const sourceBefore = ps.layerImage(source);
    ps.failures.set('putPixels', new Error('Out of scratch disk space.'));
    await expectError(host.writeResult(upscale(400, 300), signal()), 'host-failed', /^Photoshop could not write the pixels: .*left as it was/);
    expect([doc.width, doc.height]).toEqual([200, 150]);
    expect(doc.layers.map((l) => l.name)).toEqual(['Photo']);
    expect(doc.history).toEqual([]);
    expect(ps.layerImage(source)).toEqual(sourceBefore);
  });

  it('names the step when Photoshop cannot resize', async () => {
    const { ps, doc, host } = setup();
    ps.failures.set('resizeImage', new Error('Not enough memory (RAM)'));
    await expectError(host.writeResult(upscale(400, 300), signal()), 'host-failed', /^Photoshop could not resize the image: Not enough memory/);
    expect([doc.width, doc.height, doc.history.length]).toEqual([200, 150, 0]);
  });

  it('refuses sizes past the panel limit or Photoshop\'s 300,000 px a side before opening any scope', async () => {
    const { ps, host } = setup();
    const tooMany = { ...upscale(2, 2), resizeDocument: { width: 8193, height: 8192 } };
    const error = await expectError(host.writeResult(tooMany, signal()), 'invalid-input', /larger than Photoshop can hold: at most 67\.1 megapixels/);
    expect(error.details).toMatchObject({ reason: 'too-large' });
    const tooWide = { ...upscale(2, 2), resizeDocument: { width: 300_001, height: 2 } };
    await expectError(host.writeResult(tooWide, signal()), 'invalid-input', /300,000 px a side/);
    expect(ps.scopes).toEqual([]);
  });
});

describe('PhotoshopHost.resizeCanvas', () => {
  it('resizes anchored top-left as one history state', async () => {
    const { ps, doc, source, host } = setup();
    await host.resizeCanvas(400, 300, signal());
    expect([doc.width, doc.height]).toEqual([400, 300]);
    expect(doc.history).toEqual(['Canvas size 400×300']);
    expect(ps.layerImage(source).rect).toEqual({ x: 10, y: 20, width: 64, height: 48 });
  });

  it('rejects a size without pixels before touching Photoshop', async () => {
    const { ps, host } = setup();
    await expectError(host.resizeCanvas(0, 10, signal()), 'invalid-input');
    expect(ps.scopes).toEqual([]);
  });
});

describe('the fake keeps Photoshop\'s rules', () => {
  let ps: FakePhotoshop;
  let doc: FakeDocument;
  beforeEach(() => {
    ps = new FakePhotoshop();
    doc = ps.addDocument({ width: 10, height: 10 });
  });

  it('refuses document changes outside a modal scope and nested scopes', async () => {
    await expect(doc.createPixelLayer({ name: 'x' })).rejects.toThrow(/needs executeAsModal/);
    const { core } = ps.modules();
    await expect(core.executeAsModal(() => core.executeAsModal(async () => 1, { commandName: 'inner' }), { commandName: 'outer' })).rejects.toMatchObject({ number: 9 });
  });

  it('rolls back a suspension on commit false', async () => {
    const { core } = ps.modules();
    await core.executeAsModal(async ({ hostControl }) => {
      const s = await hostControl.suspendHistory({ documentID: doc.id, name: 'Step' });
      await doc.createPixelLayer({ name: 'temp' });
      await hostControl.resumeHistory(s, false);
    }, { commandName: 'test' });
    expect(doc.layers).toEqual([]);
    expect(doc.history).toEqual([]);
  });
});
