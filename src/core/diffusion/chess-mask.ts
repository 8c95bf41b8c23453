import type { Rng } from '../random.js';

/**
 * Pixelsmith's chess mask (algorithms.md §2.7): after the DDIM step, half the patch's latent
 * pixels, on a 1-latent-pixel checkerboard, are replaced by the guidance forward-diffused to the
 * new noise level. Pixelsmith rolls a fixed board by −1 in rows and in columns with probability
 * ½ each; the net effect is the board's parity flipping with probability ½, drawn here directly.
 */
export type ChessParity = 0 | 1;

export function drawChessParity(rng: Rng): ChessParity {
  return rng.next() < 0.5 ? 0 : 1;
}

/**
 * z ← guidance on the cells where (row + column + parity) is even, in patch coordinates, for each
 * of `channels` height × width planes.
 */
export function applyChessMaskInto(
  z: Float32Array,
  guidance: Float32Array,
  channels: number,
  height: number,
  width: number,
  parity: ChessParity,
): void {
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const o = (c * height + y) * width;
      for (let x = (y + parity) & 1; x < width; x += 2) z[o + x] = guidance[o + x];
    }
  }
}
