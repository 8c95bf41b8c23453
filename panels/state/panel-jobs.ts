import { runCommand, type CommandContext, type CommandOutcome, type CommandProgress } from '../../src/commands/command-context.js';
import type { PanelStore } from './panel-store.js';
import { showPanelError } from './show-panel-error.js';

/**
 * The panel's one job slot: at most one job runs (Apply, Generate, Upscale, a download, palette
 * extraction), and this owns the AbortController behind Cancel.
 */
export class PanelJobs {
  private current: AbortController | null = null;

  constructor(private readonly store: PanelStore) {}

  get busy(): boolean {
    return this.current !== null;
  }

  cancel(): void {
    this.current?.abort();
  }

  /** Runs one job with progress and Cancel; returns its value, or null after showing why it failed. */
  async run<T>(label: string, run: (ctx: CommandContext) => Promise<T>): Promise<T | null> {
    const { store } = this;
    const controller = (this.current = new AbortController());
    store.update({ job: { label, stage: 'read', fraction: 0 }, error: null, notice: null });
    const onProgress = (p: CommandProgress) => store.update({ job: { label, stage: p.stage, fraction: p.fraction, ...(p.detail ? { detail: p.detail } : {}) } });
    const outcome = await runCommand(run, { signal: controller.signal, onProgress });
    this.current = null;
    store.update({ job: null });
    if (outcome.ok) return outcome.value;
    if (outcome.error.code === 'cancelled') store.update({ notice: 'Cancelled: nothing was changed.' });
    else showPanelError(store, outcome.error);
    return null;
  }

  /**
   * Runs one job that shows its own progress (a download's percent, from `start` on) and its own
   * outcome; the job line is cleared when it ends.
   */
  async runShowingOwnProgress<T>(start: () => void, run: (ctx: CommandContext) => Promise<T>): Promise<CommandOutcome<T>> {
    const controller = (this.current = new AbortController());
    start();
    const outcome = await runCommand(run, { signal: controller.signal });
    this.current = null;
    this.store.update({ job: null });
    return outcome;
  }
}
