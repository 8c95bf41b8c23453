import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { PixelateSettings } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { committedNumber } from './input-value.js';
import { sliderStyles } from './tessera-slider.styles.js';

/** Settings a slider can drive: the numeric ones. */
export type SliderSetting = { [K in keyof PixelateSettings]-?: PixelateSettings[K] extends number ? K : never }[keyof PixelateSettings];

/**
 * A labelled range input for one numeric setting, with its value shown as a percentage of the
 * range's top (0..1 settings) or as the number itself.
 *
 * @fires tessera-input - While dragging: `{ [setting]: value }`.
 * @fires tessera-change - On release or keyboard commit: `{ [setting]: value }`.
 */
export class TesseraSlider extends LitElement {
  static override properties = {
    label: { type: String },
    /** A longer explanation, shown as the tooltip. */
    hint: { type: String },
    setting: { type: String },
    value: { type: Number },
    min: { type: Number },
    max: { type: Number },
    step: { type: Number },
    /** `percent` shows 0..1 as 0..100 %. */
    unit: { type: String },
    disabled: { type: Boolean, reflect: true },
    _dragValue: { state: true },
  };
  static override styles = [controlStyles, sliderStyles];

  declare label: string;
  declare hint: string;
  declare setting: SliderSetting;
  declare value: number;
  declare min: number;
  declare max: number;
  declare step: number;
  declare unit: 'percent' | 'number';
  declare disabled: boolean;
  /** The thumb's value while dragging, so the readout follows it whether or not the owner echoes it. */
  private declare _dragValue: number | null;

  constructor() {
    super();
    this.label = '';
    this.hint = '';
    this.min = 0;
    this.max = 1;
    this.step = 0.01;
    this.unit = 'number';
    this.disabled = false;
    this._dragValue = null;
  }

  override render() {
    return html`
      <div class="row" title=${this.hint || nothing}>
        <label class="field-label" for="range">${this.label}</label>
        <input
          id="range"
          type="range"
          min=${this.min}
          max=${this.max}
          step=${this.step}
          .value=${live(String(this._dragValue ?? this.value))}
          ?disabled=${this.disabled}
          @input=${this.#onInput}
          @change=${this.#onChange}
        />
        <output class="value" for="range">${this.#format(this._dragValue ?? this.value)}</output>
      </div>
    `;
  }

  #format(v: number): string {
    if (v === undefined || Number.isNaN(v)) return '';
    return this.unit === 'percent' ? `${Math.round(v * 100)} %` : String(v);
  }

  #onInput(e: Event): void {
    const input = e.target as HTMLInputElement;
    this._dragValue = input.valueAsNumber;
    emit(this, 'tessera-input', { [this.setting]: input.valueAsNumber });
  }

  #onChange(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    this._dragValue = null;
    if (value !== null) emit(this, 'tessera-change', { [this.setting]: value });
  }
}

define('tessera-slider', TesseraSlider);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-slider': TesseraSlider;
  }
}
