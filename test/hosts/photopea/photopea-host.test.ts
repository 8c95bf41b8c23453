import { describe, expect, it } from 'vitest';
import { TesseraError, toTesseraError } from '../../../src/core/errors.js';
import { cropImage, pasteImage, createImage } from '../../../src/core/image.js';
import { PhotopeaHost, WRITE_HISTORY_STEPS, opaqueBounds, type PhotopeaHostOptions } from '../../../src/hosts/photopea/photopea-host.js';
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
    expect(setup(null).host.capabilities).toEqual({ name: 'Photopea', singleUndoStep: false, workers: true });
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
