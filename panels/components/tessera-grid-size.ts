import { LitElement, html } from 'lit';
import { live } from 'lit/directives/live.js';
import type { PixelateSettings } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { committedNumber } from './input-value.js';
import { gridSizeStyles } from './tessera-grid-size.styles.js';

type GridMode = PixelateSettings['gridMode'];

/** Input limits per mode: the field takes any size, the slider covers the useful range. */
const LIMITS: Record<GridMode, { field: [number, number]; slider: [number, number]; unit: string; name: string }> = {
  cells: { field: [1, 1024], slider: [8, 256], unit: 'cells', name: 'Grid size in cells' },
  'cell-size': { field: [1, 512], slider: [1, 64], unit: 'px', name: 'Cell size in source pixels' },
};

/**
 * The grid: by cells on the longest side, or by the size of one cell in source pixels.
 *
 * @fires tessera-input - While dragging the slider: `{ cells }` or `{ cellSize }`.
 * @fires tessera-change - On commit: `{ cells }`, `{ cellSize }` or `{ gridMode }`.
 */
export class TesseraGridSize extends LitElement {
  static override properties = {
    gridMode: { attribute: false },
    cells: { type: Number },
    cellSize: { type: Number },
    disabled: { type: Boolean },
    _dragValue: { state: true },
  };
  static override styles = [controlStyles, gridSizeStyles];

  declare gridMode: GridMode;
  declare cells: number;
  declare cellSize: number;
  declare disabled: boolean;
  private declare _dragValue: number | null;

  constructor() {
    super();
    this.gridMode = 'cells';
    this.disabled = false;
    this._dragValue = null;
  }

  override render() {
    const mode = this.gridMode;
    const limits = LIMITS[mode];
    const value = this._dragValue ?? (mode === 'cells' ? this.cells : this.cellSize);
    return html`
      <div class="row">
        <span class="field-label" id="mode-label">Grid</span>
        <div class="segmented" role="group" aria-labelledby="mode-label">
          ${this.#modeButton('cells', 'Cells')} ${this.#modeButton('cell-size', 'Cell px')}
        </div>
      </div>
      <div class="row">
        <label class="field-label" for="size">${mode === 'cells' ? 'Size' : 'Cell size'}</label>
        <input
          id="size"
          type="number"
          min=${limits.field[0]}
          max=${limits.field[1]}
          step="1"
          .value=${live(String(value))}
          ?disabled=${this.disabled}
          @change=${this.#onCommit}
        />
        <input
          type="range"
          aria-label=${limits.name}
          min=${limits.slider[0]}
          max=${limits.slider[1]}
          step="1"
          .value=${live(String(value))}
          ?disabled=${this.disabled}
          @input=${this.#onDrag}
          @change=${this.#onCommit}
        />
        <span class="unit">${limits.unit}</span>
      </div>
      <p class="note">${mode === 'cells' ? 'Longest side, aspect kept' : 'Source pixels per cell, aspect kept'}</p>
    `;
  }

  #modeButton(mode: GridMode, label: string) {
    return html`<button
      type="button"
      aria-pressed=${this.gridMode === mode ? 'true' : 'false'}
      ?disabled=${this.disabled}
      @click=${() => this.#onMode(mode)}
    >
      ${label}
    </button>`;
  }

  #onMode(mode: GridMode): void {
    if (mode !== this.gridMode) emit(this, 'tessera-change', { gridMode: mode });
  }

  #patch(value: number): Partial<PixelateSettings> {
    return this.gridMode === 'cells' ? { cells: value } : { cellSize: value };
  }

  #onDrag(e: Event): void {
    this._dragValue = (e.target as HTMLInputElement).valueAsNumber;
    emit(this, 'tessera-input', this.#patch(this._dragValue));
  }

  #onCommit(e: Event): void {
    const value = committedNumber(e.target as HTMLInputElement);
    this._dragValue = null;
    if (value !== null) emit(this, 'tessera-change', this.#patch(value));
    else this.requestUpdate(); // an emptied field shows the current value again
  }
}

define('tessera-grid-size', TesseraGridSize);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-grid-size': TesseraGridSize;
  }
}
