/**
 * Rectangular windows of planar (NCHW, batch 1) float tensors: copying a window out and back, and
 * reflection padding for models that only take a fixed size. Plain loops over typed arrays, one
 * row at a time, because these run once per patch or tile on images of up to 1024² latents.
 */

/** A rectangle in tensor pixels (latent pixels for latents, image pixels for images). */
export interface PatchWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** `out` ← the window of a channels × height × width tensor, as channels × box.height × box.width. */
export function readWindowInto(
  out: Float32Array,
  source: Float32Array,
  channels: number,
  height: number,
  width: number,
  box: PatchWindow,
): void {
  const plane = height * width, wh = box.height, ww = box.width;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < wh; y++) {
      const from = c * plane + (box.top + y) * width + box.left;
      out.set(source.subarray(from, from + ww), (c * wh + y) * ww);
    }
  }
}

/**
 * Mirror index for reflection padding without repeating the edge ("reflect" in numpy/torch),
 * continued periodically so a pad wider than the signal still lands inside it: for n = 3,
 * … 2 1 [0 1 2] 1 0 1 2 …
 */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * A channels × height × width tensor placed at (offsetY, offsetX) inside a larger
 * channels × toHeight × toWidth one, the border filled by reflection. Returns a new buffer.
 */
export function padReflect(
  source: Float32Array,
  channels: number,
  height: number,
  width: number,
  toHeight: number,
  toWidth: number,
  offsetY: number,
  offsetX: number,
): Float32Array {
  const out = new Float32Array(channels * toHeight * toWidth);
  const columns = new Int32Array(toWidth);
  for (let x = 0; x < toWidth; x++) columns[x] = reflectIndex(x - offsetX, width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < toHeight; y++) {
      const row = c * height * width + reflectIndex(y - offsetY, height) * width;
      const o = (c * toHeight + y) * toWidth;
      for (let x = 0; x < toWidth; x++) out[o + x] = source[row + columns[x]];
    }
  }
  return out;
}

/** The block `box` of a channels × fromHeight × fromWidth tensor, as a new buffer (undoes padReflect with the same placement). */
export function cropPlanes(
  source: Float32Array,
  channels: number,
  fromHeight: number,
  fromWidth: number,
  box: PatchWindow,
): Float32Array {
  const out = new Float32Array(channels * box.height * box.width);
  readWindowInto(out, source, channels, fromHeight, fromWidth, box);
  return out;
}

/** Where a smaller block sits when centred in a larger one, rounded down to a multiple of `align`. */
export function centredOffset(inner: number, outer: number, align = 1): number {
  return Math.floor((outer - inner) / (2 * align)) * align;
}
