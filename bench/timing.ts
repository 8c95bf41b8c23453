/** How many times to run one measured call. */
export interface RunPlan {
  /** Untimed calls first, so the JIT, caches and wasm memory settle (at least 2). */
  readonly warmup: number;
  /** Timed calls for fast work. */
  readonly runs: number;
  /** Timed calls when a warm-up call took longer than `slowMs` (slow peers), to keep the whole bench short. */
  readonly slowRuns: number;
  readonly slowMs: number;
}

export interface Timing {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly minMs: number;
  /** Timed calls actually made. */
  readonly runs: number;
}

export interface Measured<T> {
  readonly timing: Timing;
  /** What the last call returned, for quality figures outside the timed loop. */
  readonly result: T;
}

/** Warm up, then time `fn` run by run with performance.now; median and p90 (nearest rank). */
export function measure<T>(fn: () => T, plan: RunPlan): Measured<T> {
  let result = fn();
  let lastWarmupMs = 0;
  for (let i = 1; i < Math.max(2, plan.warmup); i++) {
    const t0 = performance.now();
    result = fn();
    lastWarmupMs = performance.now() - t0;
  }
  const runs = lastWarmupMs > plan.slowMs ? Math.min(plan.runs, plan.slowRuns) : plan.runs;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = fn();
    samples.push(performance.now() - t0);
  }
  return { timing: summarise(samples), result };
}

export function summarise(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return {
    medianMs: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    p90Ms: sorted[Math.max(0, Math.ceil(0.9 * sorted.length) - 1)], // nearest rank
    minMs: sorted[0],
    runs: sorted.length,
  };
}
