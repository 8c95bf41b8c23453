import { TesseraError } from '../errors.js';
import { createRng } from '../random.js';
import { applyChessMaskInto, drawChessParity } from './chess-mask.js';
import { ddimSchedule } from './ddim-schedule.js';
import { noisyGuidanceWindowInto } from './guidance-latents.js';
import { gaussianLatents, latentSize, type LatentShape } from './latents.js';
import { centredOffset, cropPlanes, padReflect, type PatchWindow } from './latent-window.js';
import { addNoise, ddimStep } from './noise-schedule.js';
import { defaultBandWidth, writeBackCodesInto, writeBackInto } from './overlap-band.js';
import { createPatchScheduler, type PatchPlan } from './patch-scheduler.js';
import { createPhaseFusion } from './phase-fusion.js';

export { rescaleSlider } from './ddim-schedule.js';
export { minimumPatchCalls } from './patch-scheduler.js';
export type { PatchWindow } from './latent-window.js';

/**
 * ε̂ for one patch: `patch` is [1, C, ph, pw] latents at noise level `timestep` (read-only: the
 * loop reads it again after the call); returns a new array of the same length. `window` is where
 * the patch lies in the whole latent, before any padding: always given, for models with position
 * conditioning (SDXL's crop coordinates) and for tests; most models ignore it.
 */
export type PatchDenoiser = (
  patch: Float32Array,
  shape: LatentShape,
  timestep: number,
  signal?: AbortSignal,
  box?: PatchWindow,
) => Promise<Float32Array>;

export interface PixelsmithProgress {
  /** 0-based DDIM step index. */
  readonly step: number;
  readonly steps: number;
  /** UNet calls so far over the whole run. */
  readonly patchesDone: number;
  /** Best current estimate of the total (grows a little: random centres overlap). */
  readonly patchesEstimate: number;
}

export interface PixelsmithOptions {
  /** [1, C, h, w] of the target latent; any h, w ≥ 1. */
  readonly shape: LatentShape;
  /** z₀^guid: the encoded upsampled image (TAESD latents: no scaling factor). */
  readonly guidance: Float32Array;
  /** DDIM steps, leading spacing, steps_offset 1 (50 → 981…1). 1..999. */
  readonly steps: number;
  /**
   * Guided steps counted from the noisiest, 0..steps (more counts as steps). 0 = no guidance at
   * all: the run starts from the seed's noise ε alone and never looks at `guidance`, i.e. plain
   * patch-wise text-to-image. k ≥ 1: it starts from guid[0] (Pixelsmith's initial latent,
   * algorithms.md §2.4), fuses phases at steps 1..k−1 (at step 0 the patch is guid[0] itself,
   * so fusion would be the identity) and applies the chess mask after steps 0..k−2.
   */
  readonly slider: number;
  /** The UNet's native latent size (64 for 512-px models). */
  readonly patchSize: number;
  /** 'fixed': the UNet accepts only patchSize×patchSize (pad by reflection when the latent is smaller, crop back); 'up-to': a smaller latent is denoised at its own size. */
  readonly patchShape: 'fixed' | 'up-to';
  readonly seed: number;
  readonly denoise: PatchDenoiser;
  /**
   * Latent pixels around a patch's fresh region that are averaged with their earlier value
   * (algorithms.md §2.5 step 8). Default: Pixelsmith's 10 for 128-pixel patches, scaled to
   * `patchSize` (5 for 64). 0 turns the averaging off.
   */
  readonly bandWidth?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: PixelsmithProgress) => void;
}

/**
 * The Pixelsmith reverse process (algorithms.md §2.4–2.8) over the whole latent, one patch at a
 * time; returns the final latent (x̂₀). Cancel is honoured between patches: once `signal` is
 * aborted, `denoise` is not called again and nothing more is computed.
 *
 * Memory: the latent, the shared noise ε and the round's snapshot (three latents), a byte per
 * pixel of time map and an int per pixel of centre order, plus patch-sized buffers. The guidance
 * is read, never copied. One deliberate change from Pixelsmith's order: the stale-context fix
 * comes before the phase fusion, so the fusion sees a patch entirely at the step's noise level,
 * as guid[k] is, rather than fusing pixels that are then thrown away.
 */
export async function pixelsmithRefine(options: PixelsmithOptions): Promise<Float32Array> {
  const { shape, guidance, steps, patchSize, patchShape, seed, denoise, signal, onProgress } = options;
  checkOptions(options);
  const [, channels, height, width] = shape;
  const slider = Math.min(options.slider, steps);
  const bandWidth = options.bandWidth ?? defaultBandWidth(patchSize);
  const { timesteps, previous } = ddimSchedule(steps);

  signal?.throwIfAborted();
  const noise = gaussianLatents(shape, seed);
  // Without guidance ε is needed only as the start, so the latent takes its buffer over.
  const latent = slider > 0 ? addNoise(guidance, noise, timesteps[0]) : noise;
  const snapshot = latent.slice(); // the latents at the start of the current round (`prev_latents`)
  const rng = createRng(seed);
  const scheduler = createPatchScheduler({ height, width, patchSize, steps, rng: rng.fork('pixelsmith-centres') });
  const chessRng = rng.fork('pixelsmith-chess');

  // Every window has the same size, so the patch buffers are made once.
  const wh = Math.min(patchSize, height), ww = Math.min(patchSize, width);
  const padded = patchShape === 'fixed' && (wh < patchSize || ww < patchSize);
  const modelHeight = padded ? patchSize : wh, modelWidth = padded ? patchSize : ww;
  const inner: PatchWindow = { top: centredOffset(wh, modelHeight), left: centredOffset(ww, modelWidth), height: wh, width: ww };
  const z = new Float32Array(channels * wh * ww), guid = new Float32Array(z.length);
  const codes = new Uint8Array(wh * ww), table = new Int32Array((wh + 1) * (ww + 1));
  const fusion = slider > 1 ? createPhaseFusion(wh, ww) : null;

  let patchesDone = 0;
  for (let plan = scheduler.next(); plan; plan = scheduler.next()) {
    signal?.throwIfAborted();
    const k = plan.step, t = timesteps[k], { box } = plan;
    gatherPatchInto(z, latent, snapshot, channels, height, width, plan);
    if (fusion && k > 0 && k < slider) {
      noisyGuidanceWindowInto(guid, guidance, noise, channels, height, width, box, t);
      fusion.fuseInto(z, guid, channels);
    }
    const input = padded ? padReflect(z, channels, wh, ww, modelHeight, modelWidth, inner.top, inner.left) : z;
    const output = await denoise(input, [1, channels, modelHeight, modelWidth], t, signal, box);
    signal?.throwIfAborted();
    if (output?.length !== input.length) {
      throw new TesseraError('model-mismatch', 'The diffusion model returned a noise estimate of the wrong size for its patch.', {
        details: { expected: input.length, actual: output?.length ?? null, patch: [1, channels, modelHeight, modelWidth] },
      });
    }
    const epsHat = padded ? cropPlanes(output, channels, modelHeight, modelWidth, inner) : output;
    const stepped = ddimStep(z, epsHat, t, previous[k]);
    if (k + 1 < slider) {
      noisyGuidanceWindowInto(guid, guidance, noise, channels, height, width, box, timesteps[k + 1]);
      applyChessMaskInto(stepped, guid, channels, wh, ww, drawChessParity(chessRng));
    }
    writeBackCodesInto(codes, plan.fresh, wh, ww, bandWidth, table);
    writeBackInto(latent, channels, height, width, box, stepped, codes);
    if (scheduler.commit(plan) && scheduler.step < steps) snapshot.set(latent);
    patchesDone++;
    onProgress?.({ step: k, steps, patchesDone, patchesEstimate: scheduler.estimateTotalPatches() });
  }
  return latent;
}

/**
 * The stale-context fix (algorithms.md §2.5 step 4): fresh pixels come from the latent, the ones
 * already stepped this round from the round's snapshot, so the model sees one noise level.
 */
function gatherPatchInto(
  z: Float32Array,
  latent: Float32Array,
  snapshot: Float32Array,
  channels: number,
  height: number,
  width: number,
  plan: PatchPlan,
): void {
  const { top, left, height: wh, width: ww } = plan.box, fresh = plan.fresh, plane = height * width;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < wh; y++) {
      const row = c * plane + (top + y) * width + left, o = (c * wh + y) * ww, m = y * ww;
      for (let x = 0; x < ww; x++) z[o + x] = fresh[m + x] === 1 ? latent[row + x] : snapshot[row + x];
    }
  }
}

function checkOptions(options: PixelsmithOptions): void {
  const { shape, guidance, slider, patchSize, bandWidth } = options;
  const n = latentSize(shape);
  if (shape[0] !== 1) {
    throw new TesseraError('invalid-input', `Upscaling works on one latent at a time (got a batch of ${shape[0]}).`, {
      details: { shape: [...shape] },
    });
  }
  if (guidance.length !== n) {
    throw new TesseraError('invalid-input', 'The encoded image does not match the latent size to refine.', {
      details: { expected: n, actual: guidance.length, shape: [...shape] },
    });
  }
  if (!Number.isInteger(slider) || slider < 0) {
    throw new TesseraError('invalid-input', `The Slider must be a whole number of steps, 0 or more (got ${slider}).`, { details: { slider } });
  }
  if (!Number.isInteger(patchSize) || patchSize < 1) {
    throw new TesseraError('invalid-input', `The model's patch size must be a whole number of latent pixels (got ${patchSize}).`, {
      details: { patchSize },
    });
  }
  if (bandWidth !== undefined && (!Number.isInteger(bandWidth) || bandWidth < 0)) {
    throw new TesseraError('invalid-input', `The overlap band must be a whole number of latent pixels, 0 or more (got ${bandWidth}).`, {
      details: { bandWidth },
    });
  }
}
