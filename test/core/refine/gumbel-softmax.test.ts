import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.js';
import { nearestCandidates } from '../../../src/core/refine/candidates.js';
import { fillGumbelNoise, renderBackwardInto, renderSoftInto } from '../../../src/core/refine/gumbel-softmax.js';
import { createRenderedCells } from '../../../src/core/refine/loss.js';
import { FOUR_COLOURS, expectGradientsClose, numericGradient, randomArray, randomTarget } from './gradient-check.js';

describe('Gumbel-softmax render', () => {
  const target = randomTarget(5, 4, 7, [2, 11]);
  const cells = 20;

  it.each([4, 3])('its adjoint matches finite differences (%i candidates of 4, τ 0.7, with noise and transparent cells)', (k) => {
    const candidates = nearestCandidates(target, FOUR_COLOURS, k);
    const logits = randomArray(cells * k, 1, -2, 2), noise = randomArray(cells * k, 2, -1, 3);
    // A random linear read-out of the render: its gradient with respect to the render is the weights.
    const weights = createRenderedCells(cells);
    weights.oklab.set(randomArray(cells * 3, 3, -1, 1));
    weights.linear.set(randomArray(cells * 3, 4, -1, 1));
    const probs = new Float64Array(cells * k), render = createRenderedCells(cells);
    const readOut = (l: Float64Array): number => {
      renderSoftInto(l, noise, 0.7, candidates, FOUR_COLOURS, target, probs, render);
      let s = 0;
      for (let i = 0; i < cells * 3; i++) s += weights.oklab[i] * render.oklab[i] + weights.linear[i] * render.linear[i];
      return s;
    };
    readOut(logits);
    const grad = new Float64Array(cells * k);
    renderBackwardInto(probs, 0.7, candidates, FOUR_COLOURS, target.opaque, weights, grad);
    expectGradientsClose(grad, numericGradient(readOut, logits));
    for (const i of [2, 11]) expect(grad.subarray(i * k, (i + 1) * k).every((v) => v === 0)).toBe(true);
  });

  it('mixes palette colours with weights that sum to 1; noise may share the probabilities buffer', () => {
    const candidates = nearestCandidates(target, FOUR_COLOURS, 4);
    const logits = randomArray(cells * 4, 5, -2, 2), noise = randomArray(cells * 4, 6, -1, 3);
    const probs = new Float64Array(cells * 4), render = createRenderedCells(cells);
    renderSoftInto(logits, noise, 1.3, candidates, FOUR_COLOURS, target, probs, render);
    const shared = noise.slice(), render2 = createRenderedCells(cells);
    renderSoftInto(logits, shared, 1.3, candidates, FOUR_COLOURS, target, shared, render2);
    for (let i = 0; i < cells; i++) if (target.opaque[i]) expect(shared.subarray(i * 4, i * 4 + 4)).toEqual(probs.subarray(i * 4, i * 4 + 4));
    expect(render2.oklab).toEqual(render.oklab);
    for (let i = 0; i < cells; i++) {
      if (!target.opaque[i]) {
        expect([...render.oklab.subarray(i * 3, i * 3 + 3)]).toEqual(target.fillOklab);
        continue;
      }
      let sum = 0, L = 0;
      for (let k = 0; k < 4; k++) {
        sum += probs[i * 4 + k];
        L += probs[i * 4 + k] * FOUR_COLOURS.oklab[candidates.index[i * 4 + k] * 3];
      }
      expect(sum).toBeCloseTo(1, 12);
      expect(render.oklab[i * 3]).toBeCloseTo(L, 12);
    }
  });

  it('backward may write over the probabilities it reads', () => {
    const candidates = nearestCandidates(target, FOUR_COLOURS, 4);
    const probs = new Float64Array(cells * 4), render = createRenderedCells(cells);
    renderSoftInto(randomArray(cells * 4, 8), null, 0.9, candidates, FOUR_COLOURS, target, probs, render);
    const g = createRenderedCells(cells);
    g.oklab.set(randomArray(cells * 3, 9, -1, 1));
    const separate = new Float64Array(cells * 4);
    renderBackwardInto(probs, 0.9, candidates, FOUR_COLOURS, target.opaque, g, separate);
    renderBackwardInto(probs, 0.9, candidates, FOUR_COLOURS, target.opaque, g, probs);
    expect(probs).toEqual(separate);
  });
});

describe('Gumbel noise', () => {
  it('is seeded, and has the standard Gumbel mean (Euler–Mascheroni γ) and variance π²/6', () => {
    const a = new Float64Array(200_001), b = new Float64Array(200_001);
    fillGumbelNoise(createRng(5), a);
    fillGumbelNoise(createRng(5), b);
    expect(a).toEqual(b);
    let mean = 0;
    for (const v of a) mean += v;
    mean /= a.length;
    let variance = 0;
    for (const v of a) variance += (v - mean) ** 2;
    variance /= a.length;
    expect(mean).toBeCloseTo(0.5772, 2);
    expect(variance).toBeCloseTo(Math.PI ** 2 / 6, 1);
  });
});
