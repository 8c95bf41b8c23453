import { cloneImage, createImage, type RgbaImage } from '../../core/image.js';
import { blendLayerInto, type CompositeLayer } from './composite-layers.js';
import type { DocumentState } from './document-records.js';

interface Snapshot {
  readonly width: number;
  readonly height: number;
  /** The visible layers it flattens, bottom → top, as (pixels, x, y, opacity) compared by value and reference. */
  readonly layers: readonly CompositeLayer[];
  readonly image: RgbaImage;
}

/**
 * Flattens a document for display and export, remembering two results: the last composite and
 * the composite of all its layers but the top one. Layer pixels are immutable, so a layer is
 * unchanged exactly when its pixel reference, position and opacity are. Most edits then cost
 * nothing (rename, selection, active layer) or one layer's blend (a result added on top, the top
 * layer shown or hidden), instead of every layer of a 4096² document on every change.
 *
 * Returned images are shared with the cache: treat them as read-only.
 */
export class Compositor {
  private snapshots: Snapshot[] = [];

  composite(state: DocumentState): RgbaImage {
    const { width, height } = state;
    const layers: CompositeLayer[] = state.layers
      .filter((l) => l.visible && l.opacity > 0)
      .map(({ pixels, x, y, opacity }) => ({ pixels, x, y, opacity }));
    if (layers.length === 0) {
      const empty = createImage(width, height);
      this.snapshots = [{ width, height, layers, image: empty }];
      return empty;
    }

    let base: Snapshot | null = null;
    for (const snapshot of this.snapshots) {
      if (snapshot.width !== width || snapshot.height !== height) continue;
      if (!isPrefix(snapshot.layers, layers)) continue;
      if (!base || snapshot.layers.length > base.layers.length) base = snapshot;
    }
    if (base && base.layers.length === layers.length) return base.image;

    const start = base?.layers.length ?? 0;
    const last = layers.length - 1;
    // The image under the top layer, kept as the next prefix snapshot.
    let below: RgbaImage;
    if (start === last && base) below = base.image;
    else {
      below = base ? cloneImage(base.image) : createImage(width, height);
      for (let i = start; i < last; i++) blendLayerInto(below, layers[i]);
    }
    const result = cloneImage(below);
    blendLayerInto(result, layers[last]);

    this.snapshots = [
      { width, height, layers: layers.slice(0, last), image: below },
      { width, height, layers, image: result },
    ];
    return result;
  }

  /** Drops the cached images (for instance when a document is closed). */
  clear(): void {
    this.snapshots = [];
  }
}

function isPrefix(prefix: readonly CompositeLayer[], layers: readonly CompositeLayer[]): boolean {
  if (prefix.length > layers.length) return false;
  return prefix.every((p, i) => {
    const l = layers[i];
    return p.pixels === l.pixels && p.x === l.x && p.y === l.y && p.opacity === l.opacity;
  });
}
