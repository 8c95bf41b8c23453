import { createImage, intersectRect, type RgbaImage } from '../../core/image.js';

/** What compositing needs of a layer. */
export interface CompositeLayer {
  readonly pixels: RgbaImage;
  readonly x: number;
  readonly y: number;
  /** 0..1 */
  readonly opacity: number;
}

/** The layers (bottom → top) flattened onto a transparent canvas of the given size. */
export function compositeLayers(width: number, height: number, layers: readonly CompositeLayer[]): RgbaImage {
  const canvas = createImage(width, height);
  for (const layer of layers) blendLayerInto(canvas, layer);
  return canvas;
}

/**
 * Draws `layer` over `canvas` in place with "source over" on straight alpha, the layer's alpha
 * scaled by its opacity (the Porter–Duff over operator, as Photoshop's Normal mode at 8 bits):
 *   a = as + ad·(1 − as),   c = (cs·as + cd·ad·(1 − as)) / a
 * The canvas is rounded to 8 bits after each layer, as an 8-bit document is.
 */
export function blendLayerInto(canvas: RgbaImage, layer: CompositeLayer): void {
  const { pixels, x, y } = layer;
  const opacity = Math.min(1, Math.max(0, layer.opacity));
  if (opacity === 0) return;
  const area = intersectRect({ x, y, width: pixels.width, height: pixels.height }, { x: 0, y: 0, width: canvas.width, height: canvas.height });
  if (!area) return;
  // Plain byte and word views of the same memory: stores skip the clamping (every value written
  // is already a whole number in 0..255) and an opaque pixel is copied as one 32-bit word.
  const srcBytes = aligned(pixels.data);
  const src = new Uint8Array(srcBytes.buffer, srcBytes.byteOffset, srcBytes.length);
  const dst = new Uint8Array(canvas.data.buffer, canvas.data.byteOffset, canvas.data.length);
  const src32 = new Uint32Array(srcBytes.buffer, srcBytes.byteOffset, srcBytes.length >> 2);
  const dst32 = new Uint32Array(canvas.data.buffer, canvas.data.byteOffset, canvas.data.length >> 2);
  const scale = opacity / 255;
  for (let row = 0; row < area.height; row++) {
    let s = ((area.y - y + row) * pixels.width + (area.x - x)) * 4;
    let d = ((area.y + row) * canvas.width + area.x) * 4;
    for (let col = 0; col < area.width; col++, s += 4, d += 4) {
      const srcAlpha = src[s + 3];
      if (srcAlpha === 0) continue;
      const dstAlpha = dst[d + 3];
      // Fast paths: an opaque pixel at full opacity replaces; anything over nothing keeps its colour.
      if (opacity === 1 && (srcAlpha === 255 || dstAlpha === 0)) {
        dst32[d >> 2] = src32[s >> 2];
        continue;
      }
      if (dstAlpha === 0) {
        const alpha = Math.round(srcAlpha * opacity);
        if (alpha === 0) continue;
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
        dst[d + 3] = alpha;
        continue;
      }
      const as = srcAlpha * scale;
      const a = as + dstAlpha * INV_255 * (1 - as);
      const ks = as / a;
      const kd = 1 - ks;
      // (v + 0.5) | 0 rounds these non-negative values like Math.round, several times faster.
      dst[d] = (src[s] * ks + dst[d] * kd + 0.5) | 0;
      dst[d + 1] = (src[s + 1] * ks + dst[d + 1] * kd + 0.5) | 0;
      dst[d + 2] = (src[s + 2] * ks + dst[d + 2] * kd + 0.5) | 0;
      dst[d + 3] = (a * 255 + 0.5) | 0;
    }
  }
}

const INV_255 = 1 / 255;

/** `data`, or a copy of it when its bytes do not start on a 4-byte boundary (a 32-bit view needs one). */
function aligned(data: Uint8ClampedArray): Uint8ClampedArray {
  return data.byteOffset % 4 === 0 ? data : new Uint8ClampedArray(data);
}
