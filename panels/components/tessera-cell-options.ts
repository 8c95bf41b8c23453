import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { DOWNSCALE_METHODS, type DownscaleMethod } from '../../src/core/pixelate/options.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { cellOptionsStyles } from './tessera-cell-options.styles.js';
import './tessera-slider.js';

/** How each downscale method reads in the menu. */
export const DOWNSCALE_LABELS: Record<DownscaleMethod, string> = {
  area: 'Average',
  dominant: 'Dominant colour',
  kcentroid: 'K-centroid (keeps outlines)',
};

/**
 * How each cell gets its colour: the downscale method, the coverage that makes a cell opaque,
 * and whether lone pixels are cleaned up.
 *
 * @fires tessera-change - `{ downscale }`, `{ alphaThreshold }` (on release) or `{ cleanup }`.
 * @fires tessera-input - `{ alphaThreshold }` while dragging (from the slider inside).
 */
export class TesseraCellOptions extends LitElement {
  static override properties = {
    downscale: { type: String },
    /** 0..1 */
    alphaThreshold: { type: Number },
    cleanup: { type: Boolean },
  };
  static override styles = [controlStyles, cellOptionsStyles];

  declare downscale: DownscaleMethod;
  declare alphaThreshold: number;
  declare cleanup: boolean;

  constructor() {
    super();
    this.cleanup = false;
  }

  override render() {
    return html`
      <div class="row">
        <label class="field-label" for="downscale">Downscale</label>
        <select id="downscale" @change=${this.#onDownscale}>
          ${DOWNSCALE_METHODS.map((m) => html`<option value=${m} .selected=${live(m === this.downscale)}>${DOWNSCALE_LABELS[m]}</option>`)}
        </select>
      </div>
      <tessera-slider
        label="Opaque at"
        hint="Alpha threshold: a cell is opaque when at least this share of it is covered"
        setting="alphaThreshold"
        unit="percent"
        min="0"
        max="1"
        step="0.05"
        .value=${this.alphaThreshold}
      ></tessera-slider>
      <label class="check">
        <input type="checkbox" .checked=${live(this.cleanup)} @change=${this.#onCleanup} />
        Remove orphan pixels
      </label>
    `;
  }

  #onDownscale(e: Event): void {
    emit(this, 'tessera-change', { downscale: (e.target as HTMLSelectElement).value as DownscaleMethod });
  }

  #onCleanup(e: Event): void {
    emit(this, 'tessera-change', { cleanup: (e.target as HTMLInputElement).checked });
  }
}

define('tessera-cell-options', TesseraCellOptions);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-cell-options': TesseraCellOptions;
  }
}
