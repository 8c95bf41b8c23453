import { TesseraError } from './errors.js';

/** 8-bit sRGB pixels with straight (not premultiplied) alpha, row-major RGBA. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The largest image we accept: 2^28 pixels is 1 GiB of RGBA, past what any host can hold. */
export const MAX_PIXELS = 2 ** 28;

/** Throws `invalid-input` unless width × height is a usable, non-empty image size. */
export function checkImageSize(width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new TesseraError('invalid-input', `The image is ${width}×${height}: it has no pixels to work on.`, {
      details: { width, height },
    });
  }
  if (width * height > MAX_PIXELS) {
    throw new TesseraError(
      'invalid-input',
      `The image is ${width}×${height} (${(width * height / 1e6).toFixed(0)} megapixels); Tessera works on at most ${MAX_PIXELS / 2 ** 20} megapixels. Scale it down or work on a selection.`,
      { details: { width, height, maxPixels: MAX_PIXELS } },
    );
  }
}

/** A new transparent image, or one wrapping `data` (which must hold width × height × 4 bytes). */
export function createImage(width: number, height: number, data?: Uint8ClampedArray): RgbaImage {
  checkImageSize(width, height);
  if (data && data.length !== width * height * 4) {
    throw new TesseraError('invalid-input', 'The pixel data does not match the image size.', {
      details: { width, height, bytes: data.length },
    });
  }
  return { width, height, data: data ?? new Uint8ClampedArray(width * height * 4) };
}

export function cloneImage(image: RgbaImage): RgbaImage {
  return { width: image.width, height: image.height, data: new Uint8ClampedArray(image.data) };
}

/** The part of `image` inside `rect`, clipped to the image; throws `empty-selection` if nothing is left. */
export function cropImage(image: RgbaImage, rect: Rect): RgbaImage {
  const clipped = intersectRect(rect, { x: 0, y: 0, width: image.width, height: image.height });
  if (!clipped) {
    throw new TesseraError('empty-selection', 'The selection does not cover any pixels of the layer.', {
      details: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
    });
  }
  const out = createImage(clipped.width, clipped.height);
  const rowBytes = clipped.width * 4;
  for (let y = 0; y < clipped.height; y++) {
    const from = ((clipped.y + y) * image.width + clipped.x) * 4;
    out.data.set(image.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return out;
}

/** A copy of `target` with `source` written over it at (x, y) (replacing, not blending); parts outside are dropped. */
export function pasteImage(target: RgbaImage, source: RgbaImage, x: number, y: number): RgbaImage {
  const out = cloneImage(target);
  const area = intersectRect({ x, y, width: source.width, height: source.height }, { x: 0, y: 0, width: target.width, height: target.height });
  if (!area) return out;
  const rowBytes = area.width * 4;
  for (let row = 0; row < area.height; row++) {
    const from = ((area.y - y + row) * source.width + (area.x - x)) * 4;
    out.data.set(source.data.subarray(from, from + rowBytes), ((area.y + row) * target.width + area.x) * 4);
  }
  return out;
}

export function intersectRect(a: Rect, b: Rect): Rect | null {
  const x0 = Math.max(a.x, b.x);
  const y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width);
  const y1 = Math.min(a.y + a.height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** True if every pixel is fully transparent. */
export function isFullyTransparent(image: RgbaImage): boolean {
  const d = image.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return false;
  return true;
}
