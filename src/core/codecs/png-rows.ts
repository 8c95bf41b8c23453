import type { RgbaImage } from '../image.js';

/**
 * PNG scanlines for a streaming encoder: each row of a band as PNG stores it before deflate, one
 * filter-type byte then the filtered bytes (PNG spec §9). The filter is chosen per row by the
 * spec's suggested heuristic, the smallest sum of absolute differences as signed bytes, among
 * None, Sub, Up and Paeth (Average rarely wins on photos and pixel art; leaving it out saves a
 * fifth of the time). Rows are RGBA (4 channels) or RGB (3: the alpha dropped, for opaque images).
 */
export interface PngRowFilter {
  /** `band`'s rows as filtered scanlines, continuing from the rows given before. */
  filterBand(band: RgbaImage): Uint8Array;
}

export function createPngRowFilter(width: number, channels: 3 | 4): PngRowFilter {
  const stride = width * channels;
  let previous = new Uint8Array(stride); // the row above the first is all zeros (spec §9.2)
  let current = new Uint8Array(stride);
  const candidates = [0, 1, 2, 4].map((type) => ({ type, bytes: new Uint8Array(stride) }));
  return {
    filterBand(band) {
      if (band.width !== width) throw new Error(`png rows: a band of width ${band.width} for an image of width ${width}`);
      const out = new Uint8Array(band.height * (stride + 1));
      for (let y = 0; y < band.height; y++) {
        packRow(current, band.data, y * width * 4, width, channels);
        let best = candidates[0], bestCost = Infinity;
        for (const c of candidates) {
          const cost = filterRow(c.type, c.bytes, current, previous, channels, bestCost);
          if (cost < bestCost) (bestCost = cost), (best = c);
        }
        out[y * (stride + 1)] = best.type;
        out.set(best.bytes, y * (stride + 1) + 1);
        [previous, current] = [current, previous];
      }
      return out;
    },
  };
}

function packRow(into: Uint8Array, rgba: Uint8ClampedArray, offset: number, width: number, channels: 3 | 4): void {
  if (channels === 4) {
    into.set(rgba.subarray(offset, offset + width * 4));
    return;
  }
  for (let x = 0, i = offset, o = 0; x < width; x++, i += 4, o += 3) {
    into[o] = rgba[i];
    into[o + 1] = rgba[i + 1];
    into[o + 2] = rgba[i + 2];
  }
}

/**
 * Filters `row` into `out` with filter `type` and returns Σ|signed byte|; stops counting (and
 * returns early) once the sum passes `limit`, since that filter has lost already — its bytes
 * are then incomplete and unused.
 */
function filterRow(type: number, out: Uint8Array, row: Uint8Array, above: Uint8Array, bpp: number, limit: number): number {
  const n = row.length;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const a = i >= bpp ? row[i - bpp] : 0, b = above[i], c = i >= bpp ? above[i - bpp] : 0;
    const predictor = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : paeth(a, b, c);
    const v = (row[i] - predictor) & 0xff;
    out[i] = v;
    cost += v < 128 ? v : 256 - v;
    if (cost >= limit) return cost;
  }
  return cost;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
