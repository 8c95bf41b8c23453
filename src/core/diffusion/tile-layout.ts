/**
 * Where overlapping tiles go along one axis and how they blend, for the tiled VAE. Tiles are
 * spread evenly from 0 to length − tile, so every tile lies inside the image and only an image
 * smaller than one tile needs padding; diffusers steps by a fixed stride and pads or crops the
 * last tile instead (algorithms.md §2.9), which wastes model work and feeds it mirrored pixels.
 * Blending is linear: each tile's weight ramps from 0 to 1 over `ramp` units on every side that
 * has a neighbour, and the blend divides by the summed weights, which is 1 wherever exactly two
 * tiles overlap by `ramp` and keeps the blend a weighted mean where spreading made overlaps wider.
 * Weights are separable (a tile's 2-D weight is wy·wx), so their sum is too, and no 2-D weight
 * map is ever stored.
 */

/**
 * Start positions of tiles of `tile` units covering [0, length), multiples of `align`, neighbours
 * overlapping by at least `overlap`: the fewest tiles that allow it, spread evenly. One tile at 0
 * when length ≤ tile (its caller pads it). `length`, `tile` and `overlap` must be multiples of
 * `align`, with 0 ≤ overlap < tile.
 */
export function tilePositions(length: number, tile: number, overlap: number, align = 1): number[] {
  if (length <= tile) return [0];
  const count = Math.ceil((length - overlap) / (tile - overlap));
  const steps = (length - tile) / align;
  // Rounding each ideal start to the grid moves neighbours apart by at most ⌈spacing⌉ grid units,
  // and spacing ≤ (tile − overlap)/align, a whole number, so the overlap still holds.
  return Array.from({ length: count }, (_, i) => Math.round((i * steps) / (count - 1)) * align);
}

/** The span a tile covers in the output: the tile, or the whole length when that is shorter. */
export function tileSpan(length: number, tile: number): number {
  return Math.min(length, tile);
}

/**
 * Blend weights across one tile at `start` spanning `span` units of [0, length): rising over
 * `ramp` units from its start unless it starts the axis, falling over `ramp` units to its end
 * unless it ends the axis; always > 0 inside the tile.
 */
export function tileWeights(start: number, span: number, length: number, ramp: number): Float64Array {
  const weights = new Float64Array(span);
  const rises = start > 0, falls = start + span < length;
  for (let i = 0; i < span; i++) {
    let w = 1;
    if (ramp > 0) {
      if (rises) w = Math.min(w, (i + 0.5) / ramp);
      if (falls) w = Math.min(w, (span - i - 0.5) / ramp);
    }
    weights[i] = w;
  }
  return weights;
}

/** Σ of tileWeights over all tiles at `starts`, per unit of [0, length). */
export function weightSums(starts: readonly number[], span: number, length: number, ramp: number): Float64Array {
  const sums = new Float64Array(length);
  for (const start of starts) {
    const weights = tileWeights(start, span, length, ramp);
    for (let i = 0; i < span; i++) sums[start + i] += weights[i];
  }
  return sums;
}
