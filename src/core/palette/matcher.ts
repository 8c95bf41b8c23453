import { SRGB_TO_LINEAR, linearToOklab, linearToSrgb8, type Vec3 } from '../color.js';
import { paletteSize, type Palette } from './palette.js';

/**
 * Nearest palette colour in OKLab. Lookups by 8-bit colour go through a direct-mapped cache (a
 * slot per hashed colour, overwritten on collision), so a photo's many repeated colours cost
 * one search each; the cache is small enough to build per call without a visible cost.
 */
export interface PaletteMatcher {
  readonly palette: Palette;
  readonly size: number;
  /** L, a, b per entry. */
  readonly oklab: Float32Array;
  /** Linear-light r, g, b per entry. */
  readonly linear: Float32Array;
  nearestOklab(L: number, a: number, b: number): number;
  nearestSrgb8(r: number, g: number, b: number): number;
  /** Linear 0..1 values; rounded to the nearest 8-bit colour before the (cached) search. */
  nearestLinear(r: number, g: number, b: number): number;
}

const CACHE_BITS = 16;

export function createPaletteMatcher(palette: Palette): PaletteMatcher {
  const size = paletteSize(palette);
  const oklab = new Float32Array(size * 3);
  const linear = new Float32Array(size * 3);
  const lab: Vec3 = [0, 0, 0];
  for (let i = 0; i < size; i++) {
    const r = SRGB_TO_LINEAR[palette.rgb[i * 3]], g = SRGB_TO_LINEAR[palette.rgb[i * 3 + 1]], b = SRGB_TO_LINEAR[palette.rgb[i * 3 + 2]];
    linear[i * 3] = r;
    linear[i * 3 + 1] = g;
    linear[i * 3 + 2] = b;
    linearToOklab(r, g, b, lab);
    oklab.set(lab, i * 3);
  }

  const nearestOklab = (L: number, a: number, b: number): number => {
    let best = 0, bestD = Infinity;
    for (let i = 0, j = 0; i < size; i++, j += 3) {
      const dL = L - oklab[j], da = a - oklab[j + 1], db = b - oklab[j + 2];
      const d = dL * dL + da * da + db * db;
      if (d < bestD) { bestD = d; best = i; } // strict: ties go to the lower index
    }
    return best;
  };

  // Keys are stored +1 so that 0 means an empty slot.
  const cacheKeys = new Int32Array(1 << CACHE_BITS);
  const cacheValues = new Uint8Array(1 << CACHE_BITS);
  const nearestSrgb8 = (r: number, g: number, b: number): number => {
    const key = (r << 16) | (g << 8) | b;
    const slot = (Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS));
    if (cacheKeys[slot] === key + 1) return cacheValues[slot];
    linearToOklab(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b], lab);
    const index = nearestOklab(lab[0], lab[1], lab[2]);
    cacheKeys[slot] = key + 1;
    cacheValues[slot] = index;
    return index;
  };

  return {
    palette,
    size,
    oklab,
    linear,
    nearestOklab,
    nearestSrgb8,
    nearestLinear: (r, g, b) => nearestSrgb8(linearToSrgb8(r), linearToSrgb8(g), linearToSrgb8(b)),
  };
}
