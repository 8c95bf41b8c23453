import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.js';
import { DOCUMENT_ID, type DocumentRecord } from '../../../src/hosts/standalone/document-records.js';
import {
  createLayerRecord,
  normalizeSelection,
  sameRect,
  withLayerInserted,
  withLayerMoved,
  withLayerRemoved,
} from '../../../src/hosts/standalone/document-edits.js';

const doc = (layerIds: string[], activeLayerId: string | null): DocumentRecord => ({
  typeName: 'document', id: DOCUMENT_ID, name: 'd', width: 10, height: 8, layerIds, activeLayerId,
});

describe('document edits', () => {
  it('inserts above the active layer, at the top without one, or at a given index', () => {
    expect(withLayerInserted(doc(['a', 'b', 'c'], 'a'), 'n').layerIds).toEqual(['a', 'n', 'b', 'c']);
    expect(withLayerInserted(doc(['a', 'b'], null), 'n').layerIds).toEqual(['a', 'b', 'n']);
    expect(withLayerInserted(doc(['a', 'b'], 'b'), 'n', 0)).toMatchObject({ layerIds: ['n', 'a', 'b'], activeLayerId: 'n' });
    expect(withLayerInserted(doc(['a'], 'a'), 'n', 99).layerIds).toEqual(['a', 'n']);
    expect(() => withLayerInserted(doc(['a'], 'a'), 'n', 0.5)).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('passes the active layer down (or up from the bottom) on delete', () => {
    expect(withLayerRemoved(doc(['a', 'b', 'c'], 'b'), 'b').activeLayerId).toBe('a');
    expect(withLayerRemoved(doc(['a', 'b'], 'a'), 'a').activeLayerId).toBe('b');
    expect(withLayerRemoved(doc(['a', 'b'], 'a'), 'b').activeLayerId).toBe('a');
    expect(withLayerRemoved(doc(['a'], 'a'), 'a')).toMatchObject({ layerIds: [], activeLayerId: null });
  });

  it('moves a layer to an index, clamped, and returns the same record when it is already there', () => {
    expect(withLayerMoved(doc(['a', 'b', 'c'], 'a'), 'a', 2).layerIds).toEqual(['b', 'c', 'a']);
    expect(withLayerMoved(doc(['a', 'b', 'c'], 'a'), 'c', -5).layerIds).toEqual(['c', 'a', 'b']);
    const same = doc(['a', 'b'], 'a');
    expect(withLayerMoved(same, 'b', 1)).toBe(same);
  });

  it('turns a dragged rectangle into a whole-pixel selection inside the canvas', () => {
    const size = { width: 10, height: 8 };
    expect(normalizeSelection({ x: 1.2, y: 0.5, width: 2, height: 2 }, size)).toEqual({ x: 1, y: 0, width: 3, height: 3 });
    expect(normalizeSelection({ x: 4, y: 4, width: -3, height: -10 }, size)).toEqual({ x: 1, y: 0, width: 3, height: 4 });
    expect(normalizeSelection({ x: 8, y: 6, width: 5, height: 5 }, size)).toEqual({ x: 8, y: 6, width: 2, height: 2 });
    expect(normalizeSelection({ x: 3, y: 3, width: 0, height: 4 }, size)).toBeNull();
    expect(normalizeSelection({ x: -5, y: 0, width: 5, height: 4 }, size)).toBeNull();
    expect(normalizeSelection({ x: Number.NaN, y: 0, width: 5, height: 4 }, size)).toBeNull();
    expect(sameRect(null, null)).toBe(true);
    expect(sameRect({ x: 0, y: 0, width: 1, height: 1 }, null)).toBe(false);
  });

  it('builds a layer record with defaults and refuses fractional positions', () => {
    const pixels = createImage(2, 2);
    expect(createLayerRecord('l', { name: 'L', pixels })).toEqual({ typeName: 'layer', id: 'l', name: 'L', visible: true, opacity: 1, x: 0, y: 0, pixels });
    expect(createLayerRecord('l', { name: 'L', pixels, opacity: 3 }).opacity).toBe(1);
    expect(() => createLayerRecord('l', { name: 'L', pixels, x: 0.5 })).toThrowError(expect.objectContaining({ code: 'invalid-input' }));
  });
});
