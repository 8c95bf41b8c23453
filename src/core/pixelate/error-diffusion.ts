import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import type { CellGrid } from './downscale.js';

/** [dx, dy, weight] with dx for left-to-right rows (mirrored on right-to-left rows). */
type Kernel = readonly (readonly [number, number, number])[];

/** Floyd & Steinberg 1976: 7/16 right, 3/16 down-left, 5/16 down, 1/16 down-right. */
export const FLOYD_STEINBERG: Kernel = [[1, 0, 7 / 16], [-1, 1, 3 / 16], [0, 1, 5 / 16], [1, 1, 1 / 16]];
/** Atkinson (Apple, 1984): 1/8 to six neighbours, so only 3/4 of the error travels and contrast rises. */
export const ATKINSON: Kernel = [[1, 0, 1 / 8], [2, 0, 1 / 8], [-1, 1, 1 / 8], [0, 1, 1 / 8], [1, 1, 1 / 8], [0, 2, 1 / 8]];

/**
 * Error diffusion in linear light with serpentine scanning. Transparent cells neither receive nor
 * pass on error, so a sprite's edge does not bleed into (or out of) its background.
 */
export function errorDiffusion(kernel: Kernel): (grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, strength: number) => Steps<Int16Array> {
  const rows = 1 + Math.max(...kernel.map((k) => k[1]));
  // Flat typed copies: the inner loop runs once per neighbour per pixel.
  const kdx = Int32Array.from(kernel, (k) => k[0]);
  const kdy = Int32Array.from(kernel, (k) => k[1]);
  const kw = Float32Array.from(kernel, (k) => k[2]);
  const taps = kernel.length;
  return function* ditherErrorDiffusion(grid, opaque, matcher, strength) {
    const { width, height, linear } = grid;
    const pal = matcher.linear;
    const out = new Int16Array(width * height).fill(-1);
    // Ring of error rows: errors[(y + dy) % rows] holds what row y + dy will receive.
    const errors = Array.from({ length: rows }, () => new Float32Array(width * 3));
    for (let y = 0; y < height; y++) {
      const err = errors[y % rows];
      const leftToRight = (y & 1) === 0;
      for (let step = 0; step < width; step++) {
        const x = leftToRight ? step : width - 1 - step;
        const i = y * width + x;
        if (!opaque[i]) continue;
        const r = clamp01(linear[i * 3] + err[x * 3]);
        const g = clamp01(linear[i * 3 + 1] + err[x * 3 + 1]);
        const b = clamp01(linear[i * 3 + 2] + err[x * 3 + 2]);
        const idx = matcher.nearestLinear(r, g, b);
        out[i] = idx;
        const er = (r - pal[idx * 3]) * strength;
        const eg = (g - pal[idx * 3 + 1]) * strength;
        const eb = (b - pal[idx * 3 + 2]) * strength;
        for (let t = 0; t < taps; t++) {
          const nx = leftToRight ? x + kdx[t] : x - kdx[t];
          const ny = y + kdy[t];
          if (nx < 0 || nx >= width || ny >= height || !opaque[ny * width + nx]) continue;
          const target = errors[ny % rows];
          const w = kw[t];
          target[nx * 3] += er * w;
          target[nx * 3 + 1] += eg * w;
          target[nx * 3 + 2] += eb * w;
        }
      }
      err.fill(0); // this row is done; the buffer comes back as row y + rows
      yield { stage: 'dither', fraction: (y + 1) / height };
    }
    return out;
  };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
