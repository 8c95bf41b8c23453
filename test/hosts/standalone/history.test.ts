import { describe, expect, it } from 'vitest';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { DOCUMENT_ID, SELECTION_ID, pixelBuffersOf, type EditorRecord, type LayerRecord } from '../../../src/hosts/standalone/document-records.js';
import { DocumentStore } from '../../../src/hosts/standalone/document-store.js';
import { DEFAULT_HISTORY_BUDGET_BYTES, History, type CapturePolicy } from '../../../src/hosts/standalone/history.js';

/** A tiny store: one 2×2 layer "a" (16 bytes of pixels) in a 2×2 document, history from "Open". */
function setup(budgetBytes?: number) {
  const store = new DocumentStore();
  const history = new History<EditorRecord>(store, { budgetBytes, buffersOf: pixelBuffersOf });
  const pixels = createImage(2, 2);
  store.update((tx) => {
    tx.put({ typeName: 'document', id: DOCUMENT_ID, name: 'doc', width: 2, height: 2, layerIds: ['a'], activeLayerId: 'a' });
    tx.put({ typeName: 'selection', id: SELECTION_ID, rect: null });
    tx.put({ typeName: 'layer', id: 'a', name: 'A', visible: true, opacity: 1, x: 0, y: 0, pixels });
  }, 'ignore');
  const layer = (): LayerRecord => store.get('a') as LayerRecord;
  const edit = (patch: Partial<LayerRecord>, policy: CapturePolicy = 'record') => store.update((tx) => tx.put({ ...layer(), ...patch }), policy);
  const names = () => history.entries().map((e) => (e.isUndone ? `(${e.name})` : e.isCurrent ? `[${e.name}]` : e.name));
  return { store, history, layer, edit, names, pixels };
}

describe('History: steps between marks', () => {
  it('folds every change after a mark into that step and undoes it in one go', () => {
    const { history, layer, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    edit({ name: 'C' });
    history.markStep('Opacity');
    edit({ opacity: 0.5 });
    expect(names()).toEqual(['Open', 'Rename', '[Opacity]']);
    expect(history.undo()).toBe(true);
    expect(layer()).toMatchObject({ name: 'C', opacity: 1 });
    expect(history.undo()).toBe(true);
    expect(layer().name).toBe('A');
    expect(history.canUndo).toBe(false);
    expect(history.undo()).toBe(false);
    expect(names()).toEqual(['[Open]', '(Rename)', '(Opacity)']);
  });

  it('gives back identical records, pixel references included, after undo then redo', () => {
    const { store, history, edit } = setup();
    history.markStep('Paint');
    edit({ pixels: createImage(2, 2), name: 'painted' });
    const before = new Map([...store.records()].map((r) => [r.id, r]));
    history.undo();
    history.redo();
    const after = new Map([...store.records()].map((r) => [r.id, r]));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [id, record] of before) expect(after.get(id)).toBe(record);
  });

  it('gives an unmarked change a step of its own instead of joining an undone or earlier step', () => {
    const { history, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    history.undo();
    history.redo();
    edit({ opacity: 0.2 });
    expect(names()).toEqual(['Open', 'Rename', '[Edit]']);
  });

  it('shows no row for a mark that nothing followed', () => {
    const { history, names } = setup();
    history.markStep('Nothing');
    expect(names()).toEqual(['[Open]']);
    expect(history.canUndo).toBe(false);
  });
});

describe('History: capture policies', () => {
  it('clears the redo stack on a recorded change', () => {
    const { history, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    history.undo();
    expect(history.canRedo).toBe(true);
    history.markStep('Move');
    edit({ x: 1 });
    expect(history.canRedo).toBe(false);
    expect(names()).toEqual(['Open', '[Move]']);
  });

  it('keeps the redo stack on a preserve-redo change, and redo keeps that change', () => {
    const { history, layer, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    history.undo();
    history.markStep('Hide');
    edit({ visible: false }, 'preserve-redo');
    expect(history.canRedo).toBe(true);
    expect(history.redo()).toBe(true);
    expect(layer()).toMatchObject({ name: 'B', visible: false });
    expect(names()).toEqual(['Open', 'Hide', '[Rename]']);
    history.undo();
    expect(layer()).toMatchObject({ name: 'A', visible: false });
    history.undo();
    expect(layer()).toMatchObject({ name: 'A', visible: true });
  });

  it('never records an ignored change, and undo leaves it in place', () => {
    const { history, layer, edit, names } = setup();
    edit({ opacity: 0.9 }, 'ignore');
    expect(names()).toEqual(['[Open]']);
    expect(history.canUndo).toBe(false);
    history.markStep('Rename');
    edit({ name: 'B' });
    edit({ opacity: 0.5 }, 'ignore');
    expect(names()).toEqual(['Open', '[Rename]']);
    history.undo();
    expect(layer()).toMatchObject({ name: 'A', opacity: 0.5 });
  });
});

describe('History: gestures', () => {
  it('bailToMark reverts everything since the mark, forgets it and keeps the redo stack', () => {
    const { history, layer, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    history.undo();
    const mark = history.markStep('Marquee');
    edit({ visible: false }, 'preserve-redo');
    history.markStep('Marquee step');
    edit({ opacity: 0.5 }, 'preserve-redo');
    expect(history.bailToMark(mark)).toBe(true);
    expect(layer()).toMatchObject({ name: 'A', visible: true, opacity: 1 });
    expect(names()).toEqual(['[Open]', '(Rename)']);
    expect(history.bailToMark(mark)).toBe(false);
  });

  it('squashToMark turns a gesture with intermediate marks into one step named by the mark', () => {
    const { history, layer, edit, names } = setup();
    const mark = history.markStep('Move');
    edit({ x: 1 });
    history.markStep('nudge');
    edit({ x: 2 });
    history.markStep('nudge');
    edit({ x: 3 });
    expect(history.squashToMark(mark)).toBe(true);
    expect(names()).toEqual(['Open', '[Move]']);
    history.undo();
    expect(layer().x).toBe(0);
    history.redo();
    expect(layer().x).toBe(3);
  });

  it('squashToMark drops a gesture that changed nothing', () => {
    const { history, edit, names } = setup();
    history.markStep('Rename');
    edit({ name: 'B' });
    const mark = history.markStep('Click');
    history.squashToMark(mark);
    expect(names()).toEqual(['Open', '[Rename]']);
    edit({ name: 'C' });
    expect(names()).toEqual(['Open', 'Rename', '[Edit]']);
  });
});

describe('History: memory budget', () => {
  const paint = (ctx: ReturnType<typeof setup>, name: string): RgbaImage => {
    const pixels = createImage(2, 2);
    ctx.history.markStep(name);
    ctx.edit({ pixels });
    return pixels;
  };

  it('defaults to 512 MiB', () => {
    expect(DEFAULT_HISTORY_BUDGET_BYTES).toBe(512 * 2 ** 20);
  });

  it('counts only the pixel buffers history alone keeps alive', () => {
    const ctx = setup();
    expect(ctx.history.retainedBytes()).toBe(0);
    paint(ctx, 'Paint 1');
    expect(ctx.history.retainedBytes()).toBe(16);
    paint(ctx, 'Paint 2');
    expect(ctx.history.retainedBytes()).toBe(32);
    ctx.history.undo();
    // Now the first painting is live; the original and the second are history's.
    expect(ctx.history.retainedBytes()).toBe(32);
    ctx.history.markStep('Rename');
    ctx.edit({ name: 'B' });
    expect(ctx.history.retainedBytes()).toBe(16);
  });

  it('drops the oldest steps past the budget, and what is kept still undoes and redoes', () => {
    const ctx = setup(40);
    const painted = [ctx.pixels];
    for (let i = 1; i <= 5; i++) {
      painted.push(paint(ctx, `Paint ${i}`));
      expect(ctx.history.retainedBytes()).toBeLessThanOrEqual(40);
    }
    // Two 16-byte buffers fit; the base row is now the state after the last dropped step.
    expect(ctx.names()).toEqual(['Paint 3', 'Paint 4', '[Paint 5]']);
    for (const i of [4, 3]) {
      expect(ctx.history.undo()).toBe(true);
      expect(ctx.layer().pixels).toBe(painted[i]);
    }
    expect(ctx.history.canUndo).toBe(false);
    while (ctx.history.redo());
    expect(ctx.layer().pixels).toBe(painted[5]);
  });

  it('never drops the newest step, even when it alone is over the budget', () => {
    const ctx = setup(8);
    const painted1 = paint(ctx, 'Paint 1');
    expect(ctx.names()).toEqual(['Open', '[Paint 1]']);
    const painted2 = paint(ctx, 'Paint 2');
    expect(ctx.names()).toEqual(['Paint 1', '[Paint 2]']);
    expect(ctx.history.retainedBytes()).toBe(16);
    expect(ctx.history.undo()).toBe(true);
    expect(ctx.layer().pixels).toBe(painted1);
    expect(ctx.history.redo()).toBe(true);
    expect(ctx.layer().pixels).toBe(painted2);
  });

  it('drops the furthest redo steps past the budget but keeps the next one', () => {
    const ctx = setup(20);
    const add = (id: string) => {
      ctx.history.markStep(`Add ${id}`);
      ctx.store.update((tx) => {
        const doc = tx.get(DOCUMENT_ID);
        if (doc?.typeName !== 'document') throw new Error('no document');
        tx.put({ ...ctx.layer(), id, name: id, pixels: createImage(2, 2) });
        tx.put({ ...doc, layerIds: [...doc.layerIds, id], activeLayerId: id });
      });
    };
    for (const id of ['b', 'c', 'd']) add(id);
    expect(ctx.history.retainedBytes()).toBe(0);
    while (ctx.history.undo());
    expect(ctx.names()).toEqual(['[Open]', '(Add b)']);
    expect(ctx.history.redo()).toBe(true);
    expect(ctx.store.get('b')).toBeDefined();
    expect(ctx.history.canRedo).toBe(false);
  });
});
