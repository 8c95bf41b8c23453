import { describe, expect, it } from 'vitest';
import { SRGB_TO_LINEAR, srgb8ToOklab } from '../../../src/core/color.js';
import { createPaletteMatcher } from '../../../src/core/palette/matcher.js';
import { createPalette, paletteColor } from '../../../src/core/palette/palette.js';
import { getPreset } from '../../../src/core/palette/presets.js';
import { createRng } from '../../../src/core/random.js';

function bruteForceNearest(rgb: Uint8Array, r: number, g: number, b: number): number {
  const c = srgb8ToOklab(r, g, b);
  let best = 0, bestD = Infinity;
  for (let i = 0; i < rgb.length / 3; i++) {
    const p = srgb8ToOklab(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
    const d = (c[0] - p[0]) ** 2 + (c[1] - p[1]) ** 2 + (c[2] - p[2]) ** 2;
    if (d < bestD - 1e-12) { bestD = d; best = i; }
  }
  return best;
}

describe('palette matcher', () => {
  it('picks the OKLab nearest colour, not the RGB nearest (#000f14 → #1d2b53 in PICO-8)', () => {
    const pico = getPreset('pico-8').palette;
    const m = createPaletteMatcher(pico);
    expect(paletteColor(pico, m.nearestSrgb8(0x00, 0x0f, 0x14))).toEqual([0x1d, 0x2b, 0x53]);
  });

  it('agrees with a brute-force search for 50,000 random colours, through cache hits and collisions', () => {
    for (const name of ['pico-8', 'aap-64', 'gameboy-dmg-green']) {
      const pal = getPreset(name).palette;
      const m = createPaletteMatcher(pal);
      const rng = createRng(5);
      const colours = Array.from({ length: 25000 }, () => [rng.int(256), rng.int(256), rng.int(256)]);
      let mismatches = 0;
      for (const c of [...colours, ...colours]) if (m.nearestSrgb8(c[0], c[1], c[2]) !== bruteForceNearest(pal.rgb, c[0], c[1], c[2])) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('maps every palette colour to itself, and linear input the same as its 8-bit colour', () => {
    const pal = getPreset('endesga-32').palette;
    const m = createPaletteMatcher(pal);
    for (let i = 0; i < 32; i++) {
      const [r, g, b] = paletteColor(pal, i);
      expect(m.nearestSrgb8(r, g, b)).toBe(i);
      expect(m.nearestLinear(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b])).toBe(i);
    }
  });

  it('breaks ties towards the lower index', () => {
    const m = createPaletteMatcher(createPalette('twins', [10, 20, 30, 10, 20, 30]));
    expect(m.nearestSrgb8(10, 20, 30)).toBe(0);
  });
});
