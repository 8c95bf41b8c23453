import { linearToOklab, type Vec3 } from '../color.js';

/**
 * What the refiner aims at, at grid resolution: the cell colours in linear light and in OKLab,
 * and which cells count. Transparent cells (opaque = 0) take part in no loss and get index -1.
 */
export interface RefineTarget {
  readonly width: number;
  readonly height: number;
  readonly opaque: Uint8Array;
  /** Opaque cells; the losses are means over these. */
  readonly count: number;
  /** Linear-light r, g, b per cell (0..1). */
  readonly linear: Float64Array;
  /** L, a, b per cell. */
  readonly oklab: Float64Array;
  /**
   * What a transparent cell shows in a render: the mean opaque colour, a constant that no logit
   * moves, so the FFT term (which needs a full rectangle) sees no artificial black border there.
   */
  readonly fillOklab: Vec3;
  readonly fillLinear: Vec3;
}

/** Cells as plain arrays (any numeric array: the grid's Float32Array or a test's Float64Array). */
export function createRefineTarget(width: number, height: number, linear: ArrayLike<number>, opaque: Uint8Array): RefineTarget {
  const cells = width * height;
  const lin = new Float64Array(cells * 3), lab = new Float64Array(cells * 3);
  const tmp: Vec3 = [0, 0, 0];
  const fillLinear: Vec3 = [0, 0, 0], fillOklab: Vec3 = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < cells; i++) {
    if (!opaque[i]) continue;
    count++;
    for (let c = 0; c < 3; c++) {
      lin[i * 3 + c] = clamp01(linear[i * 3 + c]);
      fillLinear[c] += lin[i * 3 + c];
    }
    linearToOklab(lin[i * 3], lin[i * 3 + 1], lin[i * 3 + 2], tmp);
    lab.set(tmp, i * 3);
    for (let c = 0; c < 3; c++) fillOklab[c] += tmp[c];
  }
  for (let c = 0; c < 3; c++) {
    fillLinear[c] /= Math.max(1, count);
    fillOklab[c] /= Math.max(1, count);
  }
  return { width, height, opaque, count, linear: lin, oklab: lab, fillOklab, fillLinear };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
