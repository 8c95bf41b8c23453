import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPatchScheduler, minimumPatchCalls, type PatchPlan } from '../../../src/core/diffusion/patch-scheduler.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createRng } from '../../../src/core/random.js';

interface RunRecord {
  /** steppedAt[step][pixel]: how many patches stepped the pixel in that round. */
  steppedAt: Uint32Array[];
  plans: PatchPlan[];
  estimates: number[];
}

/** Drives a scheduler to the end, checking each plan against an independent time map. */
function drive(height: number, width: number, patchSize: number, steps: number, seed = 1): RunRecord {
  const scheduler = createPatchScheduler({ height, width, patchSize, steps, rng: createRng(seed) });
  const time = new Uint16Array(height * width); // steps each pixel has had
  const steppedAt = Array.from({ length: steps }, () => new Uint32Array(height * width));
  const plans: PatchPlan[] = [], estimates: number[] = [];
  for (let plan = scheduler.next(); plan; plan = scheduler.next()) {
    const { top, left, height: wh, width: ww } = plan.box;
    expect(wh).toBe(Math.min(patchSize, height));
    expect(ww).toBe(Math.min(patchSize, width));
    expect(top).toBeGreaterThanOrEqual(0);
    expect(left).toBeGreaterThanOrEqual(0);
    expect(top + wh).toBeLessThanOrEqual(height);
    expect(left + ww).toBeLessThanOrEqual(width);
    const least = time.reduce((a, b) => Math.min(a, b), Infinity);
    expect(plan.step).toBe(least);
    let fresh = 0, wrongFresh = 0, outOfRound = 0;
    for (let y = 0; y < wh; y++) {
      for (let x = 0; x < ww; x++) {
        const p = (top + y) * width + left + x;
        // Fresh = still at the round's step; the rest were stepped earlier in this round.
        if (plan.fresh[y * ww + x] !== (time[p] === plan.step ? 1 : 0)) wrongFresh++;
        if (time[p] !== plan.step && time[p] !== plan.step + 1) outOfRound++;
        if (plan.fresh[y * ww + x] === 1) {
          steppedAt[plan.step][p]++;
          fresh++;
        }
      }
    }
    expect(wrongFresh).toBe(0);
    expect(outOfRound).toBe(0);
    expect(plan.freshCount).toBe(fresh);
    expect(fresh).toBeGreaterThan(0); // every patch is centred on a waiting pixel
    for (let y = 0; y < wh; y++) for (let x = 0; x < ww; x++) if (plan.fresh[y * ww + x] === 1) time[(top + y) * width + left + x]++;
    const roundDone = scheduler.commit(plan);
    expect(roundDone).toBe(time.every((t) => t === plan.step + 1));
    plans.push(plan);
    estimates.push(scheduler.estimateTotalPatches());
  }
  expect(scheduler.next()).toBeNull();
  return { steppedAt, plans, estimates };
}

function expectEachPixelOncePerStep(record: RunRecord): void {
  for (const counts of record.steppedAt) expect(counts.every((c) => c === 1)).toBe(true);
}

describe('createPatchScheduler', () => {
  it.each([
    [1, 1, 8], [1, 9, 8], [9, 1, 8], [5, 3, 8], [8, 8, 8], [9, 9, 8], [17, 30, 8], [64, 64, 16], [33, 70, 16], [100, 37, 32], [7, 7, 1],
  ])('denoises every pixel of %i×%i exactly once per step with patches of %i', (h, w, p) => {
    const record = drive(h, w, p, 3, h * 100 + w);
    expectEachPixelOncePerStep(record);
    expect(record.plans.length).toBeGreaterThanOrEqual(minimumPatchCalls([1, 4, h, w], p, 3));
  });

  it('keeps the invariant for random sizes, patch sizes and seeds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 }),
        (h, w, p, steps, seed) => expectEachPixelOncePerStep(drive(h, w, p, steps, seed)),
      ),
      { numRuns: 60 },
    );
  });

  it('covers an image one patch large with one patch per step', () => {
    const record = drive(16, 16, 16, 4);
    expect(record.plans.length).toBe(4);
    expect(record.plans.map((p) => p.step)).toEqual([0, 1, 2, 3]);
  });

  it('places patches at random: the same seed repeats them, another seed does not', () => {
    const windows = (seed: number) => drive(40, 40, 8, 2, seed).plans.map((p) => `${p.box.top},${p.box.left}`).join(';');
    expect(windows(7)).toBe(windows(7));
    expect(windows(7)).not.toBe(windows(8));
  });

  it('ends its estimate at the number of patches it used, and never estimates below what it has done', () => {
    const { plans, estimates } = drive(50, 61, 16, 4);
    estimates.forEach((e, i) => expect(e).toBeGreaterThanOrEqual(i + 1));
    expect(estimates.at(-1)).toBe(plans.length);
  });

  it('estimates the total closely from the first patch on (a dry run of one round), well above the minimum', () => {
    const steps = 5, { plans, estimates } = drive(120, 90, 16, steps, 4);
    expect(Math.abs(estimates[0] - plans.length) / plans.length).toBeLessThan(0.1);
    expect(estimates[0]).toBeGreaterThan(minimumPatchCalls([1, 4, 120, 90], 16, steps) * 1.3);
  });

  it('refuses a size that is not a whole positive number', () => {
    expect(() => createPatchScheduler({ height: 0, width: 4, patchSize: 8, steps: 1, rng: createRng(1) })).toThrow(TesseraError);
    expect(() => createPatchScheduler({ height: 4, width: 4, patchSize: 2.5, steps: 1, rng: createRng(1) })).toThrow(TesseraError);
  });

  it('asks for the plan it gave out to be committed before the next one', () => {
    const scheduler = createPatchScheduler({ height: 20, width: 20, patchSize: 8, steps: 1, rng: createRng(1) });
    const plan = scheduler.next();
    expect(() => scheduler.next()).toThrow(/not committed/);
    expect(plan).not.toBeNull();
  });
});

describe('minimumPatchCalls', () => {
  it('is ⌈h/p⌉·⌈w/p⌉ per step', () => {
    expect(minimumPatchCalls([1, 4, 128, 128], 64, 20)).toBe(80);
    expect(minimumPatchCalls([1, 4, 65, 1], 64, 2)).toBe(4);
    expect(minimumPatchCalls([1, 4, 1024, 1024], 64, 1)).toBe(256);
  });
});
