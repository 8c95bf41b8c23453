import { LitElement, html, nothing } from 'lit';
import type { ModelEntryView } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { modelManagerStyles } from './tessera-model-manager.styles.js';

const STATE_TEXT: Record<ModelEntryView['state'], string> = {
  installed: 'Installed',
  partial: 'Partly downloaded',
  missing: 'Not downloaded',
  downloading: 'Downloading',
};

/** The same states where the models are a server's: it holds a model, or not. */
const SERVER_STATE_TEXT: Record<ModelEntryView['state'], string> = {
  installed: 'On the server',
  partial: 'Partly on the server',
  missing: 'Not on the server',
  downloading: 'On the server',
};

/**
 * The models this panel can use: size, licence, what the cache holds, and the one action that
 * fits each state. Nothing downloads unless the user presses Download. Where the models are a
 * server's (`source` 'server': Photoshop, Photopea) it shows what the server holds, with no
 * actions: models are installed there.
 *
 * @fires tessera-download-model - Download (or resume) the model `{ id }`.
 * @fires tessera-cancel - Stop the running download (the bytes so far are kept).
 * @fires tessera-remove-model - Delete what the cache keeps of the model `{ id }`.
 */
export class TesseraModelManager extends LitElement {
  static override properties = {
    models: { attribute: false },
    busy: { type: Boolean },
    source: { type: String },
  };
  static override styles = [controlStyles, modelManagerStyles];

  declare models: readonly ModelEntryView[];
  /** Another job runs: Download waits for it. */
  declare busy: boolean;
  /** 'cache': this page's store (download, remove); 'server': an inference server's models (no actions). */
  declare source: 'cache' | 'server';

  constructor() {
    super();
    this.models = [];
    this.busy = false;
    this.source = 'cache';
  }

  override render() {
    if (this.models.length === 0) return html`<p class="empty">No models are listed.</p>`;
    const server = this.source === 'server';
    return html`<ul class="models" aria-label="Models">
        ${this.models.map((m) => (server ? this.#serverRow(m) : this.#row(m)))}
      </ul>
      ${server ? html`<p class="note">These run on the server. Install a model there with <code>tessera models pull ID</code>, then restart <code>tessera serve</code>.</p>` : nothing}`;
  }

  #serverRow(m: ModelEntryView) {
    return html`<li class="model" data-id=${m.id} data-state=${m.state}>
      <div class="head">
        <span class="name">${m.name}</span>
        <span class="size">${m.sizeText}</span>
      </div>
      <div class="meta">
        <span class="state">${SERVER_STATE_TEXT[m.state]}</span>
        ${m.licence ? html`<span class="licence">Licence: ${m.licence}</span>` : nothing}
      </div>
    </li>`;
  }

  #row(m: ModelEntryView) {
    const percent = m.percent === undefined ? null : Math.round(Math.min(100, Math.max(0, m.percent)));
    const status = percent !== null && m.state !== 'installed' ? `${STATE_TEXT[m.state]} · ${percent} %` : STATE_TEXT[m.state];
    return html`<li class="model" data-id=${m.id} data-state=${m.state}>
      <div class="head">
        <span class="name">${m.name}</span>
        <span class="size">${m.sizeText}</span>
      </div>
      <div class="meta">
        <span class="state">${status}</span>
        ${m.licence ? html`<span class="licence">Licence: ${m.licence}</span>` : nothing}
      </div>
      ${m.state === 'downloading' || m.state === 'partial'
        ? html`<div class="track" role="progressbar" aria-label=${`Download ${m.name}`} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${percent ?? 0}>
            <div class="fill" style="width:${percent ?? 0}%"></div>
          </div>`
        : nothing}
      <div class="actions">
        ${m.state === 'downloading'
          ? html`<button type="button" aria-label=${`Cancel downloading ${m.name}`} @click=${this.#onCancel}>Cancel</button>`
          : nothing}
        ${m.state === 'missing' || m.state === 'partial'
          ? html`<button type="button" class="primary" aria-label=${`Download ${m.name}`} ?disabled=${this.busy} @click=${() => this.#onDownload(m.id)}>
              ${m.state === 'partial' ? 'Resume download' : 'Download'}
            </button>`
          : nothing}
        ${m.state === 'installed' || m.state === 'partial'
          ? html`<button type="button" aria-label=${`Remove ${m.name}`} ?disabled=${this.busy} @click=${() => this.#onRemove(m.id)}>Remove</button>`
          : nothing}
      </div>
    </li>`;
  }

  #onDownload(id: string): void {
    emit(this, 'tessera-download-model', { id });
  }

  #onRemove(id: string): void {
    emit(this, 'tessera-remove-model', { id });
  }

  #onCancel(): void {
    emit(this, 'tessera-cancel');
  }
}

define('tessera-model-manager', TesseraModelManager);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-model-manager': TesseraModelManager;
  }
}
