import { linearToOklab, type Vec3 } from '../color.js';
import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';
import { BAYER_2, BAYER_4, BAYER_8 } from './bayer.js';
import type { CellGrid } from './downscale.js';

/**
 * Ordered dithering for an arbitrary palette, as a two-colour mix per cell: the nearest colour A
 * and the partner B whose A→B line passes closest to the cell's colour (in OKLab, with a penalty
 * for mixing far-apart colours, which reads as noise). The mix ratio t is measured in linear
 * light, where a pattern's perceived average lives, and the Bayer threshold at the cell picks A
 * or B so that about t of the cells in a flat area show B. Position-locked and deterministic, as
 * pixel artists want their patterns.
 */
export function orderedDither(size: 2 | 4 | 8): (grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, strength: number) => Steps<Int16Array> {
  const matrix = size === 2 ? BAYER_2 : size === 4 ? BAYER_4 : BAYER_8;
  return function* ditherOrdered(grid, opaque, matcher, strength) {
    const { width, height, linear } = grid;
    const out = new Int16Array(width * height).fill(-1);
    const mix = createMixer(matcher);
    for (let y = 0; y < height; y++) {
      ditherRow(y, width, linear, opaque, out, mix, matrix, size, strength);
      yield { stage: 'dither', fraction: (y + 1) / height };
    }
    return out;
  };
}

function ditherRow(
  y: number,
  width: number,
  linear: Float32Array,
  opaque: Uint8Array,
  out: Int16Array,
  mix: (r: number, g: number, b: number) => void,
  matrix: Uint8Array,
  size: number,
  strength: number,
): void {
  const cells = size * size;
  const matrixRow = (y % size) * size;
  for (let x = 0, i = y * width; x < width; x++, i++) {
    if (!opaque[i]) continue;
    mix(linear[i * 3], linear[i * 3 + 1], linear[i * 3 + 2]);
    const threshold = (matrix[matrixRow + (x % size)] + 0.5) / cells;
    out[i] = threshold < strength * mixResult.t ? mixResult.b : mixResult.a;
  }
}

/** Penalty weight for mixing distant colours (Yliluoma's "psychovisual" mixing uses the same idea). */
const MIX_SPREAD_PENALTY = 0.5;

const mixResult = { a: 0, b: 0, t: 0 };

function createMixer(matcher: PaletteMatcher): (r: number, g: number, b: number) => void {
  const { oklab: ok, linear: lin, size } = matcher;
  const lab: Vec3 = [0, 0, 0];
  return (r, g, b) => {
    const a = matcher.nearestLinear(r, g, b);
    linearToOklab(r, g, b, lab);
    const cL = lab[0] - ok[a * 3], ca = lab[1] - ok[a * 3 + 1], cb = lab[2] - ok[a * 3 + 2];
    let bestB = a, bestScore = cL * cL + ca * ca + cb * cb;
    for (let j = 0; j < size; j++) {
      if (j === a) continue;
      const dL = ok[j * 3] - ok[a * 3], da = ok[j * 3 + 1] - ok[a * 3 + 1], db = ok[j * 3 + 2] - ok[a * 3 + 2];
      const len2 = dL * dL + da * da + db * db;
      if (len2 === 0) continue;
      let t = (cL * dL + ca * da + cb * db) / len2;
      if (t <= 0) continue;
      if (t > 1) t = 1;
      const eL = cL - t * dL, ea = ca - t * da, eb = cb - t * db;
      const score = eL * eL + ea * ea + eb * eb + MIX_SPREAD_PENALTY * t * (1 - t) * len2;
      if (score < bestScore) { bestScore = score; bestB = j; }
    }
    mixResult.a = a;
    mixResult.b = bestB;
    mixResult.t = bestB === a ? 0 : linearMixRatio(lin, a, bestB, r, g, b);
  };
}

/** Where (r, g, b) projects onto the segment from colour a to colour b, in linear light, 0..1. */
function linearMixRatio(lin: Float32Array, a: number, b: number, r: number, g: number, bl: number): number {
  const dr = lin[b * 3] - lin[a * 3], dg = lin[b * 3 + 1] - lin[a * 3 + 1], db = lin[b * 3 + 2] - lin[a * 3 + 2];
  const len2 = dr * dr + dg * dg + db * db;
  if (len2 === 0) return 0;
  const t = ((r - lin[a * 3]) * dr + (g - lin[a * 3 + 1]) * dg + (bl - lin[a * 3 + 2]) * db) / len2;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}
