export { EditorDocument, type AddLayerOptions, type DocumentListener, type EditorDocumentOptions } from './editor-document.js';
export { StandaloneHost } from './standalone-host.js';
export { History, DEFAULT_HISTORY_BUDGET_BYTES, type CapturePolicy, type HistoryEntry, type HistoryOptions, type HistoryStore, type StoreChange } from './history.js';
export { DocumentStore, type StoreTransaction } from './document-store.js';
export { Compositor } from './compositor.js';
export { compositeLayers, blendLayerInto, type CompositeLayer } from './composite-layers.js';
export { normalizeSelection, type DocumentSnapshot, type NewLayer } from './document-edits.js';
export {
  DOCUMENT_ID,
  SELECTION_ID,
  layerBounds,
  toDocumentState,
  type DocumentRecord,
  type DocumentState,
  type EditorRecord,
  type LayerRecord,
  type SelectionRecord,
} from './document-records.js';
export { type RecordsDiff, type StoreRecord } from './records-diff.js';
