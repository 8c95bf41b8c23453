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
 * @fires tessera-change - `{ refine }`, `{ refineIterations }` or `{ faithfulness }` (on release).
 * @fires tessera-input - `{ faithfulness }` while dragging.
 */
export class TesseraRefineControls extends LitElement {
  static override properties = {
    refine: { type: Boolean },
    iterations: { type: Number },
    /** 0..1 */
    faithfulness: { type: Number },
  };
  static override styles = [controlStyles, refineControlsStyles];

  declare refine: boolean;
  declare iterations: number;
  declare faithfulness: number;

  constructor() {
    super();
    this.refine = false;
    this.iterations = 500;
    this.faithfulness = 0.5;
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
            ></tessera-slider>`
        : nothing}
    `;
  }

  #onToggle(e: Event): void {
    emit(this, 'tessera-change', { refine: (e.target as HTMLInputElement).checked });
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
