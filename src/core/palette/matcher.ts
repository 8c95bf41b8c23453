import { SRGB_TO_LINEAR, linearToOklab, linearToSrgb8, type Vec3 } from '../color.js';
import { paletteSize, type Palette } from './palette.js';

/**
 * Nearest palette colour in OKLab, exact for every 8-bit colour.
 *
 * Speed comes from a table over the sRGB cube in cells of 8×8×8 codes, filled lazily: for each
 * cell it keeps the palette entries that can be nearest to some colour in the cell (a
 * conservative bound from the cell's extent in OKLab). Most cells have one candidate, so most
 * lookups need no colour conversion at all; the rest search a short list. Error diffusion on a
 * photo asks about hundreds of thousands of distinct colours, where a plain colour cache thrashes.
 */
export interface PaletteMatcher {
  readonly palette: Palette;
  readonly size: number;
  /** L, a, b per entry. */
  readonly oklab: Float32Array;
  /** Linear-light r, g, b per entry. */
  readonly linear: Float32Array;
  nearestOklab(L: number, a: number, b: number): number;
  nearestSrgb8(r: number, g: number, b: number): number;
  /** Linear 0..1 values; rounded to the nearest 8-bit colour before the search. */
  nearestLinear(r: number, g: number, b: number): number;
}

const CELL_SHIFT = 3; // 8 codes per cell side → 32³ cells
const CELLS_PER_SIDE = 256 >> CELL_SHIFT;
const CACHE_BITS = 16;
/** Headroom on the cell's OKLab radius: the sRGB → OKLab map bends a little inside a cell. */
const RADIUS_MARGIN = 1.25;
/** Below this LMS response the cube root is too steep for the radius bound; such cells search everything. */
const STEEP_LMS = 0.002;

export function createPaletteMatcher(palette: Palette): PaletteMatcher {
  const size = paletteSize(palette);
  const oklab = new Float32Array(size * 3);
  const linear = new Float32Array(size * 3);
  const lab: Vec3 = [0, 0, 0];
  for (let i = 0; i < size; i++) {
    const r = SRGB_TO_LINEAR[palette.rgb[i * 3]], g = SRGB_TO_LINEAR[palette.rgb[i * 3 + 1]], b = SRGB_TO_LINEAR[palette.rgb[i * 3 + 2]];
    linear.set([r, g, b], i * 3);
    linearToOklab(r, g, b, lab);
    oklab.set(lab, i * 3);
  }

  const nearestOklab = (L: number, a: number, b: number): number => {
    let best = 0, bestD = Infinity;
    for (let i = 0, j = 0; i < size; i++, j += 3) {
      const dL = L - oklab[j], da = a - oklab[j + 1], db = b - oklab[j + 2];
      const d = dL * dL + da * da + db * db;
      if (d < bestD) { bestD = d; best = i; } // strict: ties go to the lower index
    }
    return best;
  };

  // cellStart[k] = -1 until cell k is first asked about; then its candidates are
  // candidates[cellStart[k] .. cellStart[k] + cellCount[k]), in palette order.
  const cellStart = new Int32Array(CELLS_PER_SIDE ** 3).fill(-1);
  const cellCount = new Uint16Array(CELLS_PER_SIDE ** 3);
  let candidates = new Uint8Array(4096);
  let used = 0;
  const distances = new Float64Array(size);

  const scratch: Vec3 = [0, 0, 0];
  const fillCell = (k: number, cr: number, cg: number, cb: number): void => {
    if (used + size > candidates.length) {
      const grown = new Uint8Array(candidates.length * 2 + size);
      grown.set(candidates);
      candidates = grown;
    }
    cellStart[k] = used;
    cellCount[k] = fillCandidates(cr, cg, cb, oklab, size, distances, scratch, candidates, used);
    used += cellCount[k];
  };

  // Boundary cells need the OKLab search; a direct-mapped cache of exact 8-bit colours (keys
  // stored +1 so 0 means empty) spares repeating it for colours seen before.
  const cacheKeys = new Int32Array(1 << CACHE_BITS);
  const cacheValues = new Uint8Array(1 << CACHE_BITS);
  const nearestSrgb8 = (r: number, g: number, b: number): number => {
    const cr = r >> CELL_SHIFT, cg = g >> CELL_SHIFT, cb = b >> CELL_SHIFT;
    const k = (cr * CELLS_PER_SIDE + cg) * CELLS_PER_SIDE + cb;
    if (cellStart[k] < 0) fillCell(k, cr, cg, cb);
    const start = cellStart[k], count = cellCount[k];
    if (count === 1) return candidates[start];
    const key = (r << 16) | (g << 8) | b;
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
    if (cacheKeys[slot] === key + 1) return cacheValues[slot];
    linearToOklab(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b], lab);
    let best = candidates[start], bestD = Infinity;
    for (let n = start, end = start + count; n < end; n++) {
      const j = candidates[n] * 3;
      const dL = lab[0] - oklab[j], da = lab[1] - oklab[j + 1], db = lab[2] - oklab[j + 2];
      const d = dL * dL + da * da + db * db;
      if (d < bestD) { bestD = d; best = candidates[n]; } // candidates are in index order: ties keep the lower
    }
    cacheKeys[slot] = key + 1;
    cacheValues[slot] = best;
    return best;
  };

  return {
    palette,
    size,
    oklab,
    linear,
    nearestOklab,
    nearestSrgb8,
    nearestLinear: (r, g, b) => nearestSrgb8(linearToSrgb8(r), linearToSrgb8(g), linearToSrgb8(b)),
  };
}

/**
 * Writes into `out` (from `at`) the palette entries that may be nearest to some colour of the
 * cell, and returns how many. With c a colour inside the cell and R a bound on how far the
 * cell's colours lie from c in OKLab, entry j can win only if d(c, j) ≤ min_i d(c, i) + 2R
 * (triangle inequality). R comes from the 8 corners with a margin for the map's curvature; near
 * black, where the cube root is too steep for that, every entry stays a candidate.
 * Allocation-free: a photo can touch most of the 32,768 cells.
 */
function fillCandidates(
  cr: number, cg: number, cb: number,
  oklab: Float32Array, size: number, distances: Float64Array, p: Vec3, out: Uint8Array, at: number,
): number {
  const lin = SRGB_TO_LINEAR, step = (1 << CELL_SHIFT) - 1;
  const r0 = cr << CELL_SHIFT, g0 = cg << CELL_SHIFT, b0 = cb << CELL_SHIFT;
  let n = 0;
  const lmsMin = Math.min(
    0.4122214708 * lin[r0] + 0.5363325363 * lin[g0] + 0.0514459929 * lin[b0],
    0.2119034982 * lin[r0] + 0.6806995451 * lin[g0] + 0.1073969566 * lin[b0],
    0.0883024619 * lin[r0] + 0.2817188376 * lin[g0] + 0.6299787005 * lin[b0],
  );
  if (lmsMin < STEEP_LMS) {
    for (let i = 0; i < size; i++) out[at + n++] = i;
    return n;
  }
  const half = 1 << (CELL_SHIFT - 1);
  linearToOklab(lin[r0 + half], lin[g0 + half], lin[b0 + half], p);
  const cL = p[0], ca = p[1], cb2 = p[2];
  let radius = 0;
  for (let corner = 0; corner < 8; corner++) {
    linearToOklab(lin[r0 + (corner & 1 ? step : 0)], lin[g0 + (corner & 2 ? step : 0)], lin[b0 + (corner & 4 ? step : 0)], p);
    const dL = p[0] - cL, da = p[1] - ca, db = p[2] - cb2;
    radius = Math.max(radius, dL * dL + da * da + db * db);
  }
  radius = Math.sqrt(radius) * RADIUS_MARGIN + 1e-6;
  let nearest = Infinity;
  for (let i = 0; i < size; i++) {
    const dL = cL - oklab[i * 3], da = ca - oklab[i * 3 + 1], db = cb2 - oklab[i * 3 + 2];
    distances[i] = Math.sqrt(dL * dL + da * da + db * db);
    if (distances[i] < nearest) nearest = distances[i];
  }
  const limit = nearest + 2 * radius;
  for (let i = 0; i < size; i++) if (distances[i] <= limit) out[at + n++] = i;
  return n;
}
