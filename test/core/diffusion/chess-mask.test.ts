import { describe, expect, it } from 'vitest';
import { applyChessMaskInto, drawChessParity } from '../../../src/core/diffusion/chess-mask.js';
import { createRng } from '../../../src/core/random.js';

describe('applyChessMaskInto', () => {
  it.each([[4, 4], [5, 3], [1, 1], [1, 6], [7, 7]])('replaces one latent pixel in two, on a checkerboard, in every channel (%i×%i)', (h, w) => {
    for (const parity of [0, 1] as const) {
      const z = new Float32Array(2 * h * w).fill(0);
      const guidance = new Float32Array(2 * h * w).fill(1);
      applyChessMaskInto(z, guidance, 2, h, w, parity);
      for (let c = 0; c < 2; c++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) expect(z[(c * h + y) * w + x]).toBe((y + x + parity) % 2 === 0 ? 1 : 0);
        }
      }
    }
  });

  it('covers the patch between its two parities, with no cell in both', () => {
    const h = 6, w = 5;
    const a = new Float32Array(h * w), b = new Float32Array(h * w), ones = new Float32Array(h * w).fill(1);
    applyChessMaskInto(a, ones, 1, h, w, 0);
    applyChessMaskInto(b, ones, 1, h, w, 1);
    expect(Array.from(a, (v, i) => v + b[i])).toEqual(Array.from(ones));
  });
});

describe('drawChessParity', () => {
  it('flips the board with probability ½', () => {
    const rng = createRng(5);
    let ones = 0;
    for (let i = 0; i < 4000; i++) ones += drawChessParity(rng);
    expect(ones / 4000).toBeGreaterThan(0.46);
    expect(ones / 4000).toBeLessThan(0.54);
  });
});
