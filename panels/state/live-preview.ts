import { pngDataUrl } from '../../src/core/codecs/base64.js';
import { encodePng } from '../../src/core/codecs/png.js';
import { TesseraError } from '../../src/core/errors.js';
import { resolveGrid } from '../../src/core/pixelate/options.js';
import { runCommand } from '../../src/commands/command-context.js';
import { resolvePixelateRequest, type PixelateCompute } from '../../src/commands/pixelate.js';
import type { Host } from '../../src/hosts/host.js';
import type { PanelStore } from './panel-store.js';
import { pixelateRequest } from './pixelate-request.js';
import { createRefinePreviewSink } from './refine-preview.js';

const PREVIEW_DELAY_MS = 150;
/** Past this a preview costs seconds and shows nothing a 300 px panel can display. */
const MAX_PREVIEW_CELLS = 512 * 512;

export interface LivePreviewOptions {
  readonly store: PanelStore;
  readonly host: Host;
  /** Runs the preview; separate from Apply's compute so cancelling one never stops the other. */
  readonly compute: PixelateCompute;
}

/**
 * The grid-size preview of the current settings and target: rendered shortly after a change,
 * once, with a newer one cancelling the one running. A job that shows its own progress in the
 * pane (Apply with the diffusion prior) holds it meanwhile.
 */
export class LivePreview {
  private running: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Held by a job: null when not; true once a preview was asked for meanwhile. */
  private held: boolean | null = null;

  constructor(private readonly options: LivePreviewOptions) {}

  /** The target or the settings changed: recompute the grid-size preview, shortly and once. */
  schedule(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.render();
    }, PREVIEW_DELAY_MS);
  }

  /** Stops the preview running now, if any. */
  abort(): void {
    this.running?.abort();
  }

  /** A job shows its progress in the pane now: the running preview stops and new ones wait for resume(). */
  hold(): void {
    this.abort();
    this.held = false;
  }

  /** The job is done with the pane: a preview asked for meanwhile runs now. */
  resume(): void {
    if (this.held) this.schedule();
    this.held = null;
  }

  private async render(): Promise<void> {
    const { store, host, compute } = this.options;
    if (this.held !== null) {
      this.held = true;
      return;
    }
    this.running?.abort();
    const controller = (this.running = new AbortController());
    store.update({ preview: { kind: 'busy' } });
    const withPrior = pixelateRequest(store.get()).refinePrior;
    const showPreview = createRefinePreviewSink((preview) => {
      if (controller === this.running) store.update({ preview });
    });
    const outcome = await runCommand(async (ctx) => {
      const options = resolvePixelateRequest({ ...pixelateRequest(store.get()), refinePrior: false }); // the prior runs on Apply only: ~3 model runs per 10 iterations
      const target = await host.readTarget(ctx.signal);
      const grid = resolveGrid(options.grid, target.image.width, target.image.height);
      if (grid.width * grid.height > MAX_PREVIEW_CELLS) {
        throw new TesseraError('invalid-input', `No preview for a ${grid.width}×${grid.height} grid (the panel previews up to 512×512 cells); Apply still works.`);
      }
      const result = await compute(target.image, { ...options, output: 'grid' }, { signal: ctx.signal, ...(options.refine ? { onRefinePreview: showPreview } : {}) });
      return { result, dataUrl: pngDataUrl(encodePng(result.grid)) };
    }, { signal: controller.signal });
    if (controller !== this.running) return; // a newer preview has started
    this.running = null;
    if (outcome.ok) {
      const { result, dataUrl } = outcome.value;
      const status = withPrior ? 'Without the diffusion prior: Apply runs it' : undefined;
      store.update({ preview: { kind: 'ready', dataUrl, width: result.grid.width, height: result.grid.height, colorsUsed: result.colorsUsed, ...(status ? { status } : {}) } });
    } else if (outcome.error.code !== 'cancelled') {
      store.update({ preview: { kind: 'none', reason: outcome.error.userMessage } });
    }
  }
}
