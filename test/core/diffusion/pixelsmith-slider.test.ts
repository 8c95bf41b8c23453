import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LatentShape } from '../../../src/core/diffusion/latents.js';
import { pixelsmithRefine, type PixelsmithProgress } from '../../../src/core/diffusion/pixelsmith.js';
import { pointwiseConv, randomLatent } from './toy-models.js';

/**
 * What the Slider switches, counted at the two guidance operations themselves: the phase fusion
 * and the chess mask are wrapped so every call records the step of the patch it served.
 */
const calls = vi.hoisted(() => ({ fusion: 0, chess: 0 }));

vi.mock('../../../src/core/diffusion/phase-fusion.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/core/diffusion/phase-fusion.js')>();
  return {
    ...original,
    createPhaseFusion: (h: number, w: number) => {
      const fusion = original.createPhaseFusion(h, w);
      return { ...fusion, fuseInto: (z: Float32Array, g: Float32Array, c: number) => (calls.fusion++, fusion.fuseInto(z, g, c)) };
    },
  };
});

vi.mock('../../../src/core/diffusion/chess-mask.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/core/diffusion/chess-mask.js')>();
  return {
    ...original,
    applyChessMaskInto: (...args: Parameters<typeof original.applyChessMaskInto>) => (calls.chess++, original.applyChessMaskInto(...args)),
  };
});

const MIX = [[0.8, 0.1, 0, 0], [0, 0.7, 0.1, 0], [0, 0, 0.9, 0.1], [0.1, 0, 0, 0.75]];

/** Runs 5 steps on a 20×28 latent with 8-pixel patches; returns how many patches each step took. */
async function run(slider: number): Promise<number[]> {
  const shape: LatentShape = [1, 4, 20, 28], steps = 5;
  const patchesPerStep = new Array<number>(steps).fill(0);
  await pixelsmithRefine({
    shape,
    guidance: randomLatent(4 * 20 * 28, 1),
    steps,
    slider,
    patchSize: 8,
    patchShape: 'fixed',
    seed: 3,
    denoise: async (patch, s) => pointwiseConv(patch, MIX, [0, 0, 0, 0], s[2] * s[3]),
    onProgress: (p: PixelsmithProgress) => patchesPerStep[p.step]++,
  });
  return patchesPerStep;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('the Slider', () => {
  beforeEach(() => {
    calls.fusion = 0;
    calls.chess = 0;
  });

  it('0 means no guidance at all: no phase fusion and no chess mask', async () => {
    await run(0);
    expect(calls).toEqual({ fusion: 0, chess: 0 });
  });

  it('1 guides only through the start latent guid[0]: still no fusion or chess', async () => {
    await run(1);
    expect(calls).toEqual({ fusion: 0, chess: 0 });
  });

  it.each([2, 3, 5, 9])('k fuses phases on every patch of steps 1..k−1 and chess-masks every patch of steps 0..k−2 (k = %i)', async (slider) => {
    const perStep = await run(slider);
    const k = Math.min(slider, 5);
    expect(calls.fusion).toBe(sum(perStep.slice(1, k)));
    expect(calls.chess).toBe(sum(perStep.slice(0, k - 1)));
  });
});
