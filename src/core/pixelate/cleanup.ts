import type { PaletteMatcher } from '../palette/matcher.js';
import type { Steps } from '../progress.js';

/**
 * Removes orphan cells: an opaque cell whose colour none of its 8 neighbours share takes the
 * colour most of its opaque neighbours have (ties: the one closest to its own colour in OKLab,
 * then the lower index). Reads the input only, so the result does not depend on scan order.
 * Cells at a transparent edge count only their opaque neighbours; a cell with fewer than 3
 * opaque neighbours is a detail (a lone star, a sword tip) and is left alone.
 */
export function* cleanupOrphans(indices: Int16Array, width: number, height: number, matcher: PaletteMatcher): Steps<Int16Array> {
  const out = Int16Array.from(indices);
  const scratch = { counts: new Int32Array(matcher.size), touched: [] as number[] };
  for (let y = 0; y < height; y++) {
    cleanupRow(indices, out, width, height, y, matcher, scratch);
    yield { stage: 'cleanup', fraction: (y + 1) / height };
  }
  return out;
}

function cleanupRow(
  indices: Int16Array,
  out: Int16Array,
  width: number,
  height: number,
  y: number,
  matcher: PaletteMatcher,
  { counts, touched }: { counts: Int32Array; touched: number[] },
): void {
  for (let x = 0; x < width; x++) {
    const self = indices[y * width + x];
    if (self < 0) continue;
    let neighbours = 0, same = false;
    touched.length = 0;
    for (let dy = -1; dy <= 1; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
        const n = indices[ny * width + nx];
        if (n < 0) continue;
        neighbours++;
        if (n === self) same = true;
        if (counts[n]++ === 0) touched.push(n);
      }
    }
    if (!same && neighbours >= 3) out[y * width + x] = mostCommon(touched, counts, self, matcher);
    for (const n of touched) counts[n] = 0;
  }
}

function mostCommon(candidates: readonly number[], counts: Int32Array, self: number, matcher: PaletteMatcher): number {
  const ok = matcher.oklab;
  let best = -1, bestCount = -1, bestDist = Infinity;
  for (const c of candidates) {
    const dL = ok[c * 3] - ok[self * 3], da = ok[c * 3 + 1] - ok[self * 3 + 1], db = ok[c * 3 + 2] - ok[self * 3 + 2];
    const dist = dL * dL + da * da + db * db;
    if (counts[c] > bestCount || (counts[c] === bestCount && (dist < bestDist || (dist === bestDist && c < best)))) {
      best = c;
      bestCount = counts[c];
      bestDist = dist;
    }
  }
  return best;
}
