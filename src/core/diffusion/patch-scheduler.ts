import { TesseraError, assert } from '../errors.js';
import type { Rng } from '../random.js';
import type { LatentShape } from './latents.js';
import type { PatchWindow } from './latent-window.js';

/**
 * Where the next patch goes, so that every latent pixel is denoised exactly once per timestep
 * (algorithms.md §2.5, DiffInfinite-style). The run proceeds in rounds, one per DDIM step: a
 * patch is centred on a random pixel among the least-denoised ones (those still waiting in the
 * current round), clamped into the image; its "fresh" pixels are stepped, the others (already
 * stepped this round) only give context. A round ends when every pixel has been stepped.
 *
 * Pixelsmith draws a new random permutation of the least-denoised pixels for every patch, an
 * O(h·w) scan per patch (256 patches × 1M pixels per step at 1024² latents). Walking one random
 * permutation per round and skipping the pixels already stepped picks from the same
 * distribution, the first waiting pixel of a uniformly shuffled order being uniform among the
 * waiting ones, in O(1) amortised per patch.
 */
export interface PatchPlan {
  readonly box: PatchWindow;
  /** The round: every fresh pixel goes from step `step` to `step + 1` (0-based DDIM step index). */
  readonly step: number;
  /** Window-sized, row-major: 1 where this patch steps the pixel, 0 where it was stepped earlier this round. */
  readonly fresh: Uint8Array;
  readonly freshCount: number;
}

export interface PatchScheduler {
  /** The next patch, or null when every pixel has been through every step. */
  next(): PatchPlan | null;
  /** Marks the plan's fresh pixels as stepped; true when that completed the round. */
  commit(plan: PatchPlan): boolean;
  /** The current round (= the steps every waiting pixel has had). */
  readonly step: number;
  /** Best current estimate of the total number of patches over the run. */
  estimateTotalPatches(): number;
}

export interface PatchSchedulerOptions {
  readonly height: number;
  readonly width: number;
  /** Side of a patch; a latent smaller than this in one dimension is covered whole in that dimension. */
  readonly patchSize: number;
  readonly steps: number;
  readonly rng: Rng;
}

export function createPatchScheduler(options: PatchSchedulerOptions): PatchScheduler {
  const { height, width, patchSize, steps, rng } = options;
  for (const [name, value] of [['height', height], ['width', width], ['patchSize', patchSize], ['steps', steps]] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new TesseraError('invalid-input', `The patch schedule needs a whole ${name} of at least 1 (got ${value}).`, {
        details: { [name]: value },
      });
    }
  }
  const pixels = height * width;
  const windowHeight = Math.min(patchSize, height), windowWidth = Math.min(patchSize, width);
  const order = new Int32Array(pixels);
  for (let i = 0; i < pixels; i++) order[i] = i;
  shuffleInPlace(order, rng);
  // The time map: the step every pixel has reached is `round + stepped[i]`, since rounds are strict.
  const stepped = new Uint8Array(pixels);
  let round = 0, cursor = 0, waiting = pixels, pending: PatchPlan | null = null;
  let callsInRound = 0, callsInFinishedRounds = 0;

  const next = (): PatchPlan | null => {
    if (round >= steps) return null;
    assert(pending === null, 'the previous patch was not committed');
    while (stepped[order[cursor]] === 1) cursor++;
    const centre = order[cursor];
    const cy = Math.floor(centre / width), cx = centre - cy * width;
    const top = clamp(cy - (windowHeight >> 1), 0, height - windowHeight);
    const left = clamp(cx - (windowWidth >> 1), 0, width - windowWidth);
    const fresh = new Uint8Array(windowHeight * windowWidth);
    let freshCount = 0;
    for (let y = 0; y < windowHeight; y++) {
      const row = (top + y) * width + left, o = y * windowWidth;
      for (let x = 0; x < windowWidth; x++) {
        const f = 1 - stepped[row + x];
        fresh[o + x] = f;
        freshCount += f;
      }
    }
    pending = { box: { top, left, height: windowHeight, width: windowWidth }, step: round, fresh, freshCount };
    return pending;
  };

  const commit = (plan: PatchPlan): boolean => {
    assert(plan === pending, 'commit() takes the plan next() returned last');
    pending = null;
    const { top, left, height: wh, width: ww } = plan.box;
    for (let y = 0; y < wh; y++) {
      const row = (top + y) * width + left, o = y * ww;
      for (let x = 0; x < ww; x++) if (plan.fresh[o + x] === 1) stepped[row + x] = 1;
    }
    waiting -= plan.freshCount;
    callsInRound++;
    if (waiting > 0) return false;
    round++;
    callsInFinishedRounds += callsInRound;
    callsInRound = 0;
    waiting = pixels;
    cursor = 0;
    stepped.fill(0);
    if (round < steps) shuffleInPlace(order, rng);
    return true;
  };

  // Random centres overlap, so a round takes about twice the minimum number of patches, by an
  // amount that depends on the shape; a dry run of one round (no model, ~O(h·w)) measures it up
  // front, so the first estimate is already close. Finished rounds take over once there are any.
  let dryRunPatches = 0;
  const estimateTotalPatches = (): number => {
    const done = callsInFinishedRounds + callsInRound;
    if (round >= steps) return done;
    if (round === 0 && dryRunPatches === 0) dryRunPatches = countRoundPatches(height, width, patchSize, rng.fork('estimate'));
    const perRound = round > 0 ? callsInFinishedRounds / round : dryRunPatches;
    return Math.round(done + Math.max(perRound - callsInRound, 1) + perRound * (steps - round - 1));
  };

  return {
    next,
    commit,
    get step() {
      return round;
    },
    estimateTotalPatches,
  };
}

/** How many UNet calls a run takes at least: ⌈h/p⌉·⌈w/p⌉ per step (random centres overlap, adding more). */
export function minimumPatchCalls(shape: LatentShape, patchSize: number, steps: number): number {
  return Math.ceil(shape[2] / patchSize) * Math.ceil(shape[3] / patchSize) * steps;
}

/** Patches one round takes with these centres: a scheduler of one step, run dry. */
function countRoundPatches(height: number, width: number, patchSize: number, rng: Rng): number {
  const dryRun = createPatchScheduler({ height, width, patchSize, steps: 1, rng });
  let patches = 0;
  for (let plan = dryRun.next(); plan; plan = dryRun.next()) {
    dryRun.commit(plan);
    patches++;
  }
  return patches;
}

function shuffleInPlace(values: Int32Array, rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
