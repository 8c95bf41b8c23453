import { parseArgs } from 'node:util';
import type { RunPlan } from './timing.js';

export interface BenchArgs {
  readonly plan: RunPlan;
  readonly quick: boolean;
  /** Suite names to run; empty = all. */
  readonly suites: readonly string[];
  readonly help: boolean;
}

export const USAGE = `usage: npm run bench -- [--quick] [--suite NAME]... [--runs N]
  --quick       3 timed runs per measurement instead of 15 (same 2 warm-up calls)
  --suite NAME  run only this suite (repeatable): pixelate, fullres-fs, extract, refine, generate-overhead, serve-load, upscale
  --runs N      timed runs per measurement for fast calls (calls slower than 250 ms always get 3)
  --help        this text`;

const FULL_RUNS = 15;
const QUICK_RUNS = 3;
/** Calls slower than SLOW_MS (image-q and libimagequant at 1024²) get SLOW_RUNS timed runs, to keep the whole bench to a few minutes. */
const SLOW_RUNS = 3;
const SLOW_MS = 250;
const WARMUP = 2;

/** Throws a plain Error with a readable message on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      suite: { type: 'string', multiple: true, default: [] },
      runs: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  let runs = values.quick ? QUICK_RUNS : FULL_RUNS;
  if (values.runs !== undefined) {
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1 (got "${values.runs}")`);
  }
  return {
    plan: { warmup: WARMUP, runs, slowRuns: Math.min(runs, SLOW_RUNS), slowMs: SLOW_MS },
    quick: values.quick,
    suites: values.suite,
    help: values.help,
  };
}
