import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.js';
import { DOCUMENT_ID, SELECTION_ID, type DocumentRecord, type LayerRecord } from '../../../src/hosts/standalone/document-records.js';
import { DocumentStore } from '../../../src/hosts/standalone/document-store.js';
import type { StoreChange } from '../../../src/hosts/standalone/history.js';
import type { EditorRecord } from '../../../src/hosts/standalone/document-records.js';
import { createEmptyDiff } from '../../../src/hosts/standalone/records-diff.js';

const layer = (id: string, patch: Partial<LayerRecord> = {}): LayerRecord => ({
  typeName: 'layer', id, name: id, visible: true, opacity: 1, x: 0, y: 0, pixels: createImage(1, 1), ...patch,
});

/** A 4×4 document with layers a (bottom) and b, b active. */
function setup() {
  const store = new DocumentStore();
  const changes: StoreChange<EditorRecord>[] = [];
  store.listen((c) => changes.push(c));
  store.update((tx) => {
    tx.put({ typeName: 'document', id: DOCUMENT_ID, name: 'doc', width: 4, height: 4, layerIds: ['a', 'b'], activeLayerId: 'b' });
    tx.put({ typeName: 'selection', id: SELECTION_ID, rect: null });
    tx.put(layer('a'));
    tx.put(layer('b'));
  }, 'ignore');
  const doc = () => store.get(DOCUMENT_ID) as DocumentRecord;
  return { store, changes, doc };
}

describe('DocumentStore', () => {
  it('reports one transaction as one diff, with its capture policy', () => {
    const { store, changes } = setup();
    const a = store.get('a') as LayerRecord;
    store.update((tx) => {
      tx.put({ ...a, name: 'A1' });
      tx.put({ ...a, name: 'A2' });
      tx.put(layer('c'));
    });
    const last = changes.at(-1);
    expect(last?.policy).toBe('record');
    expect(last?.source).toBe('user');
    expect(last?.diff.updated.get('a')?.map((r) => (r as LayerRecord).name)).toEqual(['a', 'A2']);
    expect([...(last?.diff.added.keys() ?? [])]).toEqual(['c']);
  });

  it('applies nothing when a transaction throws, and reports nothing when nothing changed', () => {
    const { store, changes } = setup();
    const count = changes.length;
    const version = store.version;
    expect(() =>
      store.update((tx) => {
        tx.remove('a');
        throw new Error('midway');
      }),
    ).toThrow('midway');
    expect(store.get('a')).toBeDefined();
    store.update((tx) => tx.put({ ...(store.get('a') as LayerRecord) }));
    expect(changes.length).toBe(count);
    expect(store.version).toBe(version);
  });

  it('keeps the cross-record rules: layer order matches the layers, the active layer exists, the selection fits', () => {
    const { store, doc } = setup();
    store.update((tx) => {
      tx.remove('b');
      tx.put(layer('c'));
      tx.put({ typeName: 'selection', id: SELECTION_ID, rect: { x: 2, y: 2, width: 5, height: 5 } });
    });
    expect(doc().layerIds).toEqual(['a', 'c']);
    expect(doc().activeLayerId).toBe('c');
    expect(store.get(SELECTION_ID)).toMatchObject({ rect: { x: 2, y: 2, width: 2, height: 2 } });
    store.update((tx) => tx.put({ ...doc(), width: 1, height: 1 }));
    expect(store.get(SELECTION_ID)).toMatchObject({ rect: null });
  });

  it('allows no active layer', () => {
    const { store, doc } = setup();
    store.update((tx) => tx.put({ ...doc(), activeLayerId: null }), 'preserve-redo');
    expect(doc().activeLayerId).toBeNull();
  });

  it('applies history diffs field by field and returns what really changed', () => {
    const { store, changes } = setup();
    const a0 = store.get('a') as LayerRecord;
    const a1 = { ...a0, name: 'renamed' };
    // Since the diff was taken, "a" was hidden: applying the rename keeps it hidden.
    store.update((tx) => tx.put({ ...a0, visible: false }), 'preserve-redo');
    const diff = createEmptyDiff<EditorRecord>();
    diff.updated.set('a', [a0, a1]);
    const done = store.applyHistoryDiff(diff);
    expect(store.get('a')).toMatchObject({ name: 'renamed', visible: false });
    expect(done.updated.get('a')?.[0]).toMatchObject({ name: 'a', visible: false });
    expect(changes.at(-1)).toMatchObject({ policy: 'ignore', source: 'history' });
  });
});
