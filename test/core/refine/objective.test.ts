import { describe, expect, it } from 'vitest';
import { nearestCandidates } from '../../../src/core/refine/candidates.js';
import { createObjective } from '../../../src/core/refine/objective.js';
import { FOUR_COLOURS, expectGradientsClose, numericGradient, randomArray, randomTarget } from './gradient-check.js';

describe('full objective', () => {
  const weights = { fidelity: 1, blurred: 3, fft: 0.5, tv: 0.2 };

  it.each([
    ['5×4, 4 colours, all opaque', 5, 4, [] as number[], 4],
    ['5×4, 4 colours, transparent cells', 5, 4, [0, 6, 19], 4],
    ['6×5, 3 candidates of 4, transparent cells', 6, 5, [3, 4, 20], 3],
  ])('gradient matches finite differences: %s', (_, w, h, transparent, k) => {
    const target = randomTarget(w, h, 21, transparent);
    const candidates = nearestCandidates(target, FOUR_COLOURS, k);
    const objective = createObjective(target, FOUR_COLOURS, candidates, weights, 1);
    const n = w * h * k;
    const logits = randomArray(n, 22, -2, 2), noise = randomArray(n, 23, -1, 2);
    const grad = new Float64Array(n);
    const value = objective.evaluate(logits, noise, 0.8, grad);
    const f = (l: Float64Array) => objective.evaluate(l, noise, 0.8, new Float64Array(n));
    expect(value).toBeCloseTo(f(logits), 14);
    expectGradientsClose(grad, numericGradient(f, logits));
    for (const i of transparent) expect(grad.subarray(i * k, (i + 1) * k).every((v) => v === 0)).toBe(true);
  });

  it('is the weighted sum of its terms; a scale of 0 skips a term, noise may be the gradient buffer', () => {
    const target = randomTarget(5, 4, 24);
    const candidates = nearestCandidates(target, FOUR_COLOURS, 4);
    const objective = createObjective(target, FOUR_COLOURS, candidates, weights, 1);
    const logits = randomArray(80, 25, -2, 2), noise = randomArray(80, 26);
    const total = objective.evaluate(logits, noise, 1, new Float64Array(80));
    const p = { ...objective.parts };
    expect(total).toBeCloseTo(p.fidelity + 3 * p.blurred + 0.5 * p.fft + 0.2 * p.tv, 12);
    const withoutFft = objective.evaluate(logits, noise, 1, new Float64Array(80), { fft: 0 });
    expect(withoutFft).toBeCloseTo(total - 0.5 * p.fft, 12);
    const doubled = objective.evaluate(logits, noise, 1, new Float64Array(80), { fft: 2 });
    expect(doubled).toBeCloseTo(total + 0.5 * p.fft, 12);
    const separate = new Float64Array(80), shared = noise.slice();
    objective.evaluate(logits, noise, 1, separate);
    objective.evaluate(logits, shared, 1, shared);
    expect(shared).toEqual(separate);
  });

  it('with the prior term: its gradient is in the total, and its scale (the timestep weight) multiplies it', () => {
    const target = randomTarget(5, 4, 27, [3]);
    const candidates = nearestCandidates(target, FOUR_COLOURS, 4);
    const objective = createObjective(target, FOUR_COLOURS, candidates, { ...weights, prior: 2 }, 1);
    expect(objective.prior).not.toBeNull();
    objective.prior!.setTarget({ width: 5, height: 4, linear: Float32Array.from(randomArray(60, 28)) });
    const logits = randomArray(80, 29, -2, 2), noise = randomArray(80, 30);
    const grad = new Float64Array(80);
    const scales = { prior: 0.7 };
    const total = objective.evaluate(logits, noise, 0.9, grad, scales);
    const p = { ...objective.parts };
    expect(p.prior).toBeGreaterThan(0);
    expect(total).toBeCloseTo(p.fidelity + 3 * p.blurred + 0.5 * p.fft + 0.2 * p.tv + 2 * 0.7 * p.prior, 12);
    const f = (l: Float64Array) => objective.evaluate(l, noise, 0.9, new Float64Array(80), scales);
    expectGradientsClose(grad, numericGradient(f, logits));
    expect(createObjective(target, FOUR_COLOURS, candidates, weights, 1).prior).toBeNull();
  });
});
