import { describe, expect, it } from 'vitest';
import { TesseraError, toTesseraError } from '../../../src/core/errors.js';
import { cropImage, pasteImage, createImage } from '../../../src/core/image.js';
import { PhotopeaHost, RESIZE_WRITE_HISTORY_STEPS, WRITE_HISTORY_STEPS, opaqueBounds, type PhotopeaHostOptions } from '../../../src/hosts/photopea/photopea-host.js';
import { resizeImage } from '../../../src/core/resize.js';
import { BLUE, CLEAR, GREEN, imageFromRows } from '../../fixtures/documents.js';
import { hueSweepImage, solidImage } from '../../fixtures/images.js';
import type { DocumentSetup, FakePhotopeaOptions } from './fake-photopea/fake-photopea.js';
import { linkFakePhotopea } from './fake-photopea/node-link.js';

const signal = () => new AbortController().signal;
const PHOTO = hueSweepImage(40, 30);
/** A 4×3 sprite with a transparent hole, at (30, 20) on the 40×30 canvas. */
const SPRITE = imageFromRows([
  [BLUE, GREEN, BLUE, GREEN],
  [GREEN, CLEAR, CLEAR, BLUE],
  [BLUE, GREEN, BLUE, GREEN],
]);

function photoDocument(extra: Partial<DocumentSetup> = {}): DocumentSetup {
  return {
    name: 'photo.psd',
    width: 40,
    height: 30,
    layers: [
      { name: 'Sprite', pixels: SPRITE, x: 30, y: 20 },
      { name: 'Photo', pixels: PHOTO },
    ],
    activeLayer: 1,
    ...extra,
  };
}

function setup(doc: DocumentSetup | null = photoDocument(), fakeOptions: Omit<FakePhotopeaOptions, 'send'> = {}, hostOptions: PhotopeaHostOptions = {}) {
  const { fake, client } = linkFakePhotopea({ placeDelayMs: 25, ...fakeOptions });
  fake.ready();
  const source = doc ? fake.openDocument(doc) : null;
  return { fake, source, host: new PhotopeaHost(client, { pollIntervalMs: 5, ...hostOptions }) };
}

async function failure(promise: Promise<unknown>): Promise<TesseraError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(TesseraError);
  return error as TesseraError;
}

/** What runCommand makes of the error: a signal's AbortError and our own 'cancelled' read the same. */
async function failureCode(promise: Promise<unknown>): Promise<string> {
  return toTesseraError(await promise.then(() => null, (e: unknown) => e)).code;
}

describe('PhotopeaHost', () => {
  it('says what it can do', () => {
    expect(setup(null).host.capabilities).toEqual({ name: 'Photopea', singleUndoStep: false, workers: true, maxDocumentPixels: 2 ** 26 });
  });

  describe('readTarget', () => {
    it("reads the selection's part of the active layer, leaving the document and its history as they were", async () => {
      const { fake, source, host } = setup(photoDocument({ selection: { x: 4, y: 6, width: 10, height: 8 } }));
      // Another document opened later: closing the scratch document would land on it.
      const other = fake.openDocument({ name: 'other.png', width: 5, height: 5, layers: [{ name: 'X', pixels: solidImage(5, 5, [1, 1, 1, 255]) }] });
      fake.active = source;
      const target = await host.readTarget(signal());
      expect(target.bounds).toEqual({ x: 4, y: 6, width: 10, height: 8 });
      expect(target.image).toEqual(cropImage(PHOTO, target.bounds));
      expect(target).toMatchObject({ mask: null, documentSize: { width: 40, height: 30 }, layerName: 'Photo' });
      expect(fake.documents).toEqual([source, other]);
      expect(fake.active).toBe(source);
      expect(source!.history).toEqual(['Open']);
      expect(source!.layers.map((l) => [l.name, l.visible])).toEqual([['Sprite', true], ['Photo', true]]);
      expect(fake.uncaught).toEqual([]);
    });

    it("reads the whole layer as its pixels' bounding box, hidden or not, clipped to the canvas", async () => {
      const { source, host } = setup(photoDocument({ activeLayer: 0 }));
      source!.layers[0].visible = false;
      source!.layers[0].x = 37; // one column hangs off the right edge
      source!.history.length = 1;
      const target = await host.readTarget(signal());
      expect(target.bounds).toEqual({ x: 37, y: 20, width: 3, height: 3 });
      expect(target.image).toEqual(cropImage(SPRITE, { x: 0, y: 0, width: 3, height: 3 }));
      expect(target.layerName).toBe('Sprite');
      expect(source!.layers[0].visible).toBe(false);
      expect(source!.history).toEqual(['Open']);
    });

    it.each([
      ['no document is open', null, 'no-document', /No image is open in Photopea/],
      ['no layer is selected', photoDocument({ activeLayer: null }), 'no-layer', /No layer is selected/],
      ['the layer is transparent', photoDocument({ layers: [{ name: 'Ghost', pixels: solidImage(8, 8, [0, 0, 0, 0]) }], activeLayer: 0 }), 'empty-layer', /"Ghost" is empty/],
      ['the selection misses the layer', photoDocument({ activeLayer: 0, selection: { x: 0, y: 0, width: 10, height: 10 } }), 'empty-selection', /does not cover any pixels of the layer "Sprite"/],
      ['the selection holds only transparent pixels', photoDocument({ activeLayer: 0, selection: { x: 31, y: 21, width: 2, height: 1 } }), 'empty-layer', /selected part of the layer "Sprite" is empty/],
    ] as const)('fails before any compute when %s', async (_what, doc, code, message) => {
      const { host } = setup(doc);
      const error = await failure(host.readTarget(signal()));
      expect(error.code).toBe(code);
      expect(error.userMessage).toMatch(message);
    });

    it('reports a failing export as host-failed, and still closes the scratch document', async () => {
      const { fake, source, host } = setup(photoDocument(), { failDuplicate: true });
      const error = await failure(host.readTarget(signal()));
      expect(error.code).toBe('host-failed');
      expect(error.userMessage).toMatch(/^Photopea could not export the layer: Cannot read properties of undefined \(reading 'clone'\)/);
      expect(fake.documents).toEqual([source]);
      expect(fake.active).toBe(source);
      expect(source!.history).toEqual(['Open']);
    });

    it('is cancelled before asking Photopea anything', async () => {
      const { fake, host } = setup();
      const controller = new AbortController();
      controller.abort();
      expect(await failureCode(host.readTarget(controller.signal))).toBe('cancelled');
      expect(fake.scriptsRun).toBe(0);
    });
  });

  describe('writeResult', () => {
    it('adds one named layer with the result in place, waiting for it to arrive, in the history steps it reports', async () => {
      const { fake, source, host } = setup();
      const result = solidImage(6, 5, [255, 0, 77, 255]);
      const receipt = await host.writeResult({ name: 'Pixelate · PICO-8 · 3×3 · none', image: result, x: 8, y: 4 }, signal());
      expect(source!.layers.map((l) => l.name)).toEqual(['Sprite', 'Pixelate · PICO-8 · 3×3 · none', 'Photo']); // above the active layer
      const layer = source!.layers[1];
      expect(receipt).toEqual({ layerId: String(layer.id), historySteps: WRITE_HISTORY_STEPS });
      expect(source!.history.slice(1)).toEqual(['Place', 'Rename Layer']);
      expect(source!.history.length - 1).toBe(receipt.historySteps);
      expect({ x: layer.x, y: layer.y }).toEqual({ x: 0, y: 0 });
      expect(layer.pixels).toEqual(pasteImage(createImage(40, 30), result, 8, 4));
      expect(source!.active).toBe(layer);
      expect(fake.scriptsWhilePlacing).toBeGreaterThan(0); // it really polled past the early "done"
    });

    it('finds the result when Photopea puts it inside a group', async () => {
      const { source, host } = setup({
        name: 'g.psd', width: 10, height: 10, activeLayer: 0,
        layers: [{ name: 'Group', children: [{ name: 'Inner', pixels: solidImage(10, 10, [0, 0, 0, 255]) }] }],
      });
      source!.active = source!.layers[0].layers[0];
      await host.writeResult({ name: 'Result', image: solidImage(2, 2, [9, 9, 9, 255]), x: 1, y: 1 }, signal());
      expect(source!.layers[0].layers.map((l) => l.name)).toEqual(['Result', 'Inner']);
    });

    it('gives up as host-failed when the placed image never arrives', async () => {
      const { host } = setup(photoDocument(), { placeDelayMs: 400 }, { maxPolls: 3 });
      const error = await failure(host.writeResult({ name: 'R', image: solidImage(2, 2, [9, 9, 9, 255]), x: 0, y: 0 }, signal()));
      expect(error.code).toBe('host-failed');
      expect(error.userMessage).toMatch(/did not add the result layer/);
    });

    it('writes nothing when there is no document any more, or when cancelled first', async () => {
      const { host } = setup(null);
      expect((await failure(host.writeResult({ name: 'R', image: solidImage(2, 2, [9, 9, 9, 255]), x: 0, y: 0 }, signal()))).code).toBe('no-document');
      const { source, host: other } = setup();
      const controller = new AbortController();
      controller.abort();
      expect(await failureCode(other.writeResult({ name: 'R', image: solidImage(2, 2, [9, 9, 9, 255]), x: 0, y: 0 }, controller.signal))).toBe('cancelled');
      expect(source!.history).toEqual(['Open']);
    });
  });

  describe('writeResult with resizeDocument (Upscale in place)', () => {
    const upscaled = () => hueSweepImage(80, 60);

    it('resizes the image, then places and names the result over it, in the history steps it reports; undoing them restores the document', async () => {
      const { fake, source, host } = setup();
      const before = source!.layers.map((l) => ({ id: l.id, name: l.name, x: l.x, y: l.y, pixels: l.pixels }));
      const composite = source!.composite();
      const image = upscaled();
      const receipt = await host.writeResult({ name: 'Upscale ×2', image, x: 0, y: 0, resizeDocument: { width: 80, height: 60 } }, signal());

      expect(source!.history.slice(1)).toEqual(['Image Size', 'Place', 'Rename Layer']);
      expect(receipt.historySteps).toBe(RESIZE_WRITE_HISTORY_STEPS);
      expect(source!.history.length - 1).toBe(receipt.historySteps);
      expect([source!.width, source!.height]).toEqual([80, 60]);
      expect(source!.layers.map((l) => l.name)).toEqual(['Sprite', 'Upscale ×2', 'Photo']);
      const result = source!.layers[1];
      expect(receipt.layerId).toBe(String(result.id));
      expect({ x: result.x, y: result.y, pixels: result.pixels }).toEqual({ x: 0, y: 0, pixels: image });
      // The old layers scaled ×2 in place, so they stay aligned under the result.
      expect(source!.layers[0]).toMatchObject({ x: 60, y: 40, pixels: { width: 8, height: 6 } });
      expect(source!.layers[2].pixels).toEqual(resizeImage(PHOTO, 80, 60, 'lanczos3'));
      expect(fake.uncaught).toEqual([]);

      for (let i = 0; i < receipt.historySteps; i++) expect(source!.undo()).toBe(true);
      expect(source!.history).toEqual(['Open']);
      expect([source!.width, source!.height]).toEqual([40, 30]);
      expect(source!.layers.map((l) => ({ id: l.id, name: l.name, x: l.x, y: l.y, pixels: l.pixels }))).toEqual(before);
      expect(source!.composite()).toEqual(composite);
    });

    it('costs the usual two steps when the document already has the size', async () => {
      const { source, host } = setup();
      const receipt = await host.writeResult({ name: 'R', image: solidImage(40, 30, [1, 2, 3, 255]), x: 0, y: 0, resizeDocument: { width: 40, height: 30 } }, signal());
      expect(receipt.historySteps).toBe(WRITE_HISTORY_STEPS);
      expect(source!.history.slice(1)).toEqual(['Place', 'Rename Layer']);
    });

    it('refuses a document larger than Photopea can hold, naming the limit, before any script runs', async () => {
      const { fake, source, host } = setup();
      const scripts = fake.scriptsRun;
      const error = await failure(host.writeResult({ name: 'R', image: solidImage(2, 2, [9, 9, 9, 255]), x: 0, y: 0, resizeDocument: { width: 16384, height: 8192 } }, signal()));
      expect(error).toMatchObject({ code: 'invalid-input', details: { reason: 'too-large', maxDocumentPixels: 2 ** 26 } });
      expect(error.userMessage).toMatch(/16384×8192 .*larger than Photopea can hold: at most 67\.1 megapixels/);
      expect(fake.scriptsRun).toBe(scripts);
      expect(source!.history).toEqual(['Open']);
    });

    it('says the image was resized, and how to undo it, when the result then never arrives', async () => {
      const { source, host } = setup(photoDocument(), { placeDelayMs: 400 }, { maxPolls: 3 });
      const error = await failure(host.writeResult({ name: 'R', image: upscaled(), x: 0, y: 0, resizeDocument: { width: 80, height: 60 } }, signal()));
      expect(error.code).toBe('host-failed');
      expect(error.userMessage).toMatch(/did not add the result layer.*already resized to 80×60: undo once/);
      expect(source!.history.slice(1)).toEqual(['Image Size']);
    });

    it('changes nothing when cancelled before the resize', async () => {
      const { source, host } = setup();
      const controller = new AbortController();
      controller.abort();
      expect(await failureCode(host.writeResult({ name: 'R', image: upscaled(), x: 0, y: 0, resizeDocument: { width: 80, height: 60 } }, controller.signal))).toBe('cancelled');
      expect(source!.history).toEqual(['Open']);
      expect([source!.width, source!.height]).toEqual([40, 30]);
    });
  });

  describe('resizeCanvas', () => {
    it('resizes from the top left in one history step', async () => {
      const { source, host } = setup();
      await host.resizeCanvas(80, 60, signal());
      expect([source!.width, source!.height]).toEqual([80, 60]);
      expect(source!.layers[0].x).toBe(30);
      expect(source!.history).toEqual(['Open', 'Canvas Size']);
    });

    it('says so when no document is open', async () => {
      expect((await failure(setup(null).host.resizeCanvas(8, 8, signal()))).code).toBe('no-document');
    });
  });

  it('finds the bounding box of the pixels that are not fully transparent', () => {
    expect(opaqueBounds(createImage(3, 3))).toBeNull();
    expect(opaqueBounds(pasteImage(createImage(9, 7), SPRITE, 2, 3))).toEqual({ x: 2, y: 3, width: 4, height: 3 });
  });
});
