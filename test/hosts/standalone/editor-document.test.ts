import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../../src/core/errors.js';
import type { DocumentState } from '../../../src/hosts/standalone/document-records.js';
import { EditorDocument } from '../../../src/hosts/standalone/editor-document.js';
import { BLUE, GREEN, RED, layerById, layerNames, makeDocument, solidImage } from '../../fixtures/documents.js';
import { pixelAt } from '../../fixtures/images.js';

const names = (editor: EditorDocument) =>
  editor.historyEntries().map((e) => (e.isUndone ? `(${e.name})` : e.isCurrent ? `[${e.name}]` : e.name));

/** "bg" (red, 4×3) under "top" (blue, 2×2 at 1,1), "top" active. */
const twoLayers = () =>
  makeDocument({
    layers: [
      { id: 'bg', name: 'Background', pixels: solidImage(4, 3, RED) },
      { id: 'top', name: 'Top', pixels: solidImage(2, 2, BLUE), x: 1, y: 1 },
    ],
  });

describe('EditorDocument: opening', () => {
  it('has no document until an image is opened', () => {
    const editor = new EditorDocument();
    expect(editor.state).toBeNull();
    expect(() => editor.addLayer({ name: 'x', pixels: solidImage(1, 1, RED) })).toThrowError(expect.objectContaining({ code: 'no-document' }));
    expect(() => editor.composite()).toThrowError(TesseraError);
  });

  it('opens an image as one active layer, with history starting at "Open"', () => {
    const editor = twoLayers();
    editor.addLayer({ name: 'x', pixels: solidImage(1, 1, RED) });
    const image = solidImage(5, 2, GREEN);
    editor.open(image, 'photo.png');
    const state = editor.state as DocumentState;
    expect(state).toMatchObject({ name: 'photo.png', width: 5, height: 2, selection: null });
    expect(state.layers).toHaveLength(1);
    expect(state.layers[0]).toMatchObject({ name: 'Background', x: 0, y: 0, visible: true, opacity: 1 });
    expect(state.layers[0].pixels).toBe(image);
    expect(state.activeLayerId).toBe(state.layers[0].id);
    expect(names(editor)).toEqual(['[Open]']);
    expect(editor.canUndo || editor.canRedo).toBe(false);
  });
});

describe('EditorDocument: operations are named steps', () => {
  it('records each operation as one step, and undo then redo restores identical records', () => {
    const editor = twoLayers();
    const snapshots: DocumentState[] = [editor.state as DocumentState];
    const added = editor.addLayer({ name: 'Green', pixels: solidImage(1, 1, GREEN), x: 3, y: 2 });
    snapshots.push(editor.state as DocumentState);
    editor.renameLayer('top', 'Sky');
    snapshots.push(editor.state as DocumentState);
    editor.moveLayer(added, 0);
    snapshots.push(editor.state as DocumentState);
    editor.setLayerOpacity('top', 0.25);
    snapshots.push(editor.state as DocumentState);
    editor.setLayerPosition('bg', -1, 2);
    snapshots.push(editor.state as DocumentState);
    editor.removeLayer('top');
    snapshots.push(editor.state as DocumentState);
    editor.resizeCanvas(8, 8);
    snapshots.push(editor.state as DocumentState);
    expect(names(editor)).toEqual(['Open', 'New layer', 'Rename layer', 'Layer order', 'Layer opacity', 'Move layer', 'Delete layer', '[Canvas size]']);

    for (let i = snapshots.length - 2; i >= 0; i--) {
      expect(editor.undo()).toBe(true);
      expectSameRecords(editor.state as DocumentState, snapshots[i]);
    }
    expect(editor.undo()).toBe(false);
    for (let i = 1; i < snapshots.length; i++) {
      expect(editor.redo()).toBe(true);
      expectSameRecords(editor.state as DocumentState, snapshots[i]);
    }
    expect(editor.redo()).toBe(false);
  });

  it('adds a layer directly above the active one and makes it active', () => {
    const editor = twoLayers();
    editor.setActiveLayer('bg');
    const id = editor.addLayer({ name: 'Mid', pixels: solidImage(1, 1, GREEN) });
    expect(layerNames(editor)).toEqual(['Background', 'Mid', 'Top']);
    expect(editor.state?.activeLayerId).toBe(id);
    editor.addLayer({ name: 'Bottom', pixels: solidImage(1, 1, GREEN) }, { index: 0, stepName: 'Paste' });
    expect(layerNames(editor)).toEqual(['Bottom', 'Background', 'Mid', 'Top']);
    expect(names(editor).at(-1)).toBe('[Paste]');
  });

  it('makes the layer below active when the active layer is deleted, the one above when it was the bottom', () => {
    const editor = twoLayers();
    editor.removeLayer('top');
    expect(editor.state?.activeLayerId).toBe('bg');
    editor.undo();
    editor.setActiveLayer('bg');
    editor.removeLayer('bg');
    expect(editor.state?.activeLayerId).toBe('top');
    editor.removeLayer('top');
    expect(editor.state?.layers).toEqual([]);
    expect(editor.state?.activeLayerId).toBeNull();
  });

  it('refuses an unknown layer with no-layer and bad numbers with invalid-input', () => {
    const editor = twoLayers();
    expect(() => editor.renameLayer('nope', 'x')).toThrowError(expect.objectContaining({ code: 'no-layer' }));
    expect(() => editor.setLayerPosition('top', 0.5, 0)).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => editor.setLayerOpacity('top', Number.NaN)).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => editor.resizeCanvas(0, 5)).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
    expect(names(editor)).toEqual(['[Open]']);
  });

  it('adds no step for an operation that changes nothing', () => {
    const editor = twoLayers();
    editor.renameLayer('top', 'Top');
    editor.setLayerVisible('top', true);
    editor.setActiveLayer('top');
    editor.moveLayer('top', 1);
    editor.setSelection(null);
    editor.resizeCanvas(4, 3);
    expect(names(editor)).toEqual(['[Open]']);
  });

  it('resizes the canvas keeping pixels and positions, clips the selection, and undoes both', () => {
    const editor = twoLayers();
    editor.setSelection({ x: 1, y: 1, width: 3, height: 2 });
    const before = editor.state as DocumentState;
    editor.resizeCanvas(2, 2);
    const after = editor.state as DocumentState;
    expect([after.width, after.height]).toEqual([2, 2]);
    expect(after.selection).toEqual({ x: 1, y: 1, width: 1, height: 1 });
    after.layers.forEach((l, i) => expect(l).toBe(before.layers[i]));
    editor.undo();
    expect(editor.state).toMatchObject({ width: 4, height: 3, selection: { x: 1, y: 1, width: 3, height: 2 } });
  });
});

describe('EditorDocument: selection, visibility and active layer keep redo', () => {
  it('keeps the redo stack, and a redo keeps what they changed', () => {
    const editor = twoLayers();
    editor.renameLayer('top', 'Sky');
    editor.undo();
    editor.setSelection({ x: 0, y: 0, width: 2, height: 2 });
    editor.setLayerVisible('top', false);
    editor.setActiveLayer('bg');
    expect(editor.canRedo).toBe(true);
    expect(names(editor)).toEqual(['Open', 'Select', 'Hide layer', '[Select layer]', '(Rename layer)']);
    editor.redo();
    expect(layerById(editor, 'top')).toMatchObject({ name: 'Sky', visible: false });
    expect(editor.state?.selection).toEqual({ x: 0, y: 0, width: 2, height: 2 });
    expect(editor.state?.activeLayerId).toBe('bg');
  });

  it('lets a recorded change clear the redo stack', () => {
    const editor = twoLayers();
    editor.renameLayer('top', 'Sky');
    editor.undo();
    editor.setLayerOpacity('top', 0.5);
    expect(editor.canRedo).toBe(false);
  });

  it('normalizes selections: any drag direction, whole pixels, clipped; no area deselects', () => {
    const editor = twoLayers();
    editor.setSelection({ x: 3.5, y: 2, width: -2.2, height: -5 });
    expect(editor.state?.selection).toEqual({ x: 1, y: 0, width: 3, height: 2 });
    editor.setSelection({ x: 1, y: 1, width: 0, height: 2 });
    expect(editor.state?.selection).toBeNull();
    editor.setSelection({ x: 10, y: 10, width: 2, height: 2 });
    expect(editor.state?.selection).toBeNull();
    expect(names(editor)).toEqual(['Open', 'Select', '[Deselect]']);
  });
});

describe('EditorDocument: gestures and the history panel', () => {
  it('squashes a marquee drag into one step and bails one out', () => {
    const editor = twoLayers();
    const drag = editor.markStep('Marquee');
    for (const w of [1, 2, 3]) editor.setSelection({ x: 0, y: 0, width: w, height: 1 });
    editor.squashToMark(drag);
    expect(names(editor)).toEqual(['Open', '[Marquee]']);
    const cancelled = editor.markStep('Marquee');
    editor.setSelection({ x: 1, y: 1, width: 2, height: 2 });
    editor.bailToMark(cancelled);
    expect(editor.state?.selection).toEqual({ x: 0, y: 0, width: 3, height: 1 });
    expect(names(editor)).toEqual(['Open', '[Marquee]']);
    editor.undo();
    expect(editor.state?.selection).toBeNull();
  });

  it('jumps to any row of the history panel', () => {
    const editor = twoLayers();
    editor.renameLayer('top', 'A');
    editor.renameLayer('top', 'B');
    editor.renameLayer('top', 'C');
    editor.jumpToHistory(1);
    expect(layerById(editor, 'top').name).toBe('A');
    expect(names(editor)).toEqual(['Open', '[Rename layer]', '(Rename layer)', '(Rename layer)']);
    editor.jumpToHistory(3);
    expect(layerById(editor, 'top').name).toBe('C');
    editor.jumpToHistory(0);
    expect(layerById(editor, 'top').name).toBe('Top');
  });

  it('tells subscribers the new state after every change, undo and redo included, once each', () => {
    const editor = twoLayers();
    const seen: (DocumentState | null)[] = [];
    const unsubscribe = editor.subscribe((state) => seen.push(state));
    editor.renameLayer('top', 'Sky');
    editor.undo();
    editor.redo();
    editor.setSelection({ x: 0, y: 0, width: 1, height: 1 });
    expect(seen.map((s) => s?.layers[1].name)).toEqual(['Sky', 'Top', 'Sky', 'Sky']);
    expect(seen.at(-1)).toBe(editor.state);
    unsubscribe();
    editor.renameLayer('top', 'Sea');
    expect(seen).toHaveLength(4);
  });
});

describe('EditorDocument: memory budget', () => {
  it('drops the oldest steps past the budget; the newest undoes and the kept ones too', () => {
    // 4×3 layer = 48 bytes; a budget of 100 keeps two replaced buffers.
    const editor = makeDocument({ editor: { historyBudgetBytes: 100 } });
    const painted = [layerById(editor, 'bg').pixels];
    for (let i = 1; i <= 6; i++) {
      const pixels = solidImage(4, 3, [i, 0, 0, 255]);
      editor.setLayerPixels('bg', pixels, `Paint ${i}`);
      painted.push(pixels);
      expect(editor.historyBytes()).toBeLessThanOrEqual(100);
    }
    expect(names(editor)).toEqual(['Paint 4', 'Paint 5', '[Paint 6]']);
    editor.undo();
    expect(layerById(editor, 'bg').pixels).toBe(painted[5]);
    editor.undo();
    expect(layerById(editor, 'bg').pixels).toBe(painted[4]);
    expect(editor.canUndo).toBe(false);
    editor.redo();
    editor.redo();
    expect(layerById(editor, 'bg').pixels).toBe(painted[6]);
  });
});

describe('EditorDocument: composite', () => {
  it('flattens the visible layers at their positions and follows visibility', () => {
    const editor = twoLayers();
    const shown = editor.composite();
    expect(pixelAt(shown, 0, 0)).toEqual([...RED]);
    expect(pixelAt(shown, 1, 1)).toEqual([...BLUE]);
    expect(editor.composite()).toBe(shown);
    editor.setLayerVisible('top', false);
    expect(pixelAt(editor.composite(), 1, 1)).toEqual([...RED]);
    editor.undo();
    expect(pixelAt(editor.composite(), 1, 1)).toEqual([...BLUE]);
  });
});

function expectSameRecords(actual: DocumentState, expected: DocumentState): void {
  expect([actual.width, actual.height, actual.activeLayerId, actual.selection]).toEqual([expected.width, expected.height, expected.activeLayerId, expected.selection]);
  expect(actual.layers.map((l) => l.id)).toEqual(expected.layers.map((l) => l.id));
  actual.layers.forEach((layer, i) => {
    expect(layer).toBe(expected.layers[i]);
    expect(layer.pixels).toBe(expected.layers[i].pixels);
  });
}
