import { describe, expect, it } from 'vitest';
import { resizeImage } from '../../../src/core/resize.js';
import type { DocumentState, LayerRecord } from '../../../src/hosts/standalone/document-records.js';
import { scaledLayerRect, scaleLayerRecord, scaleSelection } from '../../../src/hosts/standalone/document-resize.js';
import { BLUE, GREEN, RED, layerById, makeDocument, solidImage } from '../../fixtures/documents.js';
import { hueSweepImage } from '../../fixtures/images.js';

function layer(x: number, y: number, width: number, height: number): LayerRecord {
  return { typeName: 'layer', id: 'l', name: 'L', visible: true, opacity: 1, x, y, pixels: hueSweepImage(width, height) };
}

describe('document resize: layer rectangles', () => {
  it('scales ×2 and ×4 exactly', () => {
    expect(scaledLayerRect(layer(3, -2, 5, 7), { scaleX: 2, scaleY: 2 })).toEqual({ x: 6, y: -4, width: 10, height: 14 });
    expect(scaledLayerRect(layer(3, -2, 5, 7), { scaleX: 4, scaleY: 4 })).toEqual({ x: 12, y: -8, width: 20, height: 28 });
  });

  it('keeps layers that touched still touching at any scale, and never makes an empty layer', () => {
    const scale = { scaleX: 1.37, scaleY: 0.61 };
    const left = scaledLayerRect(layer(0, 0, 7, 5), scale);
    const right = scaledLayerRect(layer(7, 5, 6, 4), scale);
    expect(left.x + left.width).toBe(right.x);
    expect(left.y + left.height).toBe(right.y);
    expect(scaledLayerRect(layer(0, 0, 1, 1), { scaleX: 0.1, scaleY: 0.1 })).toMatchObject({ width: 1, height: 1 });
  });

  it('resamples with Lanczos-3 when growing, area when shrinking, and keeps the pixels when the size is unchanged', () => {
    const l = layer(1, 1, 12, 10);
    expect(scaleLayerRecord(l, { x: 2, y: 2, width: 24, height: 20 }).pixels.data).toEqual(resizeImage(l.pixels, 24, 20, 'lanczos3').data);
    expect(scaleLayerRecord(l, { x: 0, y: 0, width: 6, height: 20 }).pixels.data).toEqual(resizeImage(l.pixels, 6, 20, 'area').data);
    expect(scaleLayerRecord(l, { x: 1, y: 1, width: 12, height: 10 })).toBe(l);
    const moved = scaleLayerRecord(l, { x: 5, y: 1, width: 12, height: 10 });
    expect(moved).toMatchObject({ x: 5, y: 1 });
    expect(moved.pixels).toBe(l.pixels);
  });

  it('scales a selection outwards to whole pixels', () => {
    expect(scaleSelection({ x: 1, y: 1, width: 2, height: 1 }, { scaleX: 1.5, scaleY: 1.5 })).toEqual({ x: 1, y: 1, width: 4, height: 2 });
  });
});

describe('EditorDocument.resizeImage', () => {
  it('resizes the canvas and every layer, hidden ones too, as one undo step', () => {
    const editor = makeDocument({ width: 4, height: 4 });
    const hidden = editor.addLayer({ name: 'hidden', pixels: solidImage(2, 2, BLUE), x: 2, y: 2, visible: false, opacity: 0.5 });
    const before = editor.state as DocumentState;
    editor.resizeImage(8, 12);
    expect(editor.state).toMatchObject({ width: 8, height: 12 });
    expect(layerById(editor, 'bg')).toMatchObject({ x: 0, y: 0, pixels: { width: 8, height: 12 } });
    expect(layerById(editor, hidden)).toMatchObject({ x: 4, y: 6, visible: false, opacity: 0.5, pixels: { width: 4, height: 6 } });
    // A solid layer stays that solid colour when scaled.
    expect(new Set(layerById(editor, 'bg').pixels.data.join(',').match(/\d+,\d+,\d+,\d+/g))).toEqual(new Set([RED.join(',')]));
    expect(editor.historyEntries().at(-1)).toMatchObject({ name: 'Image size', isCurrent: true });
    editor.undo();
    expect(editor.state).toMatchObject({ width: 4, height: 4 });
    (editor.state as DocumentState).layers.forEach((l, i) => expect(l).toBe(before.layers[i]));
    expect(editor.canUndo).toBe(true); // the addLayer step is still there
  });

  it('adds a layer in the same step, where asked in the stack', () => {
    const editor = makeDocument();
    const id = editor.resizeImageAndAddLayer(8, 6, { name: 'Upscale', pixels: solidImage(8, 6, GREEN) }, { index: 0, stepName: 'Upscale ×2' });
    expect(editor.state?.layers.map((l) => l.id)).toEqual([id, 'bg']);
    expect(editor.state?.activeLayerId).toBe(id);
    expect(editor.historyEntries().map((e) => e.name)).toEqual(['Open', 'Upscale ×2']);
    editor.undo();
    expect(editor.state?.layers.map((l) => l.id)).toEqual(['bg']);
    expect(editor.state).toMatchObject({ width: 4, height: 3, activeLayerId: 'bg' });
  });

  it('refuses a size with no pixels', () => {
    const editor = makeDocument();
    expect(() => editor.resizeImage(0, 3)).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(editor.canUndo).toBe(false);
  });
});
