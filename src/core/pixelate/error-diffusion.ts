import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import type { CellGrid } from './downscale.js';

/** [dx, dy, weight] with dx for left-to-right rows (mirrored on right-to-left rows). */
type Kernel = readonly (readonly [number, number, number])[];

/** Floyd & Steinberg 1976: 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right. */
export const FLOYD_STEINBERG: Kernel = [[1, 0, 7 / 16], [-1, 1, 3 / 16], [0, 1, 5 / 16], [1, 1, 1 / 16]];
/** Atkinson (Apple, 1984): 1/8 to six neighbours, so only 3/4 of the error travels and contrast rises. */
export const ATKINSON: Kernel = [[1, 0, 1 / 8], [2, 0, 1 / 8], [-1, 1, 1 / 8], [0, 1, 1 / 8], [1, 1, 1 / 8], [0, 2, 1 / 8]];

interface DiffusionState {
  readonly grid: CellGrid;
  readonly opaque: Uint8Array;
  readonly matcher: PaletteMatcher;
  readonly strength: number;
  readonly out: Int16Array;
  /** Ring of error rows, (width + 4) × 3 floats each with 2 cells of padding per side so taps need no x bounds check. */
  readonly errors: readonly Float32Array[];
  readonly dx: Int32Array;
  readonly dy: Int32Array;
  readonly weight: Float32Array;
}

/**
 * Error diffusion in linear light with serpentine scanning. Transparent cells neither receive nor
 * pass on error, so a sprite's edge does not bleed into (or out of) its background.
 */
export function errorDiffusion(kernel: Kernel): (grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, strength: number) => Steps<Int16Array> {
  const rows = 1 + Math.max(...kernel.map((k) => k[1]));
  return function* ditherErrorDiffusion(grid, opaque, matcher, strength) {
    const state: DiffusionState = {
      grid,
      opaque,
      matcher,
      strength,
      out: new Int16Array(grid.width * grid.height).fill(-1),
      errors: Array.from({ length: rows }, () => new Float32Array((grid.width + 4) * 3)),
      dx: Int32Array.from(kernel, (k) => k[0]),
      dy: Int32Array.from(kernel, (k) => k[1]),
      weight: Float32Array.from(kernel, (k) => k[2]),
    };
    for (let y = 0; y < grid.height; y++) {
      diffuseRow(state, y);
      yield { stage: 'dither', fraction: (y + 1) / grid.height };
    }
    return state.out;
  };
}

/** One row; a plain function (not the generator) so the engine can optimise the hot loop. */
function diffuseRow(s: DiffusionState, y: number): void {
  const { width, height, linear } = s.grid;
  const { opaque, out, errors, dx, dy, weight, matcher, strength } = s;
  const pal = matcher.linear;
  const rows = errors.length;
  const err = errors[y % rows];
  const taps = dx.length;
  const dir = (y & 1) === 0 ? 1 : -1;
  for (let step = 0; step < width; step++) {
    const x = dir === 1 ? step : width - 1 - step;
    const i = y * width + x;
    if (opaque[i] === 0) continue;
    const e = (x + 2) * 3;
    const r = clamp01(linear[i * 3] + err[e]);
    const g = clamp01(linear[i * 3 + 1] + err[e + 1]);
    const b = clamp01(linear[i * 3 + 2] + err[e + 2]);
    const idx = matcher.nearestLinear(r, g, b);
    out[i] = idx;
    const er = (r - pal[idx * 3]) * strength;
    const eg = (g - pal[idx * 3 + 1]) * strength;
    const eb = (b - pal[idx * 3 + 2]) * strength;
    for (let t = 0; t < taps; t++) {
      const nx = x + dx[t] * dir;
      const ny = y + dy[t];
      // Padding absorbs taps past the left/right edge; below the last row, nothing receives.
      if (ny >= height || (nx >= 0 && nx < width && opaque[ny * width + nx] === 0)) continue;
      const target = errors[ny % rows];
      const w = weight[t];
      const q = (nx + 2) * 3;
      target[q] += er * w;
      target[q + 1] += eg * w;
      target[q + 2] += eb * w;
    }
  }
  err.fill(0); // this row is done; the buffer comes back as row y + rows
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
