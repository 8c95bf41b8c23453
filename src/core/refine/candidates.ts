import type { RefinePalette } from './gumbel-softmax.js';
import type { RefineTarget } from './target.js';

/**
 * The palette entries each cell may take: its `k` nearest in OKLab, nearest first (ties to the
 * lower index). The logits are [cells, k], not [cells, n]: a colour far from a cell's target
 * hardly ever wins there under these losses (on the bench photos k = 4 scores as well as all 16
 * PICO-8 colours), while every logit costs noise, an exponential, a palette mix and an optimiser
 * update per iteration. With k fixed, an iteration costs about the same for 16 colours as for
 * 256. k ≥ n keeps every colour (SD-πXL's dense [H, W, n]).
 */
export interface Candidates {
  readonly k: number;
  /** Palette index per (cell, slot), row-major [cells, k]; 0 for transparent cells. */
  readonly index: Uint8Array;
}

export function nearestCandidates(target: RefineTarget, palette: RefinePalette, maxK: number): Candidates {
  const n = palette.size, k = Math.max(1, Math.min(n, maxK));
  const { opaque, oklab: t } = target;
  const p = palette.oklab;
  const index = new Uint8Array(opaque.length * k);
  const distance = new Float64Array(n);
  const order = new Uint8Array(n);
  for (let i = 0; i < opaque.length; i++) {
    if (!opaque[i]) continue;
    for (let j = 0; j < n; j++) {
      const dL = t[i * 3] - p[j * 3], da = t[i * 3 + 1] - p[j * 3 + 1], db = t[i * 3 + 2] - p[j * 3 + 2];
      distance[j] = dL * dL + da * da + db * db;
    }
    selectNearest(distance, order, n, k);
    index.set(order.subarray(0, k), i * k);
  }
  return { k, index };
}

/** The k smallest distances' indices into order[0..k), ascending, ties by index (partial insertion sort). */
function selectNearest(distance: Float64Array, order: Uint8Array, n: number, k: number): void {
  let filled = 0;
  for (let j = 0; j < n; j++) {
    const d = distance[j];
    if (filled === k && d >= distance[order[k - 1]]) continue;
    let at = filled < k ? filled++ : k - 1;
    while (at > 0 && distance[order[at - 1]] > d) {
      order[at] = order[at - 1];
      at--;
    }
    order[at] = j;
  }
}
