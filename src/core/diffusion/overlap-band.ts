import type { PatchWindow } from './latent-window.js';

/**
 * Pixelsmith's write-back (algorithms.md §2.5 step 8, `create_gradient_border`): a patch's fresh
 * pixels take the new value; the already-stepped pixels within `band` pixels of a fresh one
 * (Chebyshev distance, inside the patch) take the average of the new and the existing value, which
 * hides the seam between patches; the rest keep the existing value. Pixelsmith blurs the fresh
 * mask with a (2·band + 1)² box and reflect padding and tests "== 1", "== 0", "in between"; that
 * is exactly "fresh", "no fresh pixel in the box" and the rest, since reflection only re-counts
 * pixels already inside the clipped box. A summed-area table over the window keeps it O(patch).
 */
export const WRITE_KEEP = 0;
export const WRITE_AVERAGE = 1;
export const WRITE_NEW = 2;

/** Pixelsmith's band is 10 latent pixels for its 128-pixel patches; keep that share for other sizes. */
export function defaultBandWidth(patchSize: number): number {
  return Math.round((10 * patchSize) / 128);
}

/**
 * `out[i]` ← WRITE_NEW, WRITE_AVERAGE or WRITE_KEEP for each pixel of a height × width window whose
 * fresh mask is `fresh`. `table` is scratch of at least (height + 1)·(width + 1) values.
 */
export function writeBackCodesInto(
  out: Uint8Array,
  fresh: Uint8Array,
  height: number,
  width: number,
  band: number,
  table: Int32Array = new Int32Array((height + 1) * (width + 1)),
): void {
  const stride = width + 1;
  for (let x = 0; x <= width; x++) table[x] = 0;
  for (let y = 0; y < height; y++) {
    let rowSum = 0;
    table[(y + 1) * stride] = 0;
    for (let x = 0; x < width; x++) {
      rowSum += fresh[y * width + x];
      table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + rowSum;
    }
  }
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - band), y1 = Math.min(height, y + band + 1);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (fresh[i] === 1) {
        out[i] = WRITE_NEW;
        continue;
      }
      const x0 = Math.max(0, x - band), x1 = Math.min(width, x + band + 1);
      const near = table[y1 * stride + x1] - table[y0 * stride + x1] - table[y1 * stride + x0] + table[y0 * stride + x0];
      out[i] = band > 0 && near > 0 ? WRITE_AVERAGE : WRITE_KEEP;
    }
  }
}

/** Writes a channels × window patch back into the channels × height × width latent by `codes`. */
export function writeBackInto(
  latent: Float32Array,
  channels: number,
  height: number,
  width: number,
  box: PatchWindow,
  patch: Float32Array,
  codes: Uint8Array,
): void {
  const wh = box.height, ww = box.width, plane = height * width;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < wh; y++) {
      const row = c * plane + (box.top + y) * width + box.left, o = (c * wh + y) * ww, m = y * ww;
      for (let x = 0; x < ww; x++) {
        const code = codes[m + x];
        if (code === WRITE_NEW) latent[row + x] = patch[o + x];
        else if (code === WRITE_AVERAGE) latent[row + x] = (patch[o + x] + latent[row + x]) / 2;
      }
    }
  }
}
