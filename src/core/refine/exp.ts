/**
 * e^x for x ≤ 0, two to three times faster than Math.exp (which V8 calls out of line) and within
 * ~1e-14 relative of it, for the softmax's exponentials (one per cell and candidate colour, every
 * iteration). x = j·ln2/64 + r with 0 ≤ r < ln2/64: e^x = 2^(j/64) (a table) × e^r (a degree-5
 * Taylor polynomial, error below r⁶/720 ≈ 2e-15). Below −CUTOFF it returns 0: e^−40 ≈ 4e-18 is
 * under the rounding of a softmax sum that holds a term equal to 1.
 */
const STEPS = 64;
const CUTOFF = 40;
const LN2_STEP = Math.LN2 / STEPS;
const INV_LN2_STEP = STEPS / Math.LN2;
const ENTRIES = Math.ceil(CUTOFF * INV_LN2_STEP) + 2;
/** POW2[−j] = 2^(j/64) for j = 0, −1, …, so index by −j. */
const POW2 = (() => {
  const t = new Float64Array(ENTRIES);
  for (let i = 0; i < ENTRIES; i++) t[i] = 2 ** (-i / STEPS);
  return t;
})();

export function expNonPositive(x: number): number {
  if (x < -CUTOFF) return 0;
  const j = Math.floor(x * INV_LN2_STEP); // j ≤ 0
  const r = x - j * LN2_STEP;
  return POW2[-j] * (1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))))));
}
