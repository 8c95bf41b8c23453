import type { Rect, RgbaImage } from '../../core/image.js';

/**
 * The standalone editor's document as records in a store: one document record, one selection
 * record and one record per layer. The selection lives in its own record and the active layer in
 * a field of its own, so undo and redo can write them without touching anything else. View state
 * (zoom, pan, hover, tool) is not here: it is never undone.
 */
export interface DocumentRecord {
  readonly typeName: 'document';
  readonly id: typeof DOCUMENT_ID;
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Bottom → top. */
  readonly layerIds: readonly string[];
  readonly activeLayerId: string | null;
}

export interface SelectionRecord {
  readonly typeName: 'selection';
  readonly id: typeof SELECTION_ID;
  /** Document pixels, inside the document, with area; null when nothing is selected. */
  readonly rect: Rect | null;
}

/**
 * A layer. `pixels` is immutable and shared by reference: an edit swaps in a new buffer, so a
 * history step holds references and undo copies no pixels.
 */
export interface LayerRecord {
  readonly typeName: 'layer';
  readonly id: string;
  readonly name: string;
  readonly visible: boolean;
  /** 0..1 */
  readonly opacity: number;
  /** Document position of the top-left pixel; a layer may reach past the canvas. */
  readonly x: number;
  readonly y: number;
  readonly pixels: RgbaImage;
}

export type EditorRecord = DocumentRecord | SelectionRecord | LayerRecord;

export const DOCUMENT_ID = 'document';
export const SELECTION_ID = 'selection';

/** The document as a view reads it. Null stands for "no document open". */
export interface DocumentState {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Bottom → top. */
  readonly layers: readonly LayerRecord[];
  readonly activeLayerId: string | null;
  readonly selection: Rect | null;
}

export function isLayerRecord(record: EditorRecord | undefined): record is LayerRecord {
  return record?.typeName === 'layer';
}

/** Builds the view of the records; null when there is no document record. */
export function toDocumentState(get: (id: string) => EditorRecord | undefined): DocumentState | null {
  const doc = get(DOCUMENT_ID);
  if (doc?.typeName !== 'document') return null;
  const selection = get(SELECTION_ID);
  return {
    name: doc.name,
    width: doc.width,
    height: doc.height,
    layers: doc.layerIds.map((id) => get(id)).filter(isLayerRecord),
    activeLayerId: doc.activeLayerId,
    selection: selection?.typeName === 'selection' ? selection.rect : null,
  };
}

/** A layer's rectangle in document coordinates. */
export function layerBounds(layer: LayerRecord): Rect {
  return { x: layer.x, y: layer.y, width: layer.pixels.width, height: layer.pixels.height };
}

/** The pixel buffers a record keeps alive, for history's memory budget. */
export function pixelBuffersOf(record: EditorRecord): ArrayBufferLike[] {
  return record.typeName === 'layer' ? [record.pixels.data.buffer] : [];
}
