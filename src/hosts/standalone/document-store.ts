import { intersectRect } from '../../core/image.js';
import { DOCUMENT_ID, SELECTION_ID, type EditorRecord } from './document-records.js';
import type { CapturePolicy, HistoryStore, StoreChange } from './history.js';
import { createEmptyDiff, mergeUpdate, recordsEqual, type MutableRecordsDiff, type RecordsDiff } from './records-diff.js';

/** A read-write view of the store inside one `update`; nothing is visible outside until it returns. */
export interface StoreTransaction {
  get(id: string): EditorRecord | undefined;
  all(): EditorRecord[];
  put(record: EditorRecord): void;
  remove(id: string): void;
}

type StoreListener = (change: StoreChange<EditorRecord>) => void;

/**
 * The editor's records. Every change is one transaction that listeners (history, the editor) see
 * as one diff. Each transaction ends by repairing the few cross-record rules (the active layer
 * exists, the layer list matches the layers, the selection lies inside the canvas), which also
 * covers an undo or redo landing after a change that kept the redo stack.
 */
export class DocumentStore implements HistoryStore<EditorRecord> {
  private readonly current = new Map<string, EditorRecord>();
  private readonly listeners = new Set<StoreListener>();
  private changeCount = 0;

  /** Grows on every applied change. */
  get version(): number {
    return this.changeCount;
  }

  get(id: string): EditorRecord | undefined {
    return this.current.get(id);
  }

  records(): IterableIterator<EditorRecord> {
    return this.current.values();
  }

  listen(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs `change` as one transaction and returns the diff it made (empty: nothing happened). */
  update(change: (tx: StoreTransaction) => void, policy: CapturePolicy = 'record'): RecordsDiff<EditorRecord> {
    return this.transact(policy, 'user', change);
  }

  applyHistoryDiff(diff: RecordsDiff<EditorRecord>): MutableRecordsDiff<EditorRecord> {
    return this.transact('ignore', 'history', (tx) => {
      for (const id of diff.removed.keys()) tx.remove(id);
      for (const [id, [from, to]] of diff.updated) {
        const now = tx.get(id);
        if (now) tx.put(mergeUpdate(now, from, to));
      }
      for (const record of diff.added.values()) tx.put(record);
    });
  }

  private transact(policy: CapturePolicy, source: StoreChange<EditorRecord>['source'], change: (tx: StoreTransaction) => void): MutableRecordsDiff<EditorRecord> {
    const pending = new Map<string, EditorRecord | null>();
    const tx: StoreTransaction = {
      get: (id) => (pending.has(id) ? pending.get(id) ?? undefined : this.current.get(id)),
      all: () => {
        const ids = new Set([...this.current.keys(), ...pending.keys()]);
        return [...ids].map((id) => tx.get(id)).filter((r): r is EditorRecord => r !== undefined);
      },
      put: (record) => void pending.set(record.id, record),
      remove: (id) => void pending.set(id, null),
    };
    change(tx);
    repairInvariants(tx);

    const diff = createEmptyDiff<EditorRecord>();
    for (const [id, next] of pending) {
      const before = this.current.get(id);
      if (before && next) {
        if (!recordsEqual(before, next)) diff.updated.set(id, [before, next]);
      } else if (next) diff.added.set(id, next);
      else if (before) diff.removed.set(id, before);
    }
    if (diff.added.size + diff.updated.size + diff.removed.size === 0) return diff;
    for (const id of diff.removed.keys()) this.current.delete(id);
    for (const [id, [, next]] of diff.updated) this.current.set(id, next);
    for (const [id, next] of diff.added) this.current.set(id, next);
    this.changeCount++;
    for (const listener of [...this.listeners]) listener({ diff, policy, source });
    return diff;
  }
}

function repairInvariants(tx: StoreTransaction): void {
  const doc = tx.get(DOCUMENT_ID);
  if (doc?.typeName !== 'document') return;
  const layerIds = tx.all().filter((r) => r.typeName === 'layer').map((r) => r.id);
  const known = new Set(layerIds);
  const ordered = doc.layerIds.filter((id) => known.has(id));
  const listed = new Set(ordered);
  // A layer missing from the order can only come from a broken diff; keep it visible on top.
  for (const id of layerIds) if (!listed.has(id)) ordered.push(id);
  // No active layer is a valid choice; an active layer that no longer exists is not.
  const activeLayerId = doc.activeLayerId === null || known.has(doc.activeLayerId) ? doc.activeLayerId : ordered[ordered.length - 1] ?? null;
  const sameOrder = ordered.length === doc.layerIds.length && ordered.every((id, i) => id === doc.layerIds[i]);
  if (!sameOrder || activeLayerId !== doc.activeLayerId) {
    tx.put({ ...doc, layerIds: sameOrder ? doc.layerIds : ordered, activeLayerId });
  }
  const selection = tx.get(SELECTION_ID);
  if (selection?.typeName === 'selection' && selection.rect) {
    const clipped = intersectRect(selection.rect, { x: 0, y: 0, width: doc.width, height: doc.height });
    const same = clipped && clipped.x === selection.rect.x && clipped.y === selection.rect.y && clipped.width === selection.rect.width && clipped.height === selection.rect.height;
    if (!same) tx.put({ ...selection, rect: clipped });
  }
}
