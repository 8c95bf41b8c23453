import { intersectRect, type Rect } from '../../core/image.js';
import type { PhotoshopStep } from './photoshop-errors.js';
import type { PsBounds, PsImageData, PsImaging } from './photoshop-modules.js';
import type { PsPixelLayout } from './pixel-conversion.js';

/** What one read hands back, still in Photoshop's layout: converting is left for after the modal scope. */
export interface RawLayerPixels {
  /** Document position and size of `data`: the requested area trimmed to where the layer has pixels. */
  readonly bounds: Rect;
  readonly data: Uint8Array | Uint16Array | Float32Array;
  readonly layout: PsPixelLayout;
  readonly colorProfile: string;
  /** The selection over `bounds`, when a mask was asked for. */
  readonly mask: RawSelectionMask | null;
}

export interface RawSelectionMask {
  /** Where the mask data sits; Photoshop may trim it to the selection's own extent. */
  readonly bounds: Rect;
  readonly data: Uint8Array | Uint16Array | Float32Array;
  readonly componentSize: number;
}

export interface ReadRequest {
  readonly documentID: number;
  readonly layerID: number;
  readonly area: Rect;
  /** Read the selection's shape too (a selection that is not a fully selected rectangle). */
  readonly withMask: boolean;
}

/**
 * The Photoshop calls of one read: the layer's pixels in `area`, then the selection over the
 * same pixels. Every imaging buffer is disposed before returning, whatever happens. `at` names
 * each step, so a failure can say which one it was.
 */
export async function readLayerPixels(imaging: PsImaging, request: ReadRequest, at: (step: PhotoshopStep) => void): Promise<RawLayerPixels> {
  const { documentID, layerID, area, withMask } = request;
  at('read the layer');
  const pixels = await imaging.getPixels({ documentID, layerID, sourceBounds: toPsBounds(area) });
  try {
    const { imageData } = pixels;
    // The returned bounds are trimmed to the region that has pixel data (imaging.md, getPixels).
    const origin = rectFromPsBounds(pixels.sourceBounds) ?? area;
    const bounds = { x: origin.x, y: origin.y, width: imageData.width, height: imageData.height };
    const layout = { width: imageData.width, height: imageData.height, components: imageData.components, componentSize: imageData.componentSize };
    const data = await imageData.getData({ chunky: true, fullRange: false });
    let mask: RawSelectionMask | null = null;
    if (withMask && bounds.width > 0 && bounds.height > 0) {
      at('read the selection');
      mask = await readSelection(imaging, documentID, bounds);
    }
    return { bounds, data, layout, colorProfile: imageData.colorProfile, mask };
  } finally {
    await disposeImageData(pixels.imageData);
  }
}

async function readSelection(imaging: PsImaging, documentID: number, bounds: Rect): Promise<RawSelectionMask> {
  const selection = await imaging.getSelection({ documentID, sourceBounds: toPsBounds(bounds) });
  try {
    const { imageData } = selection;
    const origin = rectFromPsBounds(selection.sourceBounds) ?? bounds;
    const data = await imageData.getData({ chunky: true, fullRange: false });
    return { bounds: { x: origin.x, y: origin.y, width: imageData.width, height: imageData.height }, data, componentSize: imageData.componentSize };
  } finally {
    await disposeImageData(selection.imageData);
  }
}

/**
 * The mask for `target` (0..255 per pixel), with what Photoshop returned placed where it belongs
 * and everything outside it unselected.
 */
export function placeMask(mask: { readonly bounds: Rect; readonly values: Uint8Array }, target: Rect): Uint8Array {
  const out = new Uint8Array(target.width * target.height);
  const overlap = intersectRect(mask.bounds, target);
  if (!overlap) return out;
  for (let y = overlap.y; y < overlap.y + overlap.height; y++) {
    const from = (y - mask.bounds.y) * mask.bounds.width + (overlap.x - mask.bounds.x);
    out.set(mask.values.subarray(from, from + overlap.width), (y - target.y) * target.width + (overlap.x - target.x));
  }
  return out;
}

/** Integer pixel bounds (outward), or null for an empty rectangle. */
export function rectFromPsBounds(bounds: PsBounds): Rect | null {
  const x = Math.floor(bounds.left);
  const y = Math.floor(bounds.top);
  const width = Math.ceil(bounds.right) - x;
  const height = Math.ceil(bounds.bottom) - y;
  return width > 0 && height > 0 ? { x, y, width, height } : null;
}

export function toPsBounds(rect: Rect): PsBounds {
  return { left: rect.x, top: rect.y, right: rect.x + rect.width, bottom: rect.y + rect.height };
}

/** `dispose()` is synchronous in the docs and a promise in the type package: awaiting covers both. */
export async function disposeImageData(imageData: PsImageData): Promise<void> {
  await imageData.dispose();
}
