import { SRGB_TO_LINEAR, linearToOklab, oklabToLinear, type Vec3 } from '../color.js';
import type { RgbaImage } from '../image.js';
import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import { resampleLinear } from '../resize.js';
import { cellBoundaries } from './cells.js';
import type { DownscaleMethod } from './options.js';

/** The source reduced to one colour per cell, before palette mapping. */
export interface CellGrid {
  readonly width: number;
  readonly height: number;
  /** Linear-light r, g, b per cell (straight, not premultiplied); meaningless where coverage is 0. */
  readonly linear: Float32Array;
  /** Share of the cell covered by the picture, 0..1 (mean alpha). */
  readonly coverage: Float32Array;
  /** Palette index per cell when the downscaler already picked palette colours (`dominant`), else null. */
  readonly indices: Int16Array | null;
}

export type Downscaler = (src: RgbaImage, width: number, height: number, matcher: PaletteMatcher) => Steps<CellGrid>;

export const DOWNSCALERS: Record<DownscaleMethod, Downscaler> = {
  area: downscaleArea,
  dominant: downscaleDominant,
  kcentroid: downscaleKCentroid,
};

/** Mean of each cell in linear light, weighted by alpha. */
function* downscaleArea(src: RgbaImage, width: number, height: number): Steps<CellGrid> {
  yield { stage: 'downscale', fraction: 0 };
  const linear = new Float32Array(width * height * 3);
  const coverage = new Float32Array(width * height);
  if (width === src.width && height === src.height) linearizeInto(src.data, linear, coverage);
  else unpremultiplyInto(resampleLinear(src, width, height, 'area'), linear, coverage);
  yield { stage: 'downscale', fraction: 1 };
  return { width, height, linear, coverage, indices: null };
}

/** One pixel per cell: no averaging, just leave sRGB (into `linear`, `coverage`). */
function linearizeInto(d: Uint8ClampedArray, linear: Float32Array, coverage: Float32Array): void {
  for (let i = 0, n = coverage.length; i < n; i++) {
    linear[i * 3] = SRGB_TO_LINEAR[d[i * 4]];
    linear[i * 3 + 1] = SRGB_TO_LINEAR[d[i * 4 + 1]];
    linear[i * 3 + 2] = SRGB_TO_LINEAR[d[i * 4 + 2]];
    coverage[i] = d[i * 4 + 3] / 255;
  }
}

function unpremultiplyInto(premultiplied: Float32Array, linear: Float32Array, coverage: Float32Array): void {
  for (let i = 0, n = coverage.length; i < n; i++) {
    const a = premultiplied[i * 4 + 3];
    coverage[i] = Math.min(1, a);
    if (a <= 1e-6) continue;
    linear[i * 3] = premultiplied[i * 4] / a;
    linear[i * 3 + 1] = premultiplied[i * 4 + 1] / a;
    linear[i * 3 + 2] = premultiplied[i * 4 + 2] / a;
  }
}

/** The palette colour most of the cell's pixels map to (weighted by alpha); never invents a colour. */
function* downscaleDominant(src: RgbaImage, width: number, height: number, matcher: PaletteMatcher): Steps<CellGrid> {
  const grid = { width, height, linear: new Float32Array(width * height * 3), coverage: new Float32Array(width * height), indices: new Int16Array(width * height).fill(-1) };
  const xb = cellBoundaries(src.width, width), yb = cellBoundaries(src.height, height);
  const votes = new Float32Array(matcher.size);
  for (let cy = 0; cy < height; cy++) {
    dominantRow(src, grid, cy, xb, yb, matcher, votes);
    yield { stage: 'downscale', fraction: (cy + 1) / height };
  }
  return grid;
}

function dominantRow(src: RgbaImage, grid: CellGrid & { indices: Int16Array }, cy: number, xb: Int32Array, yb: Int32Array, matcher: PaletteMatcher, votes: Float32Array): void {
  const d = src.data;
  for (let cx = 0; cx < grid.width; cx++) {
    votes.fill(0);
    let alphaSum = 0;
    for (let y = yb[cy]; y < yb[cy + 1]; y++) {
      for (let x = xb[cx], i = (y * src.width + x) * 4; x < xb[cx + 1]; x++, i += 4) {
        const a = d[i + 3];
        if (a === 0) continue;
        alphaSum += a;
        votes[matcher.nearestSrgb8(d[i], d[i + 1], d[i + 2])] += a;
      }
    }
    const cell = cy * grid.width + cx;
    grid.coverage[cell] = alphaSum / 255 / ((xb[cx + 1] - xb[cx]) * (yb[cy + 1] - yb[cy]));
    if (alphaSum === 0) continue;
    let best = 0;
    for (let p = 1; p < votes.length; p++) if (votes[p] > votes[best]) best = p;
    grid.indices[cell] = best;
    grid.linear.set(matcher.linear.subarray(best * 3, best * 3 + 3), cell * 3);
  }
}

const KCENTROID_ITERATIONS = 6;

/**
 * K-Centroid (Astropulse's sd-palettize): split each cell's pixels into two clusters (2-means in
 * OKLab) and keep the larger cluster's centre, so a thin dark outline that dominates a cell
 * survives instead of being averaged into mud.
 */
function* downscaleKCentroid(src: RgbaImage, width: number, height: number): Steps<CellGrid> {
  const grid = { width, height, linear: new Float32Array(width * height * 3), coverage: new Float32Array(width * height), indices: null };
  const xb = cellBoundaries(src.width, width), yb = cellBoundaries(src.height, height);
  const maxCellPixels = maxSpan(xb) * maxSpan(yb);
  const scratch = { lab: new Float32Array(maxCellPixels * 3), weight: new Float32Array(maxCellPixels) };
  for (let cy = 0; cy < height; cy++) {
    kCentroidRow(src, grid, cy, xb, yb, scratch);
    yield { stage: 'downscale', fraction: (cy + 1) / height };
  }
  return grid;
}

function kCentroidRow(src: RgbaImage, grid: CellGrid, cy: number, xb: Int32Array, yb: Int32Array, scratch: { lab: Float32Array; weight: Float32Array }): void {
  const { lab, weight } = scratch;
  const tmp: Vec3 = [0, 0, 0];
  const d = src.data;
  for (let cx = 0; cx < grid.width; cx++) {
    let n = 0, alphaSum = 0;
    for (let y = yb[cy]; y < yb[cy + 1]; y++) {
      for (let x = xb[cx], i = (y * src.width + x) * 4; x < xb[cx + 1]; x++, i += 4) {
        const a = d[i + 3];
        if (a === 0) continue;
        alphaSum += a;
        linearToOklab(SRGB_TO_LINEAR[d[i]], SRGB_TO_LINEAR[d[i + 1]], SRGB_TO_LINEAR[d[i + 2]], tmp);
        lab[n * 3] = tmp[0];
        lab[n * 3 + 1] = tmp[1];
        lab[n * 3 + 2] = tmp[2];
        weight[n++] = a;
      }
    }
    const cell = cy * grid.width + cx;
    grid.coverage[cell] = alphaSum / 255 / ((xb[cx + 1] - xb[cx]) * (yb[cy + 1] - yb[cy]));
    if (n === 0) continue;
    const centre = largerClusterCentre(lab, weight, n);
    oklabToLinear(centre[0], centre[1], centre[2], tmp);
    grid.linear[cell * 3] = clamp01(tmp[0]);
    grid.linear[cell * 3 + 1] = clamp01(tmp[1]);
    grid.linear[cell * 3 + 2] = clamp01(tmp[2]);
  }
}

function largerClusterCentre(lab: Float32Array, weight: Float32Array, n: number): Vec3 {
  // Seeds: the point farthest from the first pixel, then the point farthest from that one.
  const a = farthestFrom(lab, n, lab[0], lab[1], lab[2]);
  const b = farthestFrom(lab, n, lab[a * 3], lab[a * 3 + 1], lab[a * 3 + 2]);
  const c: [Vec3, Vec3] = [
    [lab[a * 3], lab[a * 3 + 1], lab[a * 3 + 2]],
    [lab[b * 3], lab[b * 3 + 1], lab[b * 3 + 2]],
  ];
  const w = [0, 0];
  for (let iter = 0; iter < KCENTROID_ITERATIONS; iter++) {
    const sum = [0, 0, 0, 0, 0, 0];
    w[0] = w[1] = 0;
    for (let i = 0; i < n; i++) {
      const d0 = dist2(lab, i, c[0]), d1 = dist2(lab, i, c[1]);
      const k = d1 < d0 ? 1 : 0;
      w[k] += weight[i];
      sum[k * 3] += lab[i * 3] * weight[i];
      sum[k * 3 + 1] += lab[i * 3 + 1] * weight[i];
      sum[k * 3 + 2] += lab[i * 3 + 2] * weight[i];
    }
    for (let k = 0; k < 2; k++) if (w[k] > 0) c[k] = [sum[k * 3] / w[k], sum[k * 3 + 1] / w[k], sum[k * 3 + 2] / w[k]];
  }
  return w[1] > w[0] ? c[1] : c[0];
}

function farthestFrom(lab: Float32Array, n: number, L: number, a: number, b: number): number {
  let best = 0, bestD = -1;
  for (let i = 0; i < n; i++) {
    const d = dist2(lab, i, [L, a, b]);
    if (d > bestD) { bestD = d; best = i; }
  }
  return best;
}

function dist2(lab: Float32Array, i: number, c: Vec3): number {
  const dL = lab[i * 3] - c[0], da = lab[i * 3 + 1] - c[1], db = lab[i * 3 + 2] - c[2];
  return dL * dL + da * da + db * db;
}

function maxSpan(b: Int32Array): number {
  let m = 0;
  for (let i = 1; i < b.length; i++) m = Math.max(m, b[i] - b[i - 1]);
  return m;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
