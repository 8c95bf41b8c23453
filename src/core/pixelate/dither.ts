import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import type { CellGrid } from './downscale.js';
import { ATKINSON, FLOYD_STEINBERG, errorDiffusion } from './error-diffusion.js';
import type { DitherMethod } from './options.js';
import { orderedDither } from './ordered-dither.js';

/**
 * Maps each opaque cell of the grid to a palette index (-1 for transparent cells). `strength`
 * 0..1 scales how far the dithering goes.
 */
export type Ditherer = (grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, strength: number) => Steps<Int16Array>;

export const DITHERERS: Record<DitherMethod, Ditherer> = {
  none: mapNearest,
  bayer2: orderedDither(2),
  bayer4: orderedDither(4),
  bayer8: orderedDither(8),
  'floyd-steinberg': errorDiffusion(FLOYD_STEINBERG),
  atkinson: errorDiffusion(ATKINSON),
};

/** Plain nearest colour in OKLab; keeps the indices a `dominant` downscale already chose. */
function* mapNearest(grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher): Steps<Int16Array> {
  const out = new Int16Array(grid.width * grid.height).fill(-1);
  const rowsPerStep = Math.max(1, Math.ceil(65536 / grid.width));
  for (let y = 0; y < grid.height; y += rowsPerStep) {
    const end = Math.min(grid.height, y + rowsPerStep);
    mapNearestRows(grid, opaque, matcher, out, y * grid.width, end * grid.width);
    yield { stage: 'map', fraction: end / grid.height };
  }
  return out;
}

function mapNearestRows(grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, out: Int16Array, from: number, to: number): void {
  const { linear, indices } = grid;
  for (let i = from; i < to; i++) {
    if (!opaque[i]) continue;
    out[i] = indices && indices[i] >= 0 ? indices[i] : matcher.nearestLinear(linear[i * 3], linear[i * 3 + 1], linear[i * 3 + 2]);
  }
}
