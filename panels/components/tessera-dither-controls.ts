import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import { DITHER_METHODS, type DitherMethod } from '../../src/core/pixelate/options.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { ditherControlsStyles } from './tessera-dither-controls.styles.js';
import './tessera-slider.js';

/** How each method reads in the menu. */
export const DITHER_LABELS: Record<DitherMethod, string> = {
  none: 'None',
  bayer2: 'Bayer 2×2',
  bayer4: 'Bayer 4×4',
  bayer8: 'Bayer 8×8',
  'floyd-steinberg': 'Floyd–Steinberg',
  atkinson: 'Atkinson',
};

/**
 * Dithering: the method, and how strongly it applies (off when the method is none).
 *
 * @fires tessera-change - `{ dither }` when a method is chosen, `{ ditherStrength }` on release.
 * @fires tessera-input - `{ ditherStrength }` while dragging (from the slider inside).
 */
export class TesseraDitherControls extends LitElement {
  static override properties = {
    dither: { type: String },
    /** 0..1 */
    strength: { type: Number },
  };
  static override styles = [controlStyles, ditherControlsStyles];

  declare dither: DitherMethod;
  declare strength: number;

  override render() {
    return html`
      <div class="row">
        <label class="field-label" for="method">Dither</label>
        <select id="method" @change=${this.#onMethod}>
          ${DITHER_METHODS.map((m) => html`<option value=${m} .selected=${live(m === this.dither)}>${DITHER_LABELS[m]}</option>`)}
        </select>
      </div>
      <tessera-slider
        label="Strength"
        setting="ditherStrength"
        unit="percent"
        min="0"
        max="1"
        step="0.05"
        .value=${this.strength}
        ?disabled=${this.dither === 'none'}
      ></tessera-slider>
    `;
  }

  #onMethod(e: Event): void {
    emit(this, 'tessera-change', { dither: (e.target as HTMLSelectElement).value as DitherMethod });
  }
}

define('tessera-dither-controls', TesseraDitherControls);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-dither-controls': TesseraDitherControls;
  }
}
