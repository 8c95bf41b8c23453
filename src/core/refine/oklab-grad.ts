/**
 * The local metric of OKLab in linear light: for a colour c, J = ∂OKLab/∂rgb at c, and
 * ‖J·δ‖ ≈ ΔEOK between c and c + δ. The cube root's slope is infinite at 0, so a tangent at a dark
 * colour wildly overweights any error there (50× for a residual of 0.01 at black). Below LMS_TOE
 * the slope is held at its value there; 0.002 is where the tangent equals the chord from black
 * to a typical residual of 0.01 in linear light (tangent (1/3)·T^(−2/3) = chord e^(−2/3) at
 * T = e/3^1.5), so near-black errors weigh about what OKLab says.
 */
const LMS_TOE = 0.002;
const TOE_ROOT = Math.cbrt(LMS_TOE);

/**
 * Writes the symmetric 3×3 matrix JᵀJ at the linear colour rgb[at..at+3) into
 * out[at2..at2+6) as (xx, xy, xz, yy, yz, zz); ‖J·δ‖² = δᵀ·JᵀJ·δ. Ottosson's matrices as in
 * src/core/color.ts: M1 (linear sRGB → LMS) and M2 (cube-rooted LMS → Lab), written out.
 */
export function oklabMetricAt(rgb: ArrayLike<number>, at: number, out: Float64Array, at2: number): void {
  const r = rgb[at], g = rgb[at + 1], b = rgb[at + 2];
  const dl = rootSlope(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const dm = rootSlope(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const ds = rootSlope(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  // J = M2 · diag(dl, dm, ds) · M1, column by column (∂/∂r, ∂/∂g, ∂/∂b).
  const j = new Float64Array(9);
  const m1 = [0.4122214708, 0.5363325363, 0.0514459929, 0.2119034982, 0.6806995451, 0.1073969566, 0.0883024619, 0.2817188376, 0.6299787005];
  const m2 = [0.2104542553, 0.793617785, -0.0040720468, 1.9779984951, -2.428592205, 0.4505937099, 0.0259040371, 0.7827717662, -0.808675766];
  const d = [dl, dm, ds];
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) {
      let v = 0;
      for (let k = 0; k < 3; k++) v += m2[row * 3 + k] * d[k] * m1[k * 3 + col];
      j[row * 3 + col] = v;
    }
  }
  let n = at2;
  for (let p = 0; p < 3; p++) {
    for (let q = p; q < 3; q++) out[n++] = j[p] * j[q] + j[3 + p] * j[3 + q] + j[6 + p] * j[6 + q];
  }
}

/** d/dv of the cube root, held constant below LMS_TOE. */
function rootSlope(v: number): number {
  const root = v >= LMS_TOE ? Math.cbrt(v) : TOE_ROOT;
  return 1 / (3 * root * root);
}
