import { TesseraError } from '../../core/errors.js';
import { checkImageSize, intersectRect, type Rect, type RgbaImage } from '../../core/image.js';
import { DOCUMENT_ID, SELECTION_ID, type DocumentRecord, type EditorRecord, type LayerRecord } from './document-records.js';

/**
 * The rules of each edit as pure functions from records to records: where a new layer goes, who
 * becomes active when one is deleted, how a dragged rectangle becomes a selection. The editor
 * wraps each in a named history step.
 */
export interface NewLayer {
  readonly name: string;
  readonly pixels: RgbaImage;
  readonly x?: number;
  readonly y?: number;
  /** 0..1, default 1. */
  readonly opacity?: number;
  readonly visible?: boolean;
}

/** What `restore` takes: a DocumentState, or the same with plain layer descriptions. */
export interface DocumentSnapshot {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Bottom → top. */
  readonly layers: readonly (NewLayer & { readonly id: string })[];
  readonly activeLayerId: string | null;
  readonly selection: Rect | null;
}

/** The records of a whole document (a restored session, a new file), checked. */
export function snapshotRecords(snapshot: DocumentSnapshot): EditorRecord[] {
  const { name, width, height, activeLayerId, selection } = snapshot;
  checkImageSize(width, height);
  const layers = snapshot.layers.map((l) => createLayerRecord(l.id, l));
  const layerIds = layers.map((l) => l.id);
  if (new Set(layerIds).size !== layerIds.length) {
    throw new TesseraError('invalid-input', 'The saved document lists the same layer twice; it cannot be restored.');
  }
  return [
    { typeName: 'document', id: DOCUMENT_ID, name, width, height, layerIds, activeLayerId },
    { typeName: 'selection', id: SELECTION_ID, rect: selection && normalizeSelection(selection, snapshot) },
    ...layers,
  ];
}

export function createLayerRecord(id: string, layer: NewLayer): LayerRecord {
  checkImageSize(layer.pixels.width, layer.pixels.height);
  return {
    typeName: 'layer',
    id,
    name: layer.name,
    visible: layer.visible ?? true,
    opacity: checkOpacity(layer.opacity ?? 1),
    x: checkWholeNumber('x position', layer.x ?? 0),
    y: checkWholeNumber('y position', layer.y ?? 0),
    pixels: layer.pixels,
  };
}

/** `layerId` inserted at `index` (bottom = 0; default directly above the active layer) and made active. */
export function withLayerInserted(doc: DocumentRecord, layerId: string, index?: number): DocumentRecord {
  const above = doc.activeLayerId === null ? doc.layerIds.length : doc.layerIds.indexOf(doc.activeLayerId) + 1;
  const at = clamp(checkWholeNumber('layer position', index ?? above), 0, doc.layerIds.length);
  const layerIds = [...doc.layerIds];
  layerIds.splice(at, 0, layerId);
  return { ...doc, layerIds, activeLayerId: layerId };
}

/** `layerId` gone from the stack; if it was active, the layer below it (else above) takes over. */
export function withLayerRemoved(doc: DocumentRecord, layerId: string): DocumentRecord {
  const index = doc.layerIds.indexOf(layerId);
  const layerIds = doc.layerIds.filter((id) => id !== layerId);
  const activeLayerId = doc.activeLayerId === layerId ? layerIds[Math.max(0, index - 1)] ?? null : doc.activeLayerId;
  return { ...doc, layerIds, activeLayerId };
}

/** `layerId` moved to `toIndex` (bottom = 0, clamped); the same record when it is already there. */
export function withLayerMoved(doc: DocumentRecord, layerId: string, toIndex: number): DocumentRecord {
  const layerIds = doc.layerIds.filter((id) => id !== layerId);
  const at = clamp(checkWholeNumber('layer position', toIndex), 0, layerIds.length);
  if (doc.layerIds.indexOf(layerId) === at) return doc;
  layerIds.splice(at, 0, layerId);
  return { ...doc, layerIds };
}

/**
 * A rectangle as the user dragged it (any direction, fractional) as a selection: widened to whole
 * pixels and clipped to the canvas; null when nothing of it has area inside the canvas.
 */
export function normalizeSelection(rect: Rect, size: { readonly width: number; readonly height: number }): Rect | null {
  const x0 = Math.floor(Math.min(rect.x, rect.x + rect.width));
  const y0 = Math.floor(Math.min(rect.y, rect.y + rect.height));
  const x1 = Math.ceil(Math.max(rect.x, rect.x + rect.width));
  const y1 = Math.ceil(Math.max(rect.y, rect.y + rect.height));
  if (![x0, y0, x1, y1].every(Number.isFinite) || rect.width === 0 || rect.height === 0) return null;
  return intersectRect({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, { x: 0, y: 0, width: size.width, height: size.height });
}

export function sameRect(a: Rect | null, b: Rect | null): boolean {
  if (!a || !b) return a === b;
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** 0..1, clamped; NaN is refused. */
export function checkOpacity(opacity: number): number {
  if (Number.isNaN(opacity)) throw new TesseraError('invalid-input', 'The layer opacity must be a number from 0 to 100%.');
  return clamp(opacity, 0, 1);
}

export function checkWholeNumber(what: string, value: number): number {
  if (!Number.isInteger(value)) {
    throw new TesseraError('invalid-input', `The ${what} ${value} is not a whole number.`, { details: { what, value } });
  }
  return value;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
