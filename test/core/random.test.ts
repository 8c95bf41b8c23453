import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/random.js';

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it('forks independent streams: drawing from one does not shift the other', () => {
    const parent1 = createRng(7), parent2 = createRng(7);
    const x = parent1.fork('extract');
    parent2.fork('dither').next();
    parent2.next();
    const y = parent2.fork('extract');
    expect(Array.from({ length: 5 }, () => x.next())).toEqual(Array.from({ length: 5 }, () => y.next()));
    expect(createRng(7).fork('a').next()).not.toBe(createRng(7).fork('b').next());
  });

  it('is roughly uniform and normal', () => {
    const rng = createRng(1);
    const n = 20000;
    let sum = 0, sumSq = 0, below = 0, outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outOfRange++;
      if (u < 0.25) below++;
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    expect(outOfRange).toBe(0);
    expect(below / n).toBeGreaterThan(0.23);
    expect(below / n).toBeLessThan(0.27);
    expect(Math.abs(sum / n)).toBeLessThan(0.05);
    expect(Math.abs(sumSq / n - 1)).toBeLessThan(0.05);
    for (let i = 0; i < 100; i++) expect(rng.int(5)).toBeLessThan(5);
  });
});
