import { describe, expect, it } from 'vitest';
import { createBlurredLoss } from '../../../src/core/refine/blurred-loss.js';
import { createFftLoss } from '../../../src/core/refine/fft-loss.js';
import { createFidelityLoss } from '../../../src/core/refine/fidelity-loss.js';
import { createRenderedCells, type Loss, type RenderedCells } from '../../../src/core/refine/loss.js';
import type { RefineTarget } from '../../../src/core/refine/target.js';
import { createTvLoss } from '../../../src/core/refine/tv-loss.js';
import { expectGradientsClose, numericGradient, randomArray, randomTarget } from './gradient-check.js';

/** A random render: OKLab L 0.1..0.9, a/b ±0.2; linear 0.02..0.98. */
function randomRender(cells: number, seed: number): RenderedCells {
  const r = createRenderedCells(cells);
  const lab = randomArray(cells * 3, seed);
  for (let i = 0; i < cells * 3; i++) r.oklab[i] = i % 3 === 0 ? 0.1 + 0.8 * lab[i] : 0.4 * lab[i] - 0.2;
  r.linear.set(randomArray(cells * 3, seed + 1, 0.02, 0.98));
  return r;
}

/** ∂L/∂render.oklab and ∂L/∂render.linear by the loss and by finite differences. */
function checkLoss(loss: Loss, target: RefineTarget, seed: number, weight = 1): void {
  const cells = target.width * target.height;
  const render = randomRender(cells, seed);
  const grad = createRenderedCells(cells);
  const value = loss.accumulate(render, grad, weight);
  expect(Number.isFinite(value)).toBe(true);
  const f = () => weight * loss.accumulate(render, createRenderedCells(cells), 1);
  for (const space of ['oklab', 'linear'] as const) {
    const numeric = numericGradient((x) => { render[space].set(x); return f(); }, Float64Array.from(render[space]));
    if (numeric.every((v) => v === 0)) expect(grad[space].every((v) => v === 0)).toBe(true);
    else expectGradientsClose(grad[space], numeric);
  }
}

const TARGETS: readonly [string, RefineTarget][] = [
  ['5×4, all opaque', randomTarget(5, 4, 1)],
  ['5×4, with transparent cells', randomTarget(5, 4, 2, [0, 7, 13, 19])],
  ['7×3 (odd sizes)', randomTarget(7, 3, 3, [4])],
];

describe.each(TARGETS)('loss gradients match finite differences: %s', (_, target) => {
  it('fidelity', () => checkLoss(createFidelityLoss(target), target, 10, 1.7));
  it('blurred fidelity (σ 1 and σ 0.7)', () => {
    checkLoss(createBlurredLoss(target, 1), target, 11, 2);
    checkLoss(createBlurredLoss(target, 0.7), target, 12);
  });
  it('FFT high-frequency', () => checkLoss(createFftLoss(target), target, 13, 3));
  it('total variation', () => checkLoss(createTvLoss(target), target, 14, 0.5));
});

describe('loss values', () => {
  const target = randomTarget(6, 5, 4, [3, 9]);
  const cells = 30;
  const exact = (): RenderedCells => {
    const r = createRenderedCells(cells);
    r.oklab.set(target.oklab);
    r.linear.set(target.linear);
    return r;
  };

  it('fidelity and blurred fidelity are 0 on the target itself, and only count opaque cells', () => {
    const r = exact();
    for (const i of [3, 9]) r.oklab.fill(5, i * 3, i * 3 + 3), r.linear.fill(0.5, i * 3, i * 3 + 3);
    expect(createFidelityLoss(target).accumulate(r, createRenderedCells(cells), 1)).toBe(0);
    expect(createBlurredLoss(target, 1).accumulate(r, createRenderedCells(cells), 1)).toBeCloseTo(0, 12);
  });

  it('fidelity is the mean squared OKLab distance', () => {
    const r = exact();
    for (let i = 0; i < cells; i++) r.oklab[i * 3] += 0.1;
    expect(createFidelityLoss(target).accumulate(r, createRenderedCells(cells), 1)).toBeCloseTo(0.01, 12);
  });

  it('the blurred term sees a fine black/white checker as the grey it averages to in linear light', () => {
    const w = 8, h = 8;
    const linear = new Float64Array(w * h * 3).fill(0.5);
    const target = { ...randomTarget(w, h, 1), linear };
    const mid = createRenderedCells(w * h);
    const checker = createRenderedCells(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) checker.linear.fill((x + y) % 2, (y * w + x) * 3, (y * w + x) * 3 + 3);
    const blurredOfTarget = createBlurredLoss(target, 1);
    mid.linear.fill(0.5);
    expect(blurredOfTarget.accumulate(mid, createRenderedCells(w * h), 1)).toBeCloseTo(0, 12);
    // Away from the edges a 1-cell checker blurs to 0.5 ± a little; the mean error stays small.
    expect(blurredOfTarget.accumulate(checker, createRenderedCells(w * h), 1)).toBeLessThan(0.01);
  });

  it('FFT loss is 0 for a flat image; a 0/1 checker has all its energy at the masked Nyquist frequency', () => {
    const w = 8, h = 6;
    const target = randomTarget(w, h, 5);
    const loss = createFftLoss(target);
    const flat = createRenderedCells(w * h);
    flat.oklab.fill(0.4);
    expect(loss.accumulate(flat, createRenderedCells(w * h), 1)).toBeCloseTo(0, 12);
    const checker = createRenderedCells(w * h);
    for (let i = 0; i < w * h; i++) checker.oklab[i * 3] = ((i % w) + Math.floor(i / w)) % 2;
    // |F| = 48/2 at (4, 3); r = 6/(4√2) ≈ 1.06 masks all but DC and the 4 nearest: ΣM = 3·43.
    expect(loss.accumulate(checker, createRenderedCells(w * h), 1)).toBeCloseTo(24 / (3 * 43 * Math.sqrt(48)), 12);
  });

  it('TV is 0 for a flat image and counts each colour change once', () => {
    const target = randomTarget(4, 1, 6);
    const r = createRenderedCells(4);
    r.oklab.set([0, 0, 0, 0, 0, 0, 0.5, 0, 0, 0.5, 0, 0]);
    expect(createTvLoss(target).accumulate(r, createRenderedCells(4), 1)).toBeCloseTo(0.5 / 4, 3);
  });
});
