import { pngDataUrl } from '../../src/core/codecs/base64.js';
import { encodePng } from '../../src/core/codecs/png.js';
import type { RefineGridPreview } from '../../src/core/pixelate/pipeline.js';
import type { PreviewState } from './panel-state.js';

/** At most this often a Refine preview is encoded and shown: 4 a second reads as live. */
export const REFINE_PREVIEW_INTERVAL_MS = 250;

export interface RefinePreviewSinkOptions {
  readonly intervalMs?: number;
  /** Milliseconds, monotonic; tests pass their own clock. */
  readonly now?: () => number;
}

/**
 * Turns Refine's intermediate results (every 25 iterations, from a worker or this thread) into
 * preview states, throttled so a fast run does not flood the page with PNG encodes and
 * re-renders: the first one shows, then one per interval, and the last (iteration = iterations)
 * always. The caption says how far Refine is.
 */
export function createRefinePreviewSink(show: (preview: PreviewState) => void, options: RefinePreviewSinkOptions = {}): (p: RefineGridPreview) => void {
  const { intervalMs = REFINE_PREVIEW_INTERVAL_MS, now = () => performance.now() } = options;
  let last = -Infinity;
  return (p) => {
    const t = now();
    if (p.iteration < p.iterations && t - last < intervalMs) return;
    last = t;
    show({
      kind: 'ready',
      dataUrl: pngDataUrl(encodePng(p.grid)),
      width: p.grid.width,
      height: p.grid.height,
      colorsUsed: p.colorsUsed,
      status: `Refining ${p.iteration} / ${p.iterations}`,
    });
  };
}
