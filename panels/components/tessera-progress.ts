import { LitElement, html, nothing } from 'lit';
import type { JobState } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { progressStyles } from './tessera-progress.styles.js';

/**
 * The running job: what it is, its current stage, a bar over the whole job, a finer detail line
 * when the job gives one ("patch 37 of 256 · about 40 s left") and a way out.
 *
 * @fires tessera-cancel - The user wants the job stopped.
 */
export class TesseraProgress extends LitElement {
  static override properties = {
    job: { attribute: false },
  };
  static override styles = [controlStyles, progressStyles];

  declare job: JobState | null;

  constructor() {
    super();
    this.job = null;
  }

  override render() {
    const job = this.job;
    if (!job) return nothing;
    const percent = Math.round(Math.min(1, Math.max(0, job.fraction)) * 100);
    return html`
      <div class="head">
        <span class="label">${job.label}</span>
        <span class="stage">${job.stage}</span>
        <span class="percent">${percent} %</span>
      </div>
      <div class="row">
        <div
          class="track"
          role="progressbar"
          aria-label=${job.label}
          aria-valuemin="0"
          aria-valuemax="100"
          aria-valuenow=${percent}
          aria-valuetext=${`${percent} %, ${job.stage}`}
        >
          <div class="fill" style="width:${percent}%"></div>
        </div>
        <button type="button" @click=${this.#onCancel}>Cancel</button>
      </div>
      ${job.detail ? html`<p class="detail">${job.detail}</p>` : nothing}
    `;
  }

  #onCancel(): void {
    emit(this, 'tessera-cancel');
  }
}

define('tessera-progress', TesseraProgress);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-progress': TesseraProgress;
  }
}
