import { TesseraError } from '../../core/errors.js';
import { checkImageSize, type Rect, type RgbaImage } from '../../core/image.js';
import { Compositor } from './compositor.js';
import {
  checkOpacity,
  checkWholeNumber,
  createLayerRecord,
  normalizeSelection,
  sameRect,
  snapshotRecords,
  withLayerInserted,
  withLayerMoved,
  withLayerRemoved,
  type DocumentSnapshot,
  type NewLayer,
} from './document-edits.js';
import {
  DOCUMENT_ID,
  SELECTION_ID,
  pixelBuffersOf,
  toDocumentState,
  type DocumentRecord,
  type DocumentState,
  type EditorRecord,
  type LayerRecord,
} from './document-records.js';
import { scaleLayerRecord, scaledLayerRect, scaleSelection, type DocumentScale } from './document-resize.js';
import { DocumentStore, type StoreTransaction } from './document-store.js';
import { History, type CapturePolicy, type HistoryEntry } from './history.js';

export interface EditorDocumentOptions {
  /** Bytes of pixels only history may keep alive (default 512 MiB); the oldest steps go first. */
  readonly historyBudgetBytes?: number;
  /**
   * Bytes of layer pixels a resized document may hold (default 2 GiB, DEFAULT_LAYER_BUDGET_BYTES):
   * scaling every layer of a many-layer document ×4 is where a page runs out of memory, so
   * `resizeImage` refuses past this before it resamples anything.
   */
  readonly layerBudgetBytes?: number;
}

/**
 * 2 GiB of RGBA: eight full layers of a 8192×8192 document. A browser tab holds each layer as its
 * own buffer plus two flattened composites (Compositor) and the view's copy; past a few GiB a tab
 * is killed without a word, which would lose the user's work.
 */
export const DEFAULT_LAYER_BUDGET_BYTES = 2 * 2 ** 30;

export interface AddLayerOptions {
  /** Position in the stack, bottom = 0; default: directly above the active layer (top if none). */
  readonly index?: number;
  /** The history step's name; default "New layer". */
  readonly stepName?: string;
}

export type DocumentListener = (state: DocumentState | null) => void;

/**
 * The standalone editor without its view: layers, selection and undo over a record store. Every
 * operation is one named history step; the UI calls these and never touches the store. Gestures
 * (a marquee drag) call `markStep` on pointer-down, operations while dragging, then `squashToMark`
 * on pointer-up or `bailToMark` on Escape.
 */
export class EditorDocument {
  private readonly store = new DocumentStore();
  private readonly history: History<EditorRecord>;
  private readonly compositor = new Compositor();
  private readonly listeners = new Set<DocumentListener>();
  private cached: { version: number; state: DocumentState | null } = { version: -1, state: null };
  private seen = { store: 0, history: 0 };
  private notifying = false;
  private nextLayerNumber = 1;
  private readonly layerBudgetBytes: number;

  constructor(options: EditorDocumentOptions = {}) {
    this.layerBudgetBytes = options.layerBudgetBytes ?? DEFAULT_LAYER_BUDGET_BYTES;
    this.history = new History(this.store, { budgetBytes: options.historyBudgetBytes, buffersOf: pixelBuffersOf });
    this.seen = { store: this.store.version, history: this.history.version };
  }

  /** The document now; null while no image is open. */
  get state(): DocumentState | null {
    if (this.cached.version !== this.store.version) {
      this.cached = { version: this.store.version, state: toDocumentState((id) => this.store.get(id)) };
    }
    return this.cached.state;
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  /** Rows for a history panel: "Open", then each step; newest last. */
  historyEntries(): readonly HistoryEntry[] {
    return this.history.entries();
  }

  /** Bytes of pixels that only history keeps alive. */
  historyBytes(): number {
    return this.history.retainedBytes();
  }

  /** Calls `listener` with the new state after every change to the document or its history. */
  subscribe(listener: DocumentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new document with `image` as its one layer. Not an undo step: history starts here. */
  open(image: RgbaImage, name: string): void {
    const id = this.newLayerId();
    const layers = [{ id, name: 'Background', pixels: image }];
    this.restore({ name, width: image.width, height: image.height, layers, activeLayerId: id, selection: null });
  }

  /**
   * Puts a whole document back as it was saved (a restored session, a test fixture), ids kept.
   * Like `open`, not an undo step: history starts over, its first entry named `baseName`.
   */
  restore(snapshot: DocumentSnapshot, baseName = 'Open'): void {
    const records = snapshotRecords(snapshot);
    this.run(() => {
      this.store.update((tx) => {
        for (const record of tx.all()) tx.remove(record.id);
        for (const record of records) tx.put(record);
      }, 'ignore');
      this.history.clear(baseName);
      this.compositor.clear();
    });
  }

  /** Adds a layer (directly above the active one unless `index` says otherwise) and makes it active. */
  addLayer(layer: NewLayer, options: AddLayerOptions = {}): string {
    const doc = this.requireDocument();
    const record = createLayerRecord(this.newLayerId(), layer);
    const nextDoc = withLayerInserted(doc, record.id, options.index);
    this.change(options.stepName ?? 'New layer', 'record', (tx) => {
      tx.put(record);
      tx.put(nextDoc);
    });
    return record.id;
  }

  /** Deletes a layer; the one below it (else above) becomes active if it was. */
  removeLayer(id: string): void {
    const doc = this.requireDocument();
    this.requireLayer(id);
    this.change('Delete layer', 'record', (tx) => {
      tx.remove(id);
      tx.put(withLayerRemoved(doc, id));
    });
  }

  renameLayer(id: string, name: string): void {
    this.updateLayer(id, 'Rename layer', 'record', { name });
  }

  setLayerVisible(id: string, visible: boolean): void {
    this.updateLayer(id, visible ? 'Show layer' : 'Hide layer', 'preserve-redo', { visible });
  }

  /** `opacity`: 0..1, clamped. */
  setLayerOpacity(id: string, opacity: number): void {
    this.updateLayer(id, 'Layer opacity', 'record', { opacity: checkOpacity(opacity) });
  }

  setLayerPosition(id: string, x: number, y: number): void {
    this.updateLayer(id, 'Move layer', 'record', { x: checkWholeNumber('x position', x), y: checkWholeNumber('y position', y) });
  }

  /** Swaps in new pixels (an edit makes a new buffer; the old one stays with history). */
  setLayerPixels(id: string, pixels: RgbaImage, stepName = 'Edit layer'): void {
    checkImageSize(pixels.width, pixels.height);
    this.updateLayer(id, stepName, 'record', { pixels });
  }

  /** Moves a layer to `toIndex` in the stack (bottom = 0, clamped). */
  moveLayer(id: string, toIndex: number): void {
    const doc = this.requireDocument();
    this.requireLayer(id);
    const moved = withLayerMoved(doc, id, toIndex);
    if (moved !== doc) this.change('Layer order', 'record', (tx) => tx.put(moved));
  }

  setActiveLayer(id: string | null): void {
    const doc = this.requireDocument();
    if (id !== null) this.requireLayer(id);
    if (doc.activeLayerId === id) return;
    this.change('Select layer', 'preserve-redo', (tx) => tx.put({ ...doc, activeLayerId: id }));
  }

  /**
   * Selects a rectangle in document pixels: a drag in any direction, widened to whole pixels,
   * clipped to the canvas. A rectangle with no area (or outside the canvas) deselects.
   */
  setSelection(rect: Rect | null): void {
    const doc = this.requireDocument();
    const next = rect && normalizeSelection(rect, doc);
    const now = this.state?.selection ?? null;
    if (sameRect(now, next)) return;
    this.change(next ? 'Select' : 'Deselect', 'preserve-redo', (tx) => tx.put({ typeName: 'selection', id: SELECTION_ID, rect: next }));
  }

  /** Changes the canvas size; layers keep their pixels and positions, the selection is clipped. */
  resizeCanvas(width: number, height: number): void {
    const doc = this.requireDocument();
    checkImageSize(width, height);
    if (doc.width === width && doc.height === height) return;
    this.change('Canvas size', 'record', (tx) => tx.put({ ...doc, width, height }));
  }

  /**
   * Image › Image Size: the canvas becomes width × height and every layer (hidden ones too) is
   * resampled by the same factors, so the picture keeps its layout; the selection is scaled with
   * it. One history step. Throws `out-of-memory` before resampling anything when the resized
   * layers would pass the layer budget.
   */
  resizeImage(width: number, height: number, stepName = 'Image size'): void {
    this.resizeImageWith(width, height, null, { stepName });
  }

  /**
   * Upscale in place: `resizeImage`, then `layer` added (positioned in the resized document) —
   * together one history step, so one undo gives back the old size and the old layers exactly.
   * Returns the new layer's id.
   */
  resizeImageAndAddLayer(width: number, height: number, layer: NewLayer, options: AddLayerOptions = {}): string {
    return this.resizeImageWith(width, height, layer, options) as string;
  }

  undo(): boolean {
    return this.run(() => this.history.undo());
  }

  redo(): boolean {
    return this.run(() => this.history.redo());
  }

  /** Undoes or redoes until the history entry at `index` (as in `historyEntries()`) is current. */
  jumpToHistory(index: number): void {
    this.run(() => {
      let current = this.history.entries().findIndex((e) => e.isCurrent);
      while (current > index && this.history.undo()) current--;
      while (current < index && this.history.redo()) current++;
    });
  }

  markStep(name: string): number {
    return this.history.markStep(name);
  }

  bailToMark(markId: number): boolean {
    return this.run(() => this.history.bailToMark(markId));
  }

  squashToMark(markId: number): boolean {
    return this.run(() => this.history.squashToMark(markId));
  }

  /** The visible layers flattened onto a transparent canvas; shared with a cache, so read-only. */
  composite(state: DocumentState | null = this.state): RgbaImage {
    if (!state) throw noDocument();
    return this.compositor.composite(state);
  }

  private resizeImageWith(width: number, height: number, added: NewLayer | null, options: AddLayerOptions): string | null {
    const doc = this.requireDocument();
    checkImageSize(width, height);
    const state = this.state as DocumentState;
    const scale: DocumentScale = { scaleX: width / doc.width, scaleY: height / doc.height };
    const rects = state.layers.map((layer) => scaledLayerRect(layer, scale));
    const bytes = rects.reduce((sum, r) => sum + r.width * r.height * 4, added ? added.pixels.width * added.pixels.height * 4 : 0);
    if (bytes > this.layerBudgetBytes) {
      const gib = (n: number) => (n / 2 ** 30).toFixed(1);
      const count = state.layers.length + (added ? 1 : 0);
      throw new TesseraError(
        'out-of-memory',
        `Resizing to ${width}×${height} needs ${gib(bytes)} GiB for this document's ${count} layers; the editor keeps at most ${gib(this.layerBudgetBytes)} GiB of layer pixels. Merge or delete layers, or choose a smaller size, then try again.`,
        { details: { width, height, layers: count, bytes, budgetBytes: this.layerBudgetBytes } },
      );
    }
    // Checked before the resampling, which may take seconds on a big document.
    const record = added && createLayerRecord(this.newLayerId(), added);
    const scaled = state.layers.map((layer, i) => scaleLayerRecord(layer, rects[i]));
    const resized: DocumentRecord = { ...doc, width, height };
    const selection = state.selection && normalizeSelection(scaleSelection(state.selection, scale), { width, height });
    this.change(options.stepName ?? 'Image size', 'record', (tx) => {
      for (const layer of scaled) tx.put(layer);
      if (state.selection) tx.put({ typeName: 'selection', id: SELECTION_ID, rect: selection });
      if (record) {
        tx.put(record);
        tx.put(withLayerInserted(resized, record.id, options.index));
      } else {
        tx.put(resized);
      }
    });
    return record?.id ?? null;
  }

  private change(name: string, policy: CapturePolicy, edit: (tx: StoreTransaction) => void): void {
    this.run(() => {
      this.history.markStep(name);
      this.store.update(edit, policy);
    });
  }

  private updateLayer(id: string, stepName: string, policy: CapturePolicy, patch: Partial<LayerRecord>): void {
    this.requireDocument();
    const layer = this.requireLayer(id);
    const next: LayerRecord = { ...layer, ...patch };
    if ((Object.keys(patch) as (keyof LayerRecord)[]).every((k) => Object.is(layer[k], next[k]))) return;
    this.change(stepName, policy, (tx) => tx.put(next));
  }

  /** Runs a change, then tells listeners once, if the document or its history moved. */
  private run<T>(work: () => T): T {
    try {
      return work();
    } finally {
      this.notify();
    }
  }

  private notify(): void {
    if (this.notifying) return;
    this.notifying = true;
    try {
      while (this.seen.store !== this.store.version || this.seen.history !== this.history.version) {
        this.seen = { store: this.store.version, history: this.history.version };
        const state = this.state;
        for (const listener of [...this.listeners]) listener(state);
      }
    } finally {
      this.notifying = false;
    }
  }

  private requireDocument(): DocumentRecord {
    const doc = this.store.get(DOCUMENT_ID);
    if (doc?.typeName !== 'document') throw noDocument();
    return doc;
  }

  private requireLayer(id: string): LayerRecord {
    const layer = this.store.get(id);
    if (layer?.typeName !== 'layer') {
      throw new TesseraError('no-layer', 'That layer no longer exists. Pick a layer in the Layers list and try again.', { details: { id } });
    }
    return layer;
  }

  private newLayerId(): string {
    // Restored documents bring their own ids; skip any that are taken.
    let id: string;
    do id = `layer-${this.nextLayerNumber++}`;
    while (this.store.get(id));
    return id;
  }
}

function noDocument(): TesseraError {
  return new TesseraError('no-document', 'No image is open. Open an image first, then try again.');
}
