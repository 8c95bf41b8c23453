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

/**
 * A step that needs async work done before the generator may go on (Refine's diffusion prior: a
 * model run every few iterations). The generator yields it and continues only once `run` has
 * resolved, which only an async driver can wait for: `runSliced` calls it with its signal;
 * `runSync` refuses it. Nothing starts until a driver calls `run`.
 */
export interface AwaitingProgress extends Progress {
  readonly run: (signal: AbortSignal | undefined) => Promise<void>;
}

export function isAwaiting(p: Progress): p is AwaitingProgress {
  return typeof (p as Partial<AwaitingProgress>).run === 'function';
}

const SLICE_MS = 12;
/** About 100 notifications per stage are plenty for a progress bar. */
const MIN_FRACTION_STEP = 0.01;

/**
 * Drives `steps` asynchronously: yields to the event loop every `sliceMs` of work (Infinity: only
 * where a step awaits, for a Worker that need not stay responsive) and waits for awaiting steps.
 */
export async function runSliced<T>(steps: Steps<T>, ctx: RunContext = {}, { sliceMs = SLICE_MS }: { sliceMs?: number } = {}): Promise<T> {
  const notify = throttle(ctx.onProgress);
  ctx.signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (isAwaiting(r.value)) {
      notify({ stage: r.value.stage, fraction: r.value.fraction });
      try {
        await r.value.run(ctx.signal);
      } catch (e) {
        if (ctx.signal?.aborted) throw cancelledError(ctx.signal); // the work saw the abort first
        throw e;
      }
      if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
      sliceStart = performance.now();
      continue;
    }
    notify(r.value);
    if (performance.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      if (ctx.signal?.aborted) throw cancelledError(ctx.signal);
      sliceStart = performance.now();
    }
  }
}

/** Runs `steps` straight through; a step that must await (see AwaitingProgress) is an `internal` error. */
export function runSync<T>(steps: Steps<T>, ctx: RunContext = {}): T {
  const notify = throttle(ctx.onProgress);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (isAwaiting(r.value)) {
      steps.return(undefined as T);
      throw new TesseraError('internal', 'This work waits for a model and cannot run synchronously.', { details: { stage: r.value.stage } });
    }
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
