import { describe, expect, it } from 'vitest';
import { nearestCandidates } from '../../../src/core/refine/candidates.js';
import { argmaxInto, initLogits, recentreLogits } from '../../../src/core/refine/logits.js';
import { FOUR_COLOURS, randomTarget } from './gradient-check.js';

/** Nearest palette entry in OKLab by brute force. */
function nearest(lab: Float64Array, i: number): number {
  let best = 0, bestD = Infinity;
  for (let k = 0; k < FOUR_COLOURS.size; k++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d += (lab[i * 3 + c] - FOUR_COLOURS.oklab[k * 3 + c]) ** 2;
    if (d < bestD) { bestD = d; best = k; }
  }
  return best;
}

describe('candidates and logits', () => {
  const target = randomTarget(7, 5, 31, [4, 9]);

  it('candidates are each cell’s k nearest colours, nearest first', () => {
    const c = nearestCandidates(target, FOUR_COLOURS, 3);
    expect(c.k).toBe(3);
    for (let i = 0; i < 35; i++) {
      if (!target.opaque[i]) continue;
      const d = [0, 1, 2, 3].map((k) => Math.hypot(...[0, 1, 2].map((ch) => target.oklab[i * 3 + ch] - FOUR_COLOURS.oklab[k * 3 + ch])));
      const order = [0, 1, 2, 3].sort((a, b) => d[a] - d[b] || a - b);
      expect([...c.index.subarray(i * 3, i * 3 + 3)]).toEqual(order.slice(0, 3));
    }
    expect(nearestCandidates(target, FOUR_COLOURS, 99).k).toBe(4);
  });

  it('initial logits are centred, of one norm per cell, and their argmax is nearest mapping', () => {
    const c = nearestCandidates(target, FOUR_COLOURS, 4);
    const logits = initLogits(target, FOUR_COLOURS, c);
    const out = argmaxInto(logits, c, target.opaque, new Int16Array(35));
    const norms: number[] = [];
    for (let i = 0; i < 35; i++) {
      if (!target.opaque[i]) {
        expect(out[i]).toBe(-1);
        continue;
      }
      expect(out[i]).toBe(nearest(target.oklab, i));
      const cell = logits.subarray(i * 4, i * 4 + 4);
      expect(cell.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
      norms.push(Math.hypot(...cell));
    }
    for (const n of norms) expect(n).toBeCloseTo(norms[0], 10);
  });

  it('re-centring keeps each cell’s softmax and argmax', () => {
    const c = nearestCandidates(target, FOUR_COLOURS, 4);
    const logits = initLogits(target, FOUR_COLOURS, c).map((v, i) => v + (i % 4 === 2 ? 0.7 : 0.1) + Math.floor(i / 4));
    const before = argmaxInto(logits, c, target.opaque, new Int16Array(35));
    recentreLogits(logits, 4);
    expect(argmaxInto(logits, c, target.opaque, new Int16Array(35))).toEqual(before);
    for (let i = 0; i < 35; i++) expect(logits.subarray(i * 4, i * 4 + 4).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 12);
  });
});
