import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import type { PaletteEntry } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { committedNumber } from './input-value.js';
import { palettePickerStyles } from './tessera-palette-picker.styles.js';

/** The palette file types the command can parse. */
const PALETTE_FILE_TYPES = '.hex,.gpl,.pal,.txt,.png';
const SWATCHES_PER_ROW = 16;

/**
 * Picks the palette: presets, then the user's own (imported or extracted), each with its
 * colours; the chosen one's colours are shown larger, each with its hex as a tooltip.
 * A native radio group, so arrow keys move the choice as in any host dialog.
 *
 * @fires tessera-change - `{ paletteId }` when a palette is chosen, `{ extractColors }` when the count changes.
 * @fires tessera-import-palette - `{ fileName, bytes }` for the file the user picked.
 * @fires tessera-extract-palette - `{ colors }`: extract that many colours from the layer.
 * @fires tessera-remove-palette - `{ id }` of a custom palette to forget.
 */
export class TesseraPalettePicker extends LitElement {
  static override properties = {
    palettes: { attribute: false },
    selectedId: { type: String },
    extractColors: { type: Number },
    /** A job is running: extraction waits for it. */
    busy: { type: Boolean },
  };
  static override styles = [controlStyles, palettePickerStyles];

  declare palettes: readonly PaletteEntry[];
  declare selectedId: string;
  declare extractColors: number;
  declare busy: boolean;

  constructor() {
    super();
    this.palettes = [];
    this.selectedId = '';
    this.busy = false;
  }

  override render() {
    const current = this.palettes.find((p) => p.id === this.selectedId);
    const presets = this.palettes.filter((p) => p.source === 'preset');
    const custom = this.palettes.filter((p) => p.source !== 'preset');
    return html`
      <div class="row">
        <span class="field-label" id="palette-label">Palette</span>
        <span class="current-name" title=${current?.name ?? ''}>${current?.name ?? 'None chosen'}</span>
        ${current ? html`<span class="count">${countLabel(current.colors.length)}</span>` : nothing}
      </div>
      ${current ? this.#swatches(current) : nothing}
      <div class="list" role="radiogroup" aria-labelledby="palette-label">
        <div class="group-label" aria-hidden="true">Presets</div>
        ${presets.map((p) => this.#option(p))}
        ${custom.length
          ? html`<div class="group-label" aria-hidden="true">Your palettes</div>
              ${custom.map((p) => this.#option(p))}`
          : nothing}
      </div>
      <div class="tools">
        <div class="row">
          <button type="button" @click=${this.#openFile}>Import…</button>
          <span class="note">GPL, HEX, PAL, TXT or PNG</span>
          <input id="file" type="file" accept=${PALETTE_FILE_TYPES} hidden aria-label="Palette file" @change=${this.#onFileChosen} />
        </div>
        <div class="row">
          <button type="button" ?disabled=${this.busy} @click=${this.#onExtract}>Extract from layer</button>
          <input
            id="extract-colors"
            type="number"
            min="2"
            max="64"
            step="1"
            .value=${live(String(this.extractColors))}
            @change=${this.#onExtractColors}
          />
          <label for="extract-colors">colours</label>
        </div>
      </div>
    `;
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('selectedId') || changed.has('palettes')) this.#revealSelected();
  }

  /** Scrolls the list (never the page, as `scrollIntoView` would) so the chosen palette shows. */
  #revealSelected(): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.list');
    const option = this.renderRoot.querySelector<HTMLElement>('.option.selected');
    if (!list || !option || list.clientHeight === 0) return;
    const top = option.offsetTop;
    const bottom = top + option.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }

  /** The chosen palette's colours, larger, in rows of 16 (as most palettes are laid out). */
  #swatches(p: PaletteEntry) {
    const rows: (string | null)[][] = [];
    for (let i = 0; i < p.colors.length; i += SWATCHES_PER_ROW) {
      const row: (string | null)[] = p.colors.slice(i, i + SWATCHES_PER_ROW);
      while (row.length < SWATCHES_PER_ROW) row.push(null); // keeps every cell the same width
      rows.push(row);
    }
    return html`<div class="swatches" role="list" aria-label=${`Colours of ${p.name}`}>
      ${rows.map(
        (row) => html`<div class="swatch-row">
          ${row.map((c) =>
            c === null
              ? html`<span class="swatch pad" aria-hidden="true"></span>`
              : html`<span class="swatch" role="listitem" style="background:${c}" title=${c} aria-label=${c}></span>`,
          )}
        </div>`,
      )}
    </div>`;
  }

  #option(p: PaletteEntry) {
    const selected = p.id === this.selectedId;
    return html`
      <div class="option ${selected ? 'selected' : ''}" data-id=${p.id}>
        <label>
          <span class="option-text">
            <span class="option-name">${p.name}</span>
            <span class="count">${p.colors.length}</span>
          </span>
          <span class="strip" aria-hidden="true">${p.colors.map((c) => html`<span style="background:${c}"></span>`)}</span>
          <input
            type="radio"
            name="palette"
            .value=${p.id}
            .checked=${live(selected)}
            aria-label=${`${p.name}, ${countLabel(p.colors.length)}`}
            @change=${() => emit(this, 'tessera-change', { paletteId: p.id })}
          />
          <span class="ring"></span>
        </label>
        ${p.source === 'preset'
          ? nothing
          : html`<button
              type="button"
              class="quiet remove"
              aria-label=${`Remove palette ${p.name}`}
              title="Remove palette"
              @click=${() => emit(this, 'tessera-remove-palette', { id: p.id })}
            >
              ×
            </button>`}
      </div>
    `;
  }

  #fileInput(): HTMLInputElement {
    return this.renderRoot.querySelector<HTMLInputElement>('#file')!;
  }

  #openFile(): void {
    this.#fileInput().click();
  }

  #onFileChosen(): void {
    // A file the user just picked reads unless it vanished meanwhile; that rejection is left to
    // the page's unhandled-rejection reporting rather than hidden here.
    void this.#readFile();
  }

  async #readFile(): Promise<void> {
    const input = this.#fileInput();
    const file = input.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    input.value = ''; // so picking the same file again still reports it
    emit(this, 'tessera-import-palette', { fileName: file.name, bytes });
  }

  #extractInput(): HTMLInputElement {
    return this.renderRoot.querySelector<HTMLInputElement>('#extract-colors')!;
  }

  #onExtractColors(): void {
    const colors = committedNumber(this.#extractInput());
    if (colors !== null) emit(this, 'tessera-change', { extractColors: colors });
    else this.requestUpdate();
  }

  #onExtract(): void {
    const colors = committedNumber(this.#extractInput()) ?? this.extractColors;
    emit(this, 'tessera-extract-palette', { colors });
  }
}

function countLabel(n: number): string {
  return `${n} ${n === 1 ? 'colour' : 'colours'}`;
}

define('tessera-palette-picker', TesseraPalettePicker);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-palette-picker': TesseraPalettePicker;
  }
}
