import { TesseraError } from './errors.js';

/** Named stages of long work; the command maps them onto one progress bar. */
export type Stage = 'decode' | 'downscale' | 'extract' | 'map' | 'dither' | 'refine' | 'cleanup' | 'upscale' | 'encode';

/** `fraction` is 0..1 within `stage`. */
export interface Progress {
  readonly stage: Stage;
  readonly fraction: number;
}

export interface RunContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

/**
 * Long CPU work is written as a generator that yields progress at natural boundaries (a row, an
 * iteration). Drivers decide when to hand control back: `runSliced` yields to the event loop
 * between slices so a UI thread without Workers (UXP) stays alive; `runSync` runs straight
 * through for the CLI and benchmarks. Both produce identical results.
 */
export type Steps<T> = Generator<Progress, T, void>;

const SLICE_MS = 12;
/** About 100 notifications per stage are plenty for a progress bar. */
const MIN_FRACTION_STEP = 0.01;

export async function runSliced<T>(steps: Steps<T>, ctx: RunContext = {}): Promise<T> {
  const notify = throttle(ctx.onProgress);
  ctx.signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    notify(r.value);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await yieldToEventLoop();
      if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
      sliceStart = performance.now();
    }
  }
}

export function runSync<T>(steps: Steps<T>, ctx: RunContext = {}): T {
  const notify = throttle(ctx.onProgress);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    notify(r.value);
  }
}


function throttle(onProgress: RunContext['onProgress']): (p: Progress) => void {
  if (!onProgress) return () => {};
  let lastStage: Stage | null = null;
  let lastFraction = -1;
  return (p) => {
    if (p.stage !== lastStage || p.fraction >= 1 || p.fraction - lastFraction >= MIN_FRACTION_STEP) {
      lastStage = p.stage;
      lastFraction = p.fraction;
      onProgress(p);
    }
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function cancelledError(signal: AbortSignal): TesseraError {
  return new TesseraError('cancelled', 'Cancelled.', { cause: signal.reason });
}
