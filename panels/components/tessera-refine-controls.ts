import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import { committedNumber } from './input-value.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { refineControlsStyles } from './tessera-refine-controls.styles.js';
import './tessera-slider.js';

/**
 * Refine: optimise every cell's palette choice together (SD-πXL-style) instead of mapping cell by
 * cell, for art that looks drawn. When on, it replaces dithering; it takes about a second per 500
 * iterations on a 64-cell grid.
 *
 * With a diffusion model installed (`priorAvailable`), it also offers the diffusion prior: every
 * few iterations the model guesses the clean picture and Refine is pulled toward it (much slower).
 *
 * @fires tessera-change - `{ refine }`, `{ refineIterations }`, `{ faithfulness }` (on release) or `{ refinePrior }`.
 * @fires tessera-input - `{ faithfulness }` while dragging.
 */
export class TesseraRefineControls extends LitElement {
  static override properties = {
    refine: { type: Boolean },
    iterations: { type: Number },
    /** 0..1 */
    faithfulness: { type: Number },
    /** The diffusion prior is on (it counts only while offered). */
    prior: { type: Boolean },
    /** The models the prior needs are installed: the switch is shown only then. */
    priorAvailable: { type: Boolean },
  };
  static override styles = [controlStyles, refineControlsStyles];

  declare refine: boolean;
  declare iterations: number;
  declare faithfulness: number;
  declare prior: boolean;
  declare priorAvailable: boolean;

  constructor() {
    super();
    this.refine = false;
    this.iterations = 500;
    this.faithfulness = 0.5;
    this.prior = false;
    this.priorAvailable = false;
  }

  override render() {
    return html`
      <label class="check" title="Optimise the whole picture's palette choices together; replaces dithering">
        <input type="checkbox" .checked=${live(this.refine)} @change=${this.#onToggle} />
        Refine (looks drawn, slower)
      </label>
      ${this.refine
        ? html`<div class="row">
              <label class="field-label" for="iterations">Iterations</label>
              <input id="iterations" type="number" min="50" max="5000" step="50" .value=${live(String(this.iterations))} @change=${this.#onIterations} />
            </div>
            <tessera-slider
              label="Faithful"
              hint="Drawn ↔ faithful: low keeps areas flat and shapes clean; high follows the picture's tones more closely"
              setting="faithfulness"
              unit="percent"
              min="0"
              max="1"
              step="0.05"
              .value=${this.faithfulness}
            ></tessera-slider>
            ${this.priorAvailable
              ? html`<label class="check prior" title="Every 10 iterations the diffusion model guesses the clean picture and Refine follows it: cleaner forms, much slower. Runs on Apply; the preview shows Refine without it">
                  <input type="checkbox" .checked=${live(this.prior)} @change=${this.#onPrior} />
                  Diffusion prior (SDXS, slower)
                </label>`
              : nothing}`
        : nothing}
    `;
  }

  #onToggle(e: Event): void {
    emit(this, 'tessera-change', { refine: (e.target as HTMLInputElement).checked });
  }

  #onPrior(e: Event): void {
    emit(this, 'tessera-change', { refinePrior: (e.target as HTMLInputElement).checked });
  }

  #onIterations(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    if (value !== null) emit(this, 'tessera-change', { refineIterations: value });
  }
}

define('tessera-refine-controls', TesseraRefineControls);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-refine-controls': TesseraRefineControls;
  }
}
