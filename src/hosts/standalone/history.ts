import {
  createEmptyDiff,
  isEmptyDiff,
  reverseDiff,
  squashDiffInto,
  type MutableRecordsDiff,
  type RecordsDiff,
  type StoreRecord,
} from './records-diff.js';

/**
 * How a change enters history. Documented here, at the definition, because every caller picks one:
 * - `record` (default): an edit. It joins the current step and clears the redo stack.
 * - `preserve-redo`: selection, visibility, active layer. It joins the current step (so it can be
 *   undone) but keeps the redo stack: looking around must not destroy work you can redo
 *   (excalidraw resets redo only when elements change).
 * - `ignore`: opening a file, restoring a session, derived state. Never part of any step.
 */
export type CapturePolicy = 'record' | 'preserve-redo' | 'ignore';

export interface StoreChange<R extends StoreRecord> {
  readonly diff: RecordsDiff<R>;
  readonly policy: CapturePolicy;
  /** `history` for the store's own undo/redo transactions, which history must not record again. */
  readonly source: 'user' | 'history';
}

/** What history needs from a store. */
export interface HistoryStore<R extends StoreRecord> {
  listen(listener: (change: StoreChange<R>) => void): () => void;
  /** Applies a diff from history as one transaction and returns what actually changed (a fresh diff). */
  applyHistoryDiff(diff: RecordsDiff<R>): MutableRecordsDiff<R>;
  records(): Iterable<R>;
}

export interface HistoryOptions<R extends StoreRecord> {
  /** Bytes of pixel buffers that only history may keep alive before the oldest steps go. */
  readonly budgetBytes?: number;
  /** The buffers a record holds, for the budget (each counted once, by identity). */
  readonly buffersOf?: (record: R) => Iterable<ArrayBufferLike>;
}

/** One row of a history panel, oldest first. `isUndone`: a step you can redo. */
export interface HistoryEntry {
  readonly name: string;
  readonly isCurrent: boolean;
  readonly isUndone: boolean;
}

interface Step<R extends StoreRecord> {
  readonly id: number;
  readonly name: string;
  readonly diff: MutableRecordsDiff<R>;
}

export const DEFAULT_HISTORY_BUDGET_BYTES = 512 * 2 ** 20;
const UNMARKED_STEP_NAME = 'Edit';

/**
 * Undo history as diffs between marks. `markStep(name)` opens a step; changes fold into it until
 * the next mark; undo applies its reversed diff in one transaction, redo re-applies it.
 */
export class History<R extends StoreRecord> {
  private undos: Step<R>[] = [];
  /** Next step to redo is last. */
  private redos: Step<R>[] = [];
  /** Whether changes may fold into the top undo step; false after undo, redo and bail. */
  private open = false;
  private nextId = 1;
  private baseName = 'Open';
  private changeCount = 0;
  private readonly budgetBytes: number;
  private readonly buffersOf: (record: R) => Iterable<ArrayBufferLike>;

  constructor(private readonly store: HistoryStore<R>, options: HistoryOptions<R> = {}) {
    this.budgetBytes = options.budgetBytes ?? DEFAULT_HISTORY_BUDGET_BYTES;
    this.buffersOf = options.buffersOf ?? (() => []);
    store.listen((change) => this.onStoreChange(change));
  }

  /** Grows on every change to the steps, so a view can tell when to redraw its list. */
  get version(): number {
    return this.changeCount;
  }

  get canUndo(): boolean {
    return this.undos.some((s) => !isEmptyDiff(s.diff));
  }

  get canRedo(): boolean {
    return this.redos.length > 0;
  }

  /** Opens a new step (invisible until something changes); returns its mark id for `bailToMark` and `squashToMark`. */
  markStep(name: string): number {
    const id = this.nextId++;
    this.undos.push({ id, name, diff: createEmptyDiff() });
    this.open = true;
    return id;
  }

  undo(): boolean {
    while (this.undos.length > 0 && isEmptyDiff(this.undos[this.undos.length - 1].diff)) this.undos.pop();
    const step = this.undos.pop();
    if (!step) return false;
    const done = this.store.applyHistoryDiff(reverseDiff(step.diff));
    this.redos.push({ id: step.id, name: step.name, diff: reverseDiff(done) });
    this.afterMove();
    return true;
  }

  redo(): boolean {
    const step = this.redos.pop();
    if (!step) return false;
    const done = this.store.applyHistoryDiff(step.diff);
    this.undos.push({ id: step.id, name: step.name, diff: done });
    this.afterMove();
    return true;
  }

  /** Reverts everything since `markId` and forgets it, redo untouched (a gesture cancelled with Escape). */
  bailToMark(markId: number): boolean {
    const index = this.undos.findIndex((s) => s.id === markId);
    if (index < 0) return false;
    const steps = this.undos.splice(index);
    const revert = createEmptyDiff<R>();
    for (const step of steps.reverse()) squashDiffInto(revert, reverseDiff(step.diff));
    if (!isEmptyDiff(revert)) this.store.applyHistoryDiff(revert);
    this.afterMove();
    return true;
  }

  /** Folds every step after `markId` into it: a gesture's intermediate marks become one step. */
  squashToMark(markId: number): boolean {
    const index = this.undos.findIndex((s) => s.id === markId);
    if (index < 0) return false;
    const target = this.undos[index];
    for (const step of this.undos.splice(index + 1)) squashDiffInto(target.diff, step.diff);
    if (isEmptyDiff(target.diff)) {
      this.undos.pop();
      this.open = false;
    }
    this.changed();
    return true;
  }

  /** Forgets every step; `baseName` labels the state history starts from. */
  clear(baseName = 'Open'): void {
    this.undos = [];
    this.redos = [];
    this.open = false;
    this.baseName = baseName;
    this.changed();
  }

  /** The history panel's rows: the base state, done steps, then undone steps; newest last. */
  entries(): HistoryEntry[] {
    const done = this.undos.filter((s) => !isEmptyDiff(s.diff));
    const undone = [...this.redos].reverse();
    return [
      { name: this.baseName, isCurrent: done.length === 0, isUndone: false },
      ...done.map((s, i) => ({ name: s.name, isCurrent: i === done.length - 1, isUndone: false })),
      ...undone.map((s) => ({ name: s.name, isCurrent: false, isUndone: true })),
    ];
  }

  /** Bytes of pixel buffers that history alone keeps alive (the current document's are not counted). */
  retainedBytes(): number {
    return this.retained().bytes;
  }

  private onStoreChange(change: StoreChange<R>): void {
    if (change.source === 'history' || change.policy === 'ignore') return;
    if (!this.open) this.markStep(UNMARKED_STEP_NAME);
    squashDiffInto(this.undos[this.undos.length - 1].diff, change.diff);
    if (change.policy === 'record') this.redos = [];
    this.changed();
    this.enforceBudget();
  }

  private afterMove(): void {
    this.open = false;
    this.changed();
    this.enforceBudget();
  }

  private changed(): void {
    this.changeCount++;
  }

  /**
   * Drops the oldest undo steps while history alone keeps more than the budget alive, then the
   * furthest redo steps. The newest done step and the next redo step always stay, so the last
   * action can always be undone and an undo can always be redone.
   */
  private enforceBudget(): void {
    const { counts, bytes: total } = this.retained();
    let bytes = total;
    const release = (step: Step<R>): void => {
      for (const buffer of this.stepBuffers(step)) {
        const count = counts.get(buffer);
        if (count === undefined) continue;
        if (count > 1) counts.set(buffer, count - 1);
        else {
          counts.delete(buffer);
          bytes -= buffer.byteLength;
        }
      }
    };
    let dropped = false;
    while (bytes > this.budgetBytes && this.lastDoneIndex() > 0) {
      const oldest = this.undos.shift() as Step<R>;
      if (!isEmptyDiff(oldest.diff)) this.baseName = oldest.name;
      release(oldest);
      dropped = true;
    }
    while (bytes > this.budgetBytes && this.redos.length > 1) {
      release(this.redos.shift() as Step<R>);
      dropped = true;
    }
    if (dropped) this.changed();
  }

  private lastDoneIndex(): number {
    for (let i = this.undos.length - 1; i >= 0; i--) if (!isEmptyDiff(this.undos[i].diff)) return i;
    return -1;
  }

  /** How many steps hold each buffer the document does not, and their total size. */
  private retained(): { counts: Map<ArrayBufferLike, number>; bytes: number } {
    const live = new Set<ArrayBufferLike>();
    for (const record of this.store.records()) for (const buffer of this.buffersOf(record)) live.add(buffer);
    const counts = new Map<ArrayBufferLike, number>();
    let bytes = 0;
    for (const step of [...this.undos, ...this.redos]) {
      for (const buffer of this.stepBuffers(step)) {
        if (live.has(buffer)) continue;
        const count = counts.get(buffer) ?? 0;
        if (count === 0) bytes += buffer.byteLength;
        counts.set(buffer, count + 1);
      }
    }
    return { counts, bytes };
  }

  private stepBuffers(step: Step<R>): Set<ArrayBufferLike> {
    const out = new Set<ArrayBufferLike>();
    const add = (record: R): void => {
      for (const buffer of this.buffersOf(record)) out.add(buffer);
    };
    const { added, updated, removed } = step.diff;
    for (const record of added.values()) add(record);
    for (const [from, to] of updated.values()) (add(from), add(to));
    for (const record of removed.values()) add(record);
    return out;
  }
}
