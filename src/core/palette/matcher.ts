import { SRGB_TO_LINEAR, linearToOklab, linearToSrgb8, srgbToLinear, type Vec3 } from '../color.js';
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

  const fillCell = (k: number, cr: number, cg: number, cb: number): void => {
    const list = cellCandidates(cr, cg, cb, oklab, size, distances);
    if (used + list.length > candidates.length) {
      const grown = new Uint8Array(Math.max(candidates.length * 2, used + list.length));
      grown.set(candidates);
      candidates = grown;
    }
    cellStart[k] = used;
    cellCount[k] = list.length;
    for (const c of list) candidates[used++] = c;
  };

  const nearestSrgb8 = (r: number, g: number, b: number): number => {
    const cr = r >> CELL_SHIFT, cg = g >> CELL_SHIFT, cb = b >> CELL_SHIFT;
    const k = (cr * CELLS_PER_SIDE + cg) * CELLS_PER_SIDE + cb;
    if (cellStart[k] < 0) fillCell(k, cr, cg, cb);
    const start = cellStart[k], count = cellCount[k];
    if (count === 1) return candidates[start];
    linearToOklab(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b], lab);
    let best = candidates[start], bestD = Infinity;
    for (let n = start, end = start + count; n < end; n++) {
      const j = candidates[n] * 3;
      const dL = lab[0] - oklab[j], da = lab[1] - oklab[j + 1], db = lab[2] - oklab[j + 2];
      const d = dL * dL + da * da + db * db;
      if (d < bestD) { bestD = d; best = candidates[n]; } // candidates are in index order: ties keep the lower
    }
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
 * Palette entries that may be nearest to some colour of the cell: with c the cell's centre in
 * OKLab and R a bound on how far the cell's colours lie from c, entry j can win only if
 * d(c, j) ≤ min_i d(c, i) + 2R (triangle inequality).
 */
function cellCandidates(cr: number, cg: number, cb: number, oklab: Float32Array, size: number, distances: Float64Array): number[] {
  const lo = [cr << CELL_SHIFT, cg << CELL_SHIFT, cb << CELL_SHIFT];
  const hi = lo.map((v) => v + (1 << CELL_SHIFT) - 1);
  const all = () => Array.from({ length: size }, (_, i) => i);
  const minLinear = lo.map((v) => srgbToLinear(v / 255));
  if (Math.min(...lmsOf(minLinear)) < STEEP_LMS) return all();

  const centre = linearToOklab(...(lo.map((v, i) => srgbToLinear((v + hi[i]) / 2 / 255)) as Vec3));
  let radius = 0;
  const point: Vec3 = [0, 0, 0];
  // The cell's corners and edge midpoints: where its image in OKLab reaches furthest.
  for (const fr of [0, 0.5, 1]) for (const fg of [0, 0.5, 1]) for (const fb of [0, 0.5, 1]) {
    linearToOklab(
      srgbToLinear((lo[0] + fr * (hi[0] - lo[0])) / 255),
      srgbToLinear((lo[1] + fg * (hi[1] - lo[1])) / 255),
      srgbToLinear((lo[2] + fb * (hi[2] - lo[2])) / 255),
      point,
    );
    radius = Math.max(radius, Math.hypot(point[0] - centre[0], point[1] - centre[1], point[2] - centre[2]));
  }
  radius = radius * RADIUS_MARGIN + 1e-6;

  let nearest = Infinity;
  for (let i = 0; i < size; i++) {
    distances[i] = Math.hypot(centre[0] - oklab[i * 3], centre[1] - oklab[i * 3 + 1], centre[2] - oklab[i * 3 + 2]);
    nearest = Math.min(nearest, distances[i]);
  }
  const out: number[] = [];
  for (let i = 0; i < size; i++) if (distances[i] <= nearest + 2 * radius) out.push(i);
  return out;
}

function lmsOf([r, g, b]: number[]): number[] {
  return [
    0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
    0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
    0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b,
  ];
}
