/**
 * A change to a store of records, keyed by id: what was added, what was updated (before and
 * after), what was removed. History is a list of these; undo applies one reversed. With diffs, no
 * new operation can forget its inverse (tldraw's HistoryManager works the same way).
 */
export interface StoreRecord {
  readonly id: string;
}

export interface RecordsDiff<R extends StoreRecord> {
  readonly added: ReadonlyMap<string, R>;
  readonly updated: ReadonlyMap<string, readonly [from: R, to: R]>;
  readonly removed: ReadonlyMap<string, R>;
}

/** The same shape, open for squashing in place. */
export interface MutableRecordsDiff<R extends StoreRecord> extends RecordsDiff<R> {
  readonly added: Map<string, R>;
  readonly updated: Map<string, readonly [from: R, to: R]>;
  readonly removed: Map<string, R>;
}

export function createEmptyDiff<R extends StoreRecord>(): MutableRecordsDiff<R> {
  return { added: new Map(), updated: new Map(), removed: new Map() };
}

export function isEmptyDiff(diff: RecordsDiff<StoreRecord>): boolean {
  return diff.added.size === 0 && diff.updated.size === 0 && diff.removed.size === 0;
}

export function reverseDiff<R extends StoreRecord>(diff: RecordsDiff<R>): MutableRecordsDiff<R> {
  const out = createEmptyDiff<R>();
  for (const [id, record] of diff.added) out.removed.set(id, record);
  for (const [id, [from, to]] of diff.updated) out.updated.set(id, [to, from]);
  for (const [id, record] of diff.removed) out.added.set(id, record);
  return out;
}

/** Folds `next` (which happened after `target`) into `target`, so `target` describes both. */
export function squashDiffInto<R extends StoreRecord>(target: MutableRecordsDiff<R>, next: RecordsDiff<R>): void {
  for (const [id, record] of next.removed) {
    const updated = target.updated.get(id);
    if (target.added.delete(id)) continue;
    target.updated.delete(id);
    target.removed.set(id, updated ? updated[0] : record);
  }
  for (const [id, record] of next.added) {
    const removed = target.removed.get(id);
    if (removed === undefined) {
      target.added.set(id, record);
      continue;
    }
    target.removed.delete(id);
    if (!recordsEqual(removed, record)) target.updated.set(id, [removed, record]);
  }
  for (const [id, [from, to]] of next.updated) {
    if (target.added.has(id)) {
      target.added.set(id, to);
      continue;
    }
    const earlier = target.updated.get(id);
    const start = earlier ? earlier[0] : from;
    if (recordsEqual(start, to)) target.updated.delete(id);
    else target.updated.set(id, [start, to]);
  }
}

export function squashDiffs<R extends StoreRecord>(diffs: Iterable<RecordsDiff<R>>): MutableRecordsDiff<R> {
  const out = createEmptyDiff<R>();
  for (const diff of diffs) squashDiffInto(out, diff);
  return out;
}

/**
 * Shallow equality, field by field. Nested values (pixels, rectangles, id lists) compare by
 * reference: records are immutable, so an unchanged field keeps its reference.
 */
export function recordsEqual<R extends StoreRecord>(a: R, b: R): boolean {
  if (a === b) return true;
  const keysA = Object.keys(a) as (keyof R)[];
  if (keysA.length !== Object.keys(b).length) return false;
  return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && Object.is(a[key], b[key]));
}

/**
 * Applies the update `from → to` onto `current`, field by field: only the fields the update
 * changed are written. Undo and redo go through this so that a change made in between (a
 * selection or visibility change that kept the redo stack) survives a redo that does not touch
 * the same field. When `current` is still exactly `from`, `to` itself is returned, so undo then
 * redo gives back the very same record objects.
 */
export function mergeUpdate<R extends StoreRecord>(current: R, from: R, to: R): R {
  if (recordsEqual(current, from)) return to;
  const before = fieldsOf(from);
  const after = fieldsOf(to);
  const out: Record<string, unknown> = { ...fieldsOf(current) };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (Object.is(before[key], after[key])) continue;
    if (Object.prototype.hasOwnProperty.call(after, key)) out[key] = after[key];
    else delete out[key];
  }
  return out as unknown as R;
}

function fieldsOf(record: StoreRecord): Readonly<Record<string, unknown>> {
  return record as unknown as Readonly<Record<string, unknown>>;
}
