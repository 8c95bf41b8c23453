import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import { EditorDocument } from '../../../src/hosts/standalone/editor-document.js';
import { StandaloneHost } from '../../../src/hosts/standalone/standalone-host.js';
import type { DocumentState } from '../../../src/hosts/standalone/document-records.js';
import { resizeImage } from '../../../src/core/resize.js';
import { BLUE, CLEAR, GREEN, RED, imageFromRows, layerById, layerNames, makeDocument, solidImage } from '../../fixtures/documents.js';
import { pixelAt } from '../../fixtures/images.js';

const signal = () => new AbortController().signal;

/** "bg" 4×3 red, "sprite" 2×2 at (2,1) with one transparent pixel, "empty" 2×2 transparent at (0,0). */
function sceneDocument(activeLayerId: string | null = 'sprite') {
  const sprite = imageFromRows([
    [BLUE, GREEN],
    [CLEAR, BLUE],
  ]);
  return makeDocument({
    activeLayerId,
    layers: [
      { id: 'bg', name: 'Background', pixels: solidImage(4, 3, RED) },
      { id: 'sprite', name: 'Sprite', pixels: sprite, x: 2, y: 1 },
      { id: 'empty', name: 'Ghost', pixels: solidImage(2, 2, CLEAR) },
    ],
  });
}

async function readError(host: StandaloneHost): Promise<TesseraError> {
  const error = await host.readTarget(signal()).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TesseraError);
  return error as TesseraError;
}

describe('StandaloneHost', () => {
  it('says what it can do', () => {
    expect(new StandaloneHost(new EditorDocument()).capabilities).toEqual({ name: 'Tessera editor', singleUndoStep: true, workers: true, maxDocumentPixels: 2 ** 26 });
  });

  describe('readTarget', () => {
    it('reads the whole active layer at its bounds, as a copy', async () => {
      const editor = sceneDocument();
      const target = await new StandaloneHost(editor).readTarget(signal());
      expect(target.bounds).toEqual({ x: 2, y: 1, width: 2, height: 2 });
      expect(target).toMatchObject({ mask: null, documentSize: { width: 4, height: 3 }, layerName: 'Sprite' });
      expect(target.image.data).toEqual(layerById(editor, 'sprite').pixels.data);
      expect(target.image.data).not.toBe(layerById(editor, 'sprite').pixels.data);
    });

    it('crops to the selection where it overlaps the layer, in document coordinates', async () => {
      const editor = sceneDocument();
      editor.setSelection({ x: 3, y: 0, width: 1, height: 3 });
      const target = await new StandaloneHost(editor).readTarget(signal());
      expect(target.bounds).toEqual({ x: 3, y: 1, width: 1, height: 2 });
      expect([target.image.width, target.image.height]).toEqual([1, 2]);
      expect(pixelAt(target.image, 0, 0)).toEqual([...GREEN]);
      expect(pixelAt(target.image, 0, 1)).toEqual([...BLUE]);
    });

    it('throws no-document when nothing is open', async () => {
      const error = await readError(new StandaloneHost(new EditorDocument()));
      expect(error.code).toBe('no-document');
      expect(error.userMessage).toMatch(/^Open an image first/);
    });

    it('throws no-layer when no layer is active', async () => {
      const error = await readError(new StandaloneHost(sceneDocument(null)));
      expect(error.code).toBe('no-layer');
      expect(error.userMessage).toMatch(/Layers list/);
    });

    it('throws empty-selection when the selection misses the layer', async () => {
      const editor = sceneDocument();
      editor.setSelection({ x: 0, y: 0, width: 2, height: 1 });
      const error = await readError(new StandaloneHost(editor));
      expect(error.code).toBe('empty-selection');
      expect(error.userMessage).toMatch(/^The selection does not cover any of the layer "Sprite"/);
    });

    it('throws empty-layer for a transparent layer, and for a selection of only transparent pixels', async () => {
      const editor = sceneDocument('empty');
      const whole = await readError(new StandaloneHost(editor));
      expect(whole.code).toBe('empty-layer');
      expect(whole.userMessage).toMatch(/^The layer "Ghost" is empty/);
      editor.setActiveLayer('sprite');
      editor.setSelection({ x: 2, y: 2, width: 1, height: 1 });
      const part = await readError(new StandaloneHost(editor));
      expect(part.code).toBe('empty-layer');
      expect(part.userMessage).toMatch(/"Sprite"/);
    });

    it('honours an aborted signal before reading', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(new StandaloneHost(sceneDocument()).readTarget(controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('writeResult', () => {
    const result = (name = 'Pixelate 2×2 · PICO-8') => ({ name, image: solidImage(2, 2, GREEN), x: 2, y: 1 });

    it('adds one layer directly above the active layer, as one named undo step', async () => {
      const editor = sceneDocument();
      const host = new StandaloneHost(editor);
      const receipt = await host.writeResult(result(), signal());
      expect(receipt.historySteps).toBe(1);
      expect(layerNames(editor)).toEqual(['Background', 'Sprite', 'Pixelate 2×2 · PICO-8', 'Ghost']);
      expect(layerById(editor, receipt.layerId)).toMatchObject({ x: 2, y: 1, visible: true, opacity: 1 });
      expect(editor.state?.activeLayerId).toBe(receipt.layerId);
      expect(editor.historyEntries().at(-1)).toEqual({ name: 'Pixelate 2×2 · PICO-8', isCurrent: true, isUndone: false });
    });

    it('goes above the layer it read, even if another layer became active meanwhile', async () => {
      const editor = sceneDocument();
      const host = new StandaloneHost(editor);
      await host.readTarget(signal());
      editor.setActiveLayer('bg');
      await host.writeResult(result('Generate'), signal());
      expect(layerNames(editor)).toEqual(['Background', 'Sprite', 'Generate', 'Ghost']);
    });

    it('is undone by exactly one undo, which removes only the new layer and leaves the source bytes as they were', async () => {
      const editor = sceneDocument();
      const host = new StandaloneHost(editor);
      const source = layerById(editor, 'sprite');
      const sourceBytes = new Uint8ClampedArray(source.pixels.data);
      const before = editor.state;
      const target = await host.readTarget(signal());
      target.image.data.fill(7); // a careless command scribbling on what it read
      const { layerId } = await host.writeResult(result(), signal());
      expect(editor.undo()).toBe(true);
      expect(editor.state?.layers.map((l) => l.id)).toEqual(before?.layers.map((l) => l.id));
      expect(editor.state?.layers.some((l) => l.id === layerId)).toBe(false);
      expect(layerById(editor, 'sprite')).toBe(source);
      expect(source.pixels.data).toEqual(sourceBytes);
      expect(editor.state?.activeLayerId).toBe('sprite');
      expect(editor.canUndo).toBe(false);
    });

    it('writes nothing when cancelled', async () => {
      const editor = sceneDocument();
      const controller = new AbortController();
      controller.abort();
      await expect(new StandaloneHost(editor).writeResult(result(), controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(editor.state?.layers).toHaveLength(3);
      expect(editor.canUndo).toBe(false);
    });

    it('throws no-document when nothing is open', async () => {
      await expect(new StandaloneHost(new EditorDocument()).writeResult(result(), signal())).rejects.toMatchObject({ code: 'no-document' });
    });
  });

  describe('writeResult with resizeDocument (Upscale in place)', () => {
    it('scales every layer with Lanczos-3, adds the result above the source, all as one undo step that one undo reverts exactly', async () => {
      const editor = sceneDocument();
      editor.setSelection({ x: 1, y: 1, width: 2, height: 1 });
      const host = new StandaloneHost(editor);
      await host.readTarget(signal());
      const before = editor.state as DocumentState;
      const steps = editor.historyEntries().length;
      const upscaled = solidImage(8, 6, GREEN);
      const receipt = await host.writeResult({ name: 'Upscale ×2', image: upscaled, x: 0, y: 0, resizeDocument: { width: 8, height: 6 } }, signal());

      expect(receipt.historySteps).toBe(1);
      expect(editor.historyEntries()).toHaveLength(steps + 1);
      expect(editor.historyEntries().at(-1)).toMatchObject({ name: 'Upscale ×2', isCurrent: true });
      const after = editor.state as DocumentState;
      expect([after.width, after.height]).toEqual([8, 6]);
      expect(layerNames(editor)).toEqual(['Background', 'Sprite', 'Upscale ×2', 'Ghost']);
      expect(layerById(editor, receipt.layerId)).toMatchObject({ x: 0, y: 0, pixels: upscaled });
      // Each old layer at twice its position and size, resampled as resizeImage's Lanczos-3 would.
      for (const old of before.layers) {
        const scaled = layerById(editor, old.id);
        expect(scaled).toMatchObject({ x: old.x * 2, y: old.y * 2, name: old.name, visible: old.visible, opacity: old.opacity });
        expect(scaled.pixels.data).toEqual(resizeImage(old.pixels, old.pixels.width * 2, old.pixels.height * 2, 'lanczos3').data);
      }
      expect(after.selection).toEqual({ x: 2, y: 2, width: 4, height: 2 });

      expect(editor.undo()).toBe(true);
      const undone = editor.state as DocumentState;
      expect([undone.width, undone.height]).toEqual([4, 3]);
      expect(undone.selection).toEqual(before.selection);
      expect(undone.layers).toHaveLength(before.layers.length);
      undone.layers.forEach((l, i) => expect(l).toBe(before.layers[i]));
      expect(editor.redo()).toBe(true);
      (editor.state as DocumentState).layers.forEach((l, i) => expect(l).toBe(after.layers[i]));
    });

    it('refuses a document larger than it can hold, naming the limit, before changing anything', async () => {
      const editor = sceneDocument();
      const host = new StandaloneHost(editor);
      const write = { name: 'Upscale', image: solidImage(2, 2, GREEN), x: 0, y: 0, resizeDocument: { width: 8193, height: 8192 } };
      const error = await host.writeResult(write, signal()).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'invalid-input', details: { reason: 'too-large', maxDocumentPixels: 2 ** 26 } });
      expect((error as TesseraError).userMessage).toMatch(/8193×8192 .* at most 67\.1 megapixels, e\.g\. 8192×8192/);
      expect(editor.state).toMatchObject({ width: 4, height: 3 });
      expect(editor.canUndo).toBe(false);
    });

    it('refuses when the scaled layers would pass the layer budget, with out-of-memory, changing nothing', async () => {
      // 4 layers of 8×6 after ×2: 768 bytes, over a 700-byte budget.
      const editor = makeDocument({ editor: { layerBudgetBytes: 700 } });
      editor.addLayer({ name: 'a', pixels: solidImage(4, 3, BLUE) });
      editor.addLayer({ name: 'b', pixels: solidImage(4, 3, BLUE) });
      const steps = editor.historyEntries().length;
      const write = { name: 'Upscale', image: solidImage(8, 6, GREEN), x: 0, y: 0, resizeDocument: { width: 8, height: 6 } };
      const error = await new StandaloneHost(editor).writeResult(write, signal()).then(() => null, (e: unknown) => e);
      expect(error).toMatchObject({ code: 'out-of-memory', details: { layers: 4, bytes: 768, budgetBytes: 700 } });
      expect((error as TesseraError).userMessage).toMatch(/Merge or delete layers, or choose a smaller size/);
      expect(editor.state).toMatchObject({ width: 4, height: 3 });
      expect(editor.historyEntries()).toHaveLength(steps);
    });

    it('writes nothing when cancelled', async () => {
      const editor = sceneDocument();
      const controller = new AbortController();
      controller.abort();
      const write = { name: 'Upscale', image: solidImage(8, 6, GREEN), x: 0, y: 0, resizeDocument: { width: 8, height: 6 } };
      await expect(new StandaloneHost(editor).writeResult(write, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(editor.state).toMatchObject({ width: 4, height: 3 });
      expect(editor.canUndo).toBe(false);
    });
  });

  describe('resizeCanvas', () => {
    it('resizes as one undo step, layers keeping their pixels and positions', async () => {
      const editor = sceneDocument();
      const layers = editor.state?.layers;
      await new StandaloneHost(editor).resizeCanvas(8, 6, signal());
      expect(editor.state).toMatchObject({ width: 8, height: 6 });
      editor.state?.layers.forEach((l, i) => expect(l).toBe(layers?.[i]));
      expect(editor.undo()).toBe(true);
      expect(editor.state).toMatchObject({ width: 4, height: 3 });
      expect(editor.canUndo).toBe(false);
    });

    it('refuses an impossible size and an aborted signal, changing nothing', async () => {
      const editor = sceneDocument();
      const host = new StandaloneHost(editor);
      await expect(host.resizeCanvas(0, 6, signal())).rejects.toMatchObject({ code: 'invalid-input' });
      const controller = new AbortController();
      controller.abort();
      await expect(host.resizeCanvas(8, 6, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
      expect(editor.state).toMatchObject({ width: 4, height: 3 });
      expect(editor.canUndo).toBe(false);
    });
  });
});
