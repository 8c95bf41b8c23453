import { describe, expect, it } from 'vitest';
import { compositeLayers } from '../../../src/hosts/standalone/composite-layers.js';
import { Compositor } from '../../../src/hosts/standalone/compositor.js';
import type { DocumentState, LayerRecord } from '../../../src/hosts/standalone/document-records.js';
import { noiseImage } from '../../fixtures/images.js';
import { solidImage } from '../../fixtures/documents.js';

function layer(id: string, patch: Partial<LayerRecord> = {}): LayerRecord {
  return { typeName: 'layer', id, name: id, visible: true, opacity: 1, x: 0, y: 0, pixels: solidImage(4, 4, [0, 0, 0, 255]), ...patch };
}

function state(layers: LayerRecord[], size = 6): DocumentState {
  return { name: 'doc', width: size, height: size, layers, activeLayerId: null, selection: null };
}

/** The uncached answer, to check the cache against. */
function fresh(s: DocumentState) {
  return compositeLayers(s.width, s.height, s.layers.filter((l) => l.visible));
}

describe('Compositor', () => {
  const a = layer('a', { pixels: noiseImage(6, 6, 1) });
  const b = layer('b', { pixels: noiseImage(3, 3, 2), x: 2, y: 1, opacity: 0.6 });
  const c = layer('c', { pixels: solidImage(4, 2, [0, 128, 255, 90]), x: -1, y: 3, opacity: 0.8 });

  it('matches an uncached composite through a run of edits', () => {
    const compositor = new Compositor();
    const states = [
      state([a]),
      state([a, b]),
      state([a, b, c]),
      state([a, b, { ...c, visible: false }]),
      state([a, b, c]),
      state([a, { ...b, x: 1 }, c]),
      state([{ ...a, opacity: 0.3 }, b, c]),
      state([c, a]),
      state([]),
      state([a, b], 8),
    ];
    for (const s of states) expect(compositor.composite(s).data).toEqual(fresh(s).data);
  });

  it('returns the same image when no visible layer changed (rename, selection, active layer)', () => {
    const compositor = new Compositor();
    const first = compositor.composite(state([a, b, c]));
    const renamed = state([a, { ...b, name: 'renamed' }, c]);
    expect(compositor.composite({ ...renamed, activeLayerId: 'b', selection: { x: 0, y: 0, width: 1, height: 1 } })).toBe(first);
  });

  it('hides and shows the top layer from the cached image underneath', () => {
    const compositor = new Compositor();
    compositor.composite(state([a, b, c]));
    const hidden = compositor.composite(state([a, b, { ...c, visible: false }]));
    expect(hidden.data).toEqual(fresh(state([a, b])).data);
    // The composite of everything under the top layer was kept: hiding it costs no blending.
    expect(compositor.composite(state([a, b]))).toBe(hidden);
  });

  it('never changes an image it returned', () => {
    const compositor = new Compositor();
    const first = compositor.composite(state([a, b]));
    const copy = new Uint8ClampedArray(first.data);
    compositor.composite(state([a, b, c]));
    compositor.composite(state([a]));
    compositor.composite(state([a, c]));
    expect(first.data).toEqual(copy);
  });
});
