import type { RgbaImage } from '../../core/image.js';
import { createRng } from '../../core/random.js';
import type { ModelRunner } from '../model-runner.js';
import { alphaPlane, finishBand, isOpaque, opaquePadded } from './stage-image.js';
import { upsampleTo, type UpsampleOptions } from './upsample.js';
import { paddedToVaeBlock, planStages, type Size } from './upscale-plan.js';
import type { RefinePhase, RefineRun, RefineSettings, UpscaleRefiner } from './upscale-refiner.js';

export type UpscalePhase = 'upsample' | RefinePhase;

export interface UpscaleProgress {
  readonly phase: UpscalePhase;
  /** 1-based stage of the cascade, and how many there are. */
  readonly stage: number;
  readonly stages: number;
  /** 0..1 over the whole upscale. */
  readonly fraction: number;
  /** UNet calls so far over all stages, and the current estimate of the total (0 without refinement). */
  readonly patchesDone: number;
  readonly patchesTotal: number;
  /**
   * Elapsed time per UNet call so far × the calls left; null before the first call and after
   * the last (only decoding is left then). Per-call time includes the stages' encode and decode
   * share so far, which keeps the estimate honest when those are slow.
   */
  readonly secondsLeft: number | null;
}

export interface UpscaleImageOptions {
  readonly target: Size;
  /** One refinement stage however large the factor (else at most ×2 per stage). */
  readonly oneStep: boolean;
  /** null: upsample only. */
  readonly refiner: UpscaleRefiner | null;
  /** The learned ×2 network; null: Lanczos-3. */
  readonly learned: ModelRunner | null;
  /** `seed` is the first stage's; later stages draw theirs from it. */
  readonly refine: RefineSettings;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: UpscaleProgress) => void;
  /**
   * Streaming: the result in bands of full rows, top to bottom (as the last stage decodes them);
   * `upscaleImage` then resolves to null and never holds the whole output.
   */
  readonly onBand?: (y: number, band: RgbaImage) => void | Promise<void>;
}

/** Share of a refined stage's bar per phase: the UNet patches dominate, decoding beats encoding. */
const PHASE_SHARE: Record<UpscalePhase, readonly [number, number]> = {
  upsample: [0, 0.05],
  encode: [0.05, 0.15],
  refine: [0.15, 0.85],
  decode: [0.85, 1],
};
/** Rows per band when an unrefined result is streamed. */
const BAND_ROWS = 256;

/**
 * The upscale cascade (algorithms.md §2.1–2.3) on one image: for each stage (planStages: ×2 per
 * stage, ×4 = ×2 then ×2 unless `oneStep`), upsample the previous stage's result, pad it to
 * multiples of 8, refine it (tiled encode → Pixelsmith → tiled decode), crop, and put back the
 * upsampled alpha, so a sprite on a transparent layer stays one. Without a refiner it is one
 * upsampling straight to the target (cascading Lanczos only blurs more).
 *
 * What it holds: the source; the previous stage's result until it is upsampled; the upsampled
 * image (made opaque in place) until it is encoded; its alpha plane; and Pixelsmith's four
 * latents (1/16 of the image's bytes each). With `onBand` the last stage's output is never held
 * whole (bench/suites/upscale.ts measures the rest as flat from 1024² to 8192²).
 */
export async function upscaleImage(source: RgbaImage, options: UpscaleImageOptions): Promise<RgbaImage | null> {
  const { target, oneStep, refiner, learned, refine, signal, onProgress, onBand } = options;
  const started = performance.now();
  if (!refiner) {
    const report = (fraction: number) =>
      onProgress?.({ phase: 'upsample', stage: 1, stages: 1, fraction, patchesDone: 0, patchesTotal: 0, secondsLeft: null });
    report(0);
    const image = await upsampleTo(source, target, learned, { signal, onProgress: report });
    if (!onBand) return image;
    for (let y = 0; y < image.height; y += BAND_ROWS) {
      signal?.throwIfAborted();
      await onBand(y, rowsView(image, y, Math.min(BAND_ROWS, image.height - y)));
    }
    return null;
  }

  const sizes = planStages(source, target, oneStep);
  const padded = sizes.map(paddedToVaeBlock);
  const weights = sizes.map((s) => s.width * s.height);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const patches = padded.map((p) => refiner.patchCalls(p.width, p.height, refine.steps));
  const patchesBefore = (k: number) => patches.slice(0, k).reduce((a, b) => a + b, 0);
  const keepsAlpha = !isOpaque(source);
  const seeds = stageSeeds(refine.seed, sizes.length);

  let current: RgbaImage | null = source;
  let lastFraction = 0;
  for (let k = 0; k < sizes.length; k++) {
    const size = sizes[k];
    const stageStart = weights.slice(0, k).reduce((a, b) => a + b, 0) / totalWeight;
    let stagePatches = 0;
    const report = (phase: UpscalePhase, fraction: number) => {
      if (!onProgress) return;
      const [from, to] = PHASE_SHARE[phase];
      const done = patchesBefore(k) + stagePatches;
      const total = patches.reduce((a, b) => a + b, 0);
      const left = total - done;
      const elapsed = (performance.now() - started) / 1000;
      onProgress({
        phase,
        stage: k + 1,
        stages: sizes.length,
        // Never backwards, though the patch estimate grows (random centres overlap).
        fraction: (lastFraction = Math.max(lastFraction, stageStart + ((from + (to - from) * fraction) * weights[k]) / totalWeight)),
        patchesDone: done,
        patchesTotal: total,
        secondsLeft: done > 0 && left > 0 ? (elapsed / done) * left : null,
      });
    };

    const last = k === sizes.length - 1;
    const run: RefineRun = {
      signal,
      onProgress: (p) => {
        stagePatches = p.patchesDone;
        patches[k] = Math.max(p.patchesEstimate, p.patchesDone);
        report(p.phase, p.fraction);
      },
    };
    report('upsample', 0);
    const upsampleOptions = { signal, onProgress: (f: number) => report('upsample', f) };
    const stageModels = { learned, refiner, keepsAlpha, upsampleOptions, settings: { ...refine, seed: seeds[k] } };
    const streamed = last && onBand !== undefined;
    const runFor = (alpha: Uint8Array | null): RefineRun =>
      streamed
        ? {
            ...run,
            onBand: async (y: number, band: RgbaImage) => {
              const rows = Math.min(band.height, size.height - y);
              if (rows > 0) await onBand(y, finishBand(band, size.width, rows, alpha, y));
            },
          }
        : run;
    const stage = refineStage(current as RgbaImage, size, padded[k], stageModels, runFor);
    current = null; // from here only the stage holds the previous result, until it is upsampled
    current = await stage;
    if (streamed) return null;
  }
  return current as RgbaImage;
}

interface StageModels {
  readonly learned: ModelRunner | null;
  readonly refiner: UpscaleRefiner;
  readonly keepsAlpha: boolean;
  readonly upsampleOptions: UpsampleOptions;
  readonly settings: RefineSettings;
}

/**
 * Upsample → opaque padded copy → refine → crop and alpha, as a promise chain rather than an
 * async function, with no closure that mentions the images: V8 keeps one context per scope,
 * shared by every closure made in it, so one capture would keep the previous result or the
 * upsampled image alive while the patches run. This way each is garbage once used (an 8192²
 * stage frees 320 MB of them before its first patch). Resolves to the finished stage, or null
 * when the result was streamed.
 */
function refineStage(
  previous: RgbaImage,
  size: Size,
  padded: Size,
  stage: StageModels,
  runFor: (alpha: Uint8Array | null) => RefineRun,
): Promise<RgbaImage | null> {
  // upsampleTo returns `previous` itself for a ×1 stage: that one is not ours to overwrite.
  const owned = previous.width !== size.width || previous.height !== size.height;
  return upsampleTo(previous, size, stage.learned, stage.upsampleOptions).then((upsampled) => {
    const alpha = stage.keepsAlpha ? alphaPlane(upsampled) : null;
    const input = opaquePadded(upsampled, padded, { inPlace: owned });
    return stage.refiner.refine(input, stage.settings, runFor(alpha)).then((refined) => refined && finishBand(refined, size.width, size.height, alpha, 0));
  });
}

/**
 * The seed of each stage: the user's seed for the first (so a one-stage run uses exactly that
 * seed), then independent draws from it, so stages do not repeat one noise pattern at two scales.
 */
export function stageSeeds(seed: number, stages: number): number[] {
  const rng = createRng(seed).fork('upscale-stages');
  return Array.from({ length: stages }, (_, k) => (k === 0 ? seed : rng.int(2 ** 32)));
}

/** Rows [y, y + rows) of `image` without copying them (the sink reads a band before the next one comes). */
function rowsView(image: RgbaImage, y: number, rows: number): RgbaImage {
  return { width: image.width, height: rows, data: image.data.subarray(y * image.width * 4, (y + rows) * image.width * 4) };
}
