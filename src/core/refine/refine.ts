import { TesseraError } from '../errors.js';
import type { PaletteMatcher } from '../palette/matcher.js';
import type { CellGrid } from '../pixelate/downscale.js';
import type { AwaitingProgress, Steps } from '../progress.js';
import { createRng, type Rng } from '../random.js';
import { SD_PIXL_ADAMW, adamWStep, clipFactor, createAdamWState, type AdamWOptions, type AdamWState } from './adamw.js';
import { nearestCandidates, type Candidates } from './candidates.js';
import { createRefinePalette, fillGumbelNoise, renderSoftInto, type RefinePalette } from './gumbel-softmax.js';
import { argmaxInto, initLogits, recentreLogits } from './logits.js';
import { createRenderedCells } from './loss.js';
import { createObjective, type LossWeights, type Objective } from './objective.js';
import { priorTimestepAt, priorTimestepWeight, type PriorImage, type RefinePrior } from './prior.js';
import { baseTemperatureAt, learningRateAt, temperatureAt } from './schedule.js';
import { createRefineTarget, type RefineTarget } from './target.js';

/** What the live preview gets every `previewEvery` iterations. */
export interface RefinePreview {
  /** Iterations done so far (1..iterations). */
  readonly iteration: number;
  readonly iterations: number;
  /** Argmax of the current logits, as the final result would be now: palette index, -1 transparent. Reused between calls: copy to keep. */
  readonly indices: Int16Array;
  /** Weighted objective at this iteration (with noise). */
  readonly loss: number;
}

export interface RefineOptions {
  /** Optimiser steps (default 500). */
  readonly iterations?: number;
  /** Seeds the Gumbel noise and temperature jitter (default 1). */
  readonly seed?: number;
  /**
   * 0..1, "drawn ↔ faithful" (default 0.5): low values weight the smoothness terms (flat areas,
   * clean shapes, few stray pixels); high ones the fidelity terms (closer tones, more dither-like
   * texture). Sets the four weights below unless they are given.
   */
  readonly faithfulness?: number;
  readonly fidelityWeight?: number;
  readonly blurredWeight?: number;
  readonly fftWeight?: number;
  readonly tvWeight?: number;
  /**
   * Evaluate the FFT term (the costliest) every this many iterations, at this many times its
   * weight, like StyleGAN2's lazy regularisation: the same gradient on average over iterations
   * for half the cost at the default 2; 1 evaluates it every time, as SD-πXL does.
   */
  readonly fftEvery?: number;
  /** Palette colours each cell may take: its nearest this many in OKLab (default 4; see candidates.ts). */
  readonly candidates?: number;
  /** Blur of the blurred-fidelity term in cells (default 1, as metrics.ts scores blurred ΔE). */
  readonly blurSigma?: number;
  /**
   * AdamW learning rate (default 0.1) and linear warm-up (default 25 steps). SD-πXL's 0.025 and
   * 250 are tuned for 10,000+ steps; within 500 they leave the logits near their start (a two-colour
   * gradient barely dithers), so both are scaled to the shorter run.
   */
  readonly learningRate?: number;
  readonly warmupSteps?: number;
  /** Global gradient-norm clip (default 1). */
  readonly clipNorm?: number;
  readonly weightDecay?: number;
  /**
   * Gumbel-softmax temperature, annealed geometrically from start to end (defaults 1 → 0.2), times
   * a random factor in [1 − jitter, 1 + jitter] (default 0.5: SD-πXL's U(0.5, 1.5)); schedule.ts.
   */
  readonly tauStart?: number;
  readonly tauEnd?: number;
  readonly tauJitter?: number;
  /** Calls `onPreview` every this many iterations and after the last (default 25). */
  readonly previewEvery?: number;
  readonly onPreview?: (preview: RefinePreview) => void;
  /**
   * A diffusion prior (prior.ts): asked for a target every `priorEvery` iterations (from the
   * first), which the objective then pulls toward with `priorWeight` × priorTimestepWeight(t).
   * Refining with it needs an async driver (runSliced). Absent: Refine on its own.
   */
  readonly prior?: RefinePrior;
  /** The prior term's weight against fidelity's 1 (default 1); 0 never calls the prior. */
  readonly priorWeight?: number;
  /** Iterations between prior targets (default 10): each costs three model runs. */
  readonly priorEvery?: number;
}

export type ResolvedRefineOptions = Required<Omit<RefineOptions, 'onPreview' | 'prior'>> & Pick<RefineOptions, 'onPreview' | 'prior'>;

export const DEFAULT_REFINE_OPTIONS = {
  iterations: 500,
  seed: 1,
  faithfulness: 0.5,
  fftEvery: 2,
  candidates: 4,
  blurSigma: 1,
  learningRate: 0.1,
  warmupSteps: 25,
  clipNorm: 1,
  weightDecay: 0.01,
  tauStart: 1,
  tauEnd: 0.2,
  tauJitter: 0.5,
  previewEvery: 25,
  priorWeight: 1,
  priorEvery: 10,
} as const;

/**
 * Weights for a faithfulness f in 0..1. Fidelity is the unit; the blurred term (weight 2..4)
 * rewards patterns that average to the right tone; FFT and TV pull towards flat, drawn-looking
 * areas as f falls. SD-πXL weighs its FFT term 20 against an SDS gradient, a scale with no
 * counterpart here (and its unnormalised FFT reads √(H·W) = 64 times ours at 64²), so the weights
 * are set against our fidelity term: on the bench photos, f = 0 keeps orphan pixels near nearest
 * mapping's rate, f = 1 (fidelity terms only) brings blurred ΔE near Floyd–Steinberg's.
 */
export function weightsForFaithfulness(f: number): LossWeights {
  return {
    fidelity: 1,
    blurred: 2 + 2 * f,
    fft: 0.04 * (1 - f),
    tv: 0.06 * (1 - f) ** 2,
  };
}

export function resolveRefineOptions(options: RefineOptions = {}): ResolvedRefineOptions {
  const o = { ...DEFAULT_REFINE_OPTIONS, ...stripUndefined(options) };
  checkNumber('faithfulness', o.faithfulness, 0, 1);
  const w = weightsForFaithfulness(o.faithfulness);
  const resolved = {
    ...o,
    fidelityWeight: options.fidelityWeight ?? w.fidelity,
    blurredWeight: options.blurredWeight ?? w.blurred,
    fftWeight: options.fftWeight ?? w.fft,
    tvWeight: options.tvWeight ?? w.tv,
  };
  checkInteger('number of iterations', resolved.iterations, 0, 100_000);
  checkInteger('seed', resolved.seed, 0, 2 ** 32 - 1);
  for (const name of ['fidelityWeight', 'blurredWeight', 'fftWeight', 'tvWeight', 'weightDecay'] as const) checkNumber(name, resolved[name], 0, 1e6);
  checkInteger('FFT interval', resolved.fftEvery, 1, 1000);
  checkInteger('number of candidate colours', resolved.candidates, 1, 256);
  checkNumber('blur sigma', resolved.blurSigma, 0.1, 16);
  checkNumber('learning rate', resolved.learningRate, 0, 10);
  checkInteger('warm-up steps', resolved.warmupSteps, 0, 100_000);
  checkNumber('gradient clip', resolved.clipNorm, 1e-9, 1e9);
  checkNumber('start temperature', resolved.tauStart, 1e-3, 100);
  checkNumber('end temperature', resolved.tauEnd, 1e-3, 100);
  checkNumber('temperature jitter', resolved.tauJitter, 0, 0.99);
  checkInteger('preview interval', resolved.previewEvery, 1, 100_000);
  checkNumber('prior weight', resolved.priorWeight, 0, 1e6);
  checkInteger('prior interval', resolved.priorEvery, 1, 100_000);
  return resolved;
}

/**
 * SD-πXL-style palette optimisation: per-cell logits over the palette, a soft Gumbel-softmax
 * render, fidelity / blurred-fidelity / FFT / TV losses with hand-written gradients, AdamW with
 * warm-up and clipping, re-centring after each step, and the argmax at the end; with a diffusion
 * prior, a pull toward the model's guess refreshed every few iterations. Same contract as a
 * `Ditherer`: palette index per cell, -1 where transparent. Yields progress (stage 'refine') once
 * per iteration, and an AwaitingProgress before each iteration that needs a new prior target.
 */
export function* refineSteps(grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, options: RefineOptions = {}): Steps<Int16Array> {
  const o = resolveRefineOptions(options);
  yield { stage: 'refine', fraction: 0 };
  const state = createRefineState(grid, opaque, matcher, o);
  const prior = state.prior;
  for (let it = 0; it < o.iterations; it++) {
    if (prior && it % o.priorEvery === 0) yield priorRequest(state, prior, it);
    const loss = refineIteration(state, it);
    if (o.onPreview && ((it + 1) % o.previewEvery === 0 || it + 1 === o.iterations)) {
      argmaxInto(state.logits, state.candidates, opaque, state.indices);
      o.onPreview({ iteration: it + 1, iterations: o.iterations, indices: state.indices, loss });
    }
    yield { stage: 'refine', fraction: (it + 1) / o.iterations };
  }
  return argmaxInto(state.logits, state.candidates, opaque, new Int16Array(opaque.length));
}

interface RefineState {
  readonly options: ResolvedRefineOptions;
  readonly target: RefineTarget;
  readonly palette: RefinePalette;
  readonly candidates: Candidates;
  readonly logits: Float64Array;
  /** Gumbel noise in, gradient out (see Objective.evaluate). */
  readonly work: Float64Array;
  readonly objective: Objective;
  readonly adam: AdamWState;
  readonly adamOptions: AdamWOptions;
  /** Term scales for `fftEvery`: the FFT term at fftEvery× its weight, or skipped; both carry the current prior target's weight. */
  readonly fftDue: { readonly fft: number; prior: number };
  readonly fftSkipped: { readonly fft: number; prior: number };
  readonly noiseRng: Rng;
  readonly tauRng: Rng;
  readonly indices: Int16Array;
  /** null without a prior, or with its weight 0. */
  readonly prior: PriorState | null;
}

interface PriorState {
  readonly call: RefinePrior;
  /** Its own stream, so a prior run draws nothing from the Gumbel or temperature streams. */
  readonly rng: Rng;
}

function createRefineState(grid: CellGrid, opaque: Uint8Array, matcher: PaletteMatcher, o: ResolvedRefineOptions): RefineState {
  if (opaque.length !== grid.width * grid.height) {
    throw new TesseraError('invalid-input', 'The opacity mask does not match the grid.', { details: { cells: grid.width * grid.height, mask: opaque.length } });
  }
  const target = createRefineTarget(grid.width, grid.height, grid.linear, opaque);
  const palette = createRefinePalette(matcher.oklab, matcher.linear);
  const withPrior = o.prior !== undefined && o.priorWeight !== 0;
  const weights: LossWeights = { fidelity: o.fidelityWeight, blurred: o.blurredWeight, fft: o.fftWeight, tv: o.tvWeight, prior: withPrior ? o.priorWeight : 0 };
  const candidates = nearestCandidates(target, palette, o.candidates);
  const logits = initLogits(target, palette, candidates);
  const rng = createRng(o.seed);
  return {
    options: o,
    target,
    palette,
    candidates,
    logits,
    work: new Float64Array(logits.length),
    objective: createObjective(target, palette, candidates, weights, o.blurSigma),
    adam: createAdamWState(logits.length),
    adamOptions: { ...SD_PIXL_ADAMW, weightDecay: o.weightDecay },
    fftDue: { fft: o.fftEvery, prior: 0 },
    fftSkipped: { fft: 0, prior: 0 },
    noiseRng: rng.fork('gumbel'),
    tauRng: rng.fork('tau'),
    indices: new Int16Array(opaque.length),
    prior: withPrior && o.prior ? { call: o.prior, rng: rng.fork('prior') } : null,
  };
}

/**
 * The step that asks the prior for a new target before iteration `it`: the soft image (plain
 * softmax at the annealed temperature, no Gumbel noise) and the request are made now, the model
 * runs when the driver calls `run`, and the answer replaces the prior term's target and weight.
 */
function priorRequest(s: RefineState, prior: PriorState, it: number): AwaitingProgress {
  const o = s.options;
  const soft = softImage(s, baseTemperatureAt(it, o.iterations, o.tauStart, o.tauEnd));
  const seed = prior.rng.int(2 ** 32);
  const timestep = priorTimestepAt(it, o.iterations, prior.rng);
  const weight = priorTimestepWeight(timestep);
  return {
    stage: 'refine',
    fraction: it / o.iterations,
    run: async (signal) => {
      const target = await prior.call(soft, { seed, iteration: it, iterations: o.iterations, timestep, ...(signal ? { signal } : {}) });
      s.objective.prior?.setTarget(target);
      s.fftDue.prior = weight;
      s.fftSkipped.prior = weight;
    },
  };
}

/** The current logits rendered without noise, in linear light, as the prior sees them. */
function softImage(s: RefineState, tau: number): PriorImage {
  const { target, candidates } = s;
  const render = createRenderedCells(target.width * target.height);
  renderSoftInto(s.logits, null, tau, candidates, s.palette, target, new Float64Array(s.logits.length), render);
  return { width: target.width, height: target.height, linear: Float32Array.from(render.linear) };
}

/** One optimiser step; a plain function so V8 optimises the loops (generator bodies run slower). */
function refineIteration(s: RefineState, it: number): number {
  const o = s.options;
  const tau = temperatureAt(it, o.iterations, o.tauStart, o.tauEnd, o.tauJitter, s.tauRng);
  fillGumbelNoise(s.noiseRng, s.work);
  const loss = s.objective.evaluate(s.logits, s.work, tau, s.work, it % o.fftEvery === 0 ? s.fftDue : s.fftSkipped);
  const lr = learningRateAt(it, o.learningRate, o.warmupSteps);
  adamWStep(s.adam, s.logits, s.work, lr, s.adamOptions, clipFactor(s.work, o.clipNorm));
  recentreLogits(s.logits, s.candidates.k);
  return loss;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkNumber(what: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !(v >= min && v <= max)) {
    throw new TesseraError('invalid-input', `The refine ${what} must be between ${min} and ${max} (got ${String(v)}).`);
  }
}

function checkInteger(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new TesseraError('invalid-input', `The refine ${what} must be a whole number from ${min} to ${max} (got ${String(v)}).`);
  }
}
