import type { ImageSet } from './images.js';
import type { RunPlan } from './timing.js';

export interface BenchContext {
  readonly images: ImageSet;
  readonly plan: RunPlan;
}

/** One goal a suite checks. Printed, never asserted: a missed target does not fail the run. */
export interface TargetResult {
  readonly suite: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface Suite {
  /** The `--suite` name. */
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): readonly TargetResult[];
}

export function printTarget(result: TargetResult): void {
  console.log(`target: ${result.target} → measured ${result.measured}: ${result.met ? 'MET' : 'MISSED'}`);
}

/** Prints where each image came from, so the tables can use short names. */
export function printImageOrigins(images: readonly { name: string; origin: string }[]): void {
  console.log('images:');
  for (const image of images) console.log(`  ${image.name}: ${image.origin}`);
}
