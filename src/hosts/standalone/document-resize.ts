import type { Rect } from '../../core/image.js';
import { resizeImage } from '../../core/resize.js';
import type { LayerRecord } from './document-records.js';

/**
 * Image › Image Size for the editor's records: every layer keeps its place relative to the canvas
 * when the canvas is scaled by (scaleX, scaleY). Edges are scaled and rounded, so neighbouring
 * layers that touched still touch, and a ×2 or ×4 is exact.
 */
export interface DocumentScale {
  readonly scaleX: number;
  readonly scaleY: number;
}

/** Where a layer goes and how big it becomes (at least 1×1), before any resampling. */
export function scaledLayerRect(layer: LayerRecord, scale: DocumentScale): Rect {
  const x0 = Math.round(layer.x * scale.scaleX), y0 = Math.round(layer.y * scale.scaleY);
  const x1 = Math.round((layer.x + layer.pixels.width) * scale.scaleX);
  const y1 = Math.round((layer.y + layer.pixels.height) * scale.scaleY);
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/**
 * The layer resampled into its scaled rectangle: Lanczos-3 when it grows on both axes (sharp, no
 * ringing into transparency: resizeImage works on premultiplied linear light), area averaging
 * when it shrinks on either. An unchanged size keeps the very same pixels.
 */
export function scaleLayerRecord(layer: LayerRecord, rect: Rect): LayerRecord {
  const { pixels } = layer;
  if (rect.width === pixels.width && rect.height === pixels.height) return rect.x === layer.x && rect.y === layer.y ? layer : { ...layer, x: rect.x, y: rect.y };
  const method = rect.width >= pixels.width && rect.height >= pixels.height ? 'lanczos3' : 'area';
  return { ...layer, x: rect.x, y: rect.y, pixels: resizeImage(pixels, rect.width, rect.height, method) };
}

/** The selection scaled outwards to whole pixels, so it still covers what it covered. */
export function scaleSelection(rect: Rect, scale: DocumentScale): Rect {
  const x0 = Math.floor(rect.x * scale.scaleX), y0 = Math.floor(rect.y * scale.scaleY);
  const x1 = Math.ceil((rect.x + rect.width) * scale.scaleX), y1 = Math.ceil((rect.y + rect.height) * scale.scaleY);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
