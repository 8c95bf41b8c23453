import { TesseraError, toTesseraError } from '../core/errors.js';
import type { Progress, Stage } from '../core/progress.js';

/** What a caller (panel controller, CLI) hands a command: the Cancel button's signal and the progress bar. */
export interface CommandContext {
  readonly signal: AbortSignal;
  /** `fraction` is 0..1 over the whole command, not per stage. */
  readonly onProgress?: (p: CommandProgress) => void;
}

export interface CommandProgress {
  readonly stage: Stage | 'read' | 'write';
  readonly fraction: number;
  /** A line under the bar for long runs: "stage 1 of 2 · patch 37 of 256 · about 40 s left". */
  readonly detail?: string;
}

export type CommandOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: TesseraError };

/**
 * Runs a command for a caller that owns the AbortController: an abort becomes `cancelled`
 * (which the panel shows quietly), anything unknown becomes `internal`. Commands do not catch.
 */
export async function runCommand<T>(run: (ctx: CommandContext) => Promise<T>, ctx: CommandContext): Promise<CommandOutcome<T>> {
  try {
    return { ok: true, value: await run(ctx) };
  } catch (e) {
    const error = ctx.signal.aborted && !(e instanceof TesseraError && e.code !== 'cancelled') ? cancelled(e) : toTesseraError(e);
    return { ok: false, error };
  }
}

function cancelled(cause: unknown): TesseraError {
  return new TesseraError('cancelled', 'Cancelled.', { cause });
}

/** Share of the bar each core stage takes within the compute part; stages a run skips are jumped over. */
const STAGE_WEIGHTS: readonly (readonly [Stage, number])[] = [
  ['decode', 0.05],
  ['extract', 0.2],
  ['downscale', 0.3],
  ['map', 0.2],
  ['dither', 0.2],
  ['refine', 0.2],
  ['cleanup', 0.05],
  ['upscale', 0.1],
  ['encode', 0.05],
];
const TOTAL_WEIGHT = STAGE_WEIGHTS.reduce((s, [, w]) => s + w, 0);

/**
 * Maps core progress (per stage, 0..1) onto one bar from `from` to `to`, never moving backwards.
 */
export function stageProgress(onProgress: CommandContext['onProgress'], from: number, to: number): (p: Progress) => void {
  let last = from;
  return (p) => {
    if (!onProgress) return;
    let before = 0;
    for (const [stage, weight] of STAGE_WEIGHTS) {
      if (stage === p.stage) {
        const within = (before + weight * Math.min(1, Math.max(0, p.fraction))) / TOTAL_WEIGHT;
        last = Math.max(last, from + (to - from) * within);
        onProgress({ stage: p.stage, fraction: last });
        return;
      }
      before += weight;
    }
  };
}
