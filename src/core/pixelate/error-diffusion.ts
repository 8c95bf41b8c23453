import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import type { CellGrid } from './downscale.js';

/** [dx, dy, weight] with dx for left-to-right rows (mirrored on right-to-left rows). */
type Kernel = readonly (readonly [number, number, number])[];

/** Floyd & Steinberg 1976: 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right. */
export const FLOYD_STEINBERG: Kernel = [[1, 0, 7 / 16], [-1, 1, 3 / 16], [0, 1, 5 / 16], [1, 1, 1 / 16]];
/** Atkinson (Apple, 1984): 1/8 to six neighbours, so only 3/4 of the error travels and contrast rises. */
export const ATKINSON: Kernel = [[1, 0, 1 / 8], [2, 0, 1 / 8], [-1, 1, 1 / 8], [0, 1, 1 / 8], [1, 1, 1 / 8], [0, 2, 1 / 8]];

/** Cells of padding on each side of an error row, so taps past the left/right edge need no check. */
const PAD = 2;

interface DiffusionState {
  readonly grid: CellGrid;
  readonly opaque: Uint8Array;
  readonly allOpaque: boolean;
  readonly matcher: PaletteMatcher;
  readonly strength: number;
  readonly out: Int16Array;
  /** Ring of error rows, (width + 2·PAD) × 3 floats each. */
  readonly errors: readonly Float32Array[];
  /** Receives the error aimed below the last row, and is never read. */
  readonly spill: Float32Array;
  readonly kernel: Kernel;
  /** Per tap, the error row it writes into for the current row. */
  readonly targets: Float32Array[];
}

/**
 * Error diffusion in linear light with serpentine scanning. Transparent cells neither receive nor
 * pass on error, so a sprite's edge does not bleed into (or out of) its background.
 */
export function errorDiffusion(kernel: Kernel): (grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, strength: number) => Steps<Int16Array> {
  const rows = 1 + Math.max(...kernel.map((k) => k[1]));
  return function* ditherErrorDiffusion(grid, opaque, matcher, strength) {
    const rowLength = (grid.width + 2 * PAD) * 3;
    const state: DiffusionState = {
      grid,
      opaque,
      allOpaque: opaque.every((v) => v === 1),
      matcher,
      strength,
      out: new Int16Array(grid.width * grid.height).fill(-1),
      errors: Array.from({ length: rows }, () => new Float32Array(rowLength)),
      spill: new Float32Array(rowLength),
      kernel,
      targets: kernel.map(() => new Float32Array(0)),
    };
    for (let y = 0; y < grid.height; y++) {
      for (let t = 0; t < kernel.length; t++) {
        const ty = y + kernel[t][1];
        state.targets[t] = ty < grid.height ? state.errors[ty % rows] : state.spill;
      }
      diffuseRow(state, y);
      state.errors[y % rows].fill(0); // done; this buffer comes back as row y + rows
      yield { stage: 'dither', fraction: (y + 1) / grid.height };
    }
    return state.out;
  };
}

/** One row; a plain function (not the generator) so the engine can optimise the hot loop. */
function diffuseRow(s: DiffusionState, y: number): void {
  const { width, linear } = s.grid;
  const { opaque, allOpaque, out, matcher, strength, kernel, targets } = s;
  const pal = matcher.linear;
  const err = s.errors[y % s.errors.length];
  const dir = (y & 1) === 0 ? 1 : -1;
  const taps = kernel.length;
  for (let step = 0; step < width; step++) {
    const x = dir === 1 ? step : width - 1 - step;
    const i = y * width + x;
    if (opaque[i] === 0) continue;
    const e = (x + PAD) * 3;
    const r = clamp01(linear[i * 3] + err[e]);
    const g = clamp01(linear[i * 3 + 1] + err[e + 1]);
    const b = clamp01(linear[i * 3 + 2] + err[e + 2]);
    const idx = matcher.nearestLinear(r, g, b);
    out[i] = idx;
    const er = (r - pal[idx * 3]) * strength;
    const eg = (g - pal[idx * 3 + 1]) * strength;
    const eb = (b - pal[idx * 3 + 2]) * strength;
    for (let t = 0; t < taps; t++) {
      const tap = kernel[t];
      const nx = x + tap[0] * dir;
      if (!allOpaque && nx >= 0 && nx < width && y + tap[1] < s.grid.height && opaque[(y + tap[1]) * width + nx] === 0) continue;
      const w = tap[2];
      const target = targets[t];
      const q = (nx + PAD) * 3;
      target[q] += er * w;
      target[q + 1] += eg * w;
      target[q + 2] += eb * w;
    }
  }
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
