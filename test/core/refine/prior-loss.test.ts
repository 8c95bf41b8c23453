import { describe, expect, it } from 'vitest';
import { linearToOklab, type Vec3 } from '../../../src/core/color.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createRenderedCells } from '../../../src/core/refine/loss.js';
import { createPriorLoss } from '../../../src/core/refine/prior-loss.js';
import type { PriorImage } from '../../../src/core/refine/prior.js';
import { expectGradientsClose, numericGradient, randomArray, randomTarget } from './gradient-check.js';

function priorImage(width: number, height: number, seed: number): PriorImage {
  return { width, height, linear: Float32Array.from(randomArray(width * height * 3, seed, 0.02, 0.98)) };
}

describe('prior loss', () => {
  it.each([
    ['5×4, all opaque', randomTarget(5, 4, 1)],
    ['5×4, with transparent cells', randomTarget(5, 4, 2, [0, 7, 13, 19])],
    ['7×3', randomTarget(7, 3, 3, [4])],
  ])('gradient matches finite differences: %s', (_, target) => {
    const cells = target.width * target.height;
    const loss = createPriorLoss(target);
    loss.setTarget(priorImage(target.width, target.height, 31));
    const render = createRenderedCells(cells);
    render.oklab.set(randomArray(cells * 3, 32, -0.2, 0.9));
    render.linear.set(randomArray(cells * 3, 33));
    const grad = createRenderedCells(cells);
    const weight = 2.5;
    loss.accumulate(render, grad, weight);
    const f = (x: Float64Array) => {
      render.oklab.set(x);
      return weight * loss.accumulate(render, createRenderedCells(cells), 1);
    };
    expectGradientsClose(grad.oklab, numericGradient(f, Float64Array.from(render.oklab)));
    expect(grad.linear.every((v) => v === 0)).toBe(true); // an OKLab term: nothing in linear light
    for (let i = 0; i < cells; i++) if (!target.opaque[i]) expect(grad.oklab.subarray(i * 3, i * 3 + 3).every((v) => v === 0)).toBe(true);
  });

  it('is the mean squared OKLab distance to the target over opaque cells, 0 on the target itself', () => {
    const target = randomTarget(4, 3, 5, [2]);
    const image = priorImage(4, 3, 6);
    const loss = createPriorLoss(target);
    loss.setTarget(image);
    const render = createRenderedCells(12);
    const lab: Vec3 = [0, 0, 0];
    for (let i = 0; i < 12; i++) render.oklab.set(linearToOklab(image.linear[i * 3], image.linear[i * 3 + 1], image.linear[i * 3 + 2], lab), i * 3);
    expect(loss.accumulate(render, createRenderedCells(12), 1)).toBeCloseTo(0, 10);
    for (let i = 0; i < 12; i++) render.oklab[i * 3] += 0.1;
    render.oklab[2 * 3 + 1] += 5; // transparent: does not count
    expect(loss.accumulate(render, createRenderedCells(12), 1)).toBeCloseTo(0.01, 10);
  });

  it('is 0 with no gradient until it has a target, and refuses a target of the wrong size or with NaN', () => {
    const target = randomTarget(3, 3, 7);
    const loss = createPriorLoss(target);
    const render = createRenderedCells(9);
    render.oklab.fill(0.5);
    const grad = createRenderedCells(9);
    expect(loss.hasTarget).toBe(false);
    expect(loss.accumulate(render, grad, 1)).toBe(0);
    expect(grad.oklab.every((v) => v === 0)).toBe(true);
    expect(() => loss.setTarget(priorImage(3, 2, 1))).toThrow(TesseraError);
    const bad = priorImage(3, 3, 1);
    bad.linear[4] = Number.NaN;
    expect(() => loss.setTarget(bad)).toThrow(expect.objectContaining({ code: 'model-mismatch' }));
    expect(loss.hasTarget).toBe(false);
  });
});
