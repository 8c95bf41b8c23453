import { LitElement, html, nothing } from 'lit';
import { live } from 'lit/directives/live.js';
import type { ComputeSettings, ComputeStatus } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { computeSettingsStyles } from './tessera-compute-settings.styles.js';

/**
 * The Compute setting: run the models in this page (WebGPU, else wasm) or on an inference server
 * (`tessera serve`, Triton, KServe) with its URL and token, and "Test connection", which shows the
 * server, its models and what runs each.
 *
 * @fires tessera-compute-change - `{ where }` on choice; `{ serverUrl }`, `{ token }` on commit.
 * @fires tessera-test-connection - Ask the server what it serves.
 */
export class TesseraComputeSettings extends LitElement {
  static override properties = {
    compute: { attribute: false },
    status: { attribute: false },
    /** This host can run models itself (false in Photoshop's panel: no WebGPU). */
    localAvailable: { type: Boolean },
    busy: { type: Boolean },
  };
  static override styles = [controlStyles, computeSettingsStyles];

  declare compute: ComputeSettings;
  declare status: ComputeStatus;
  declare localAvailable: boolean;
  declare busy: boolean;

  constructor() {
    super();
    this.compute = { where: 'local', serverUrl: '', token: '' };
    this.status = { kind: 'idle' };
    this.localAvailable = true;
    this.busy = false;
  }

  override render() {
    const server = this.compute.where === 'server';
    return html`
      <div class="compute">
        <div class="row where">
          <span class="field-label" id="where">Run models</span>
          <div class="choice" role="radiogroup" aria-labelledby="where">
            <label class="option">
              <input type="radio" name="where" value="local" .checked=${live(!server)} ?disabled=${!this.localAvailable || this.busy} @change=${this.#onWhere} />
              <span>In this ${this.localAvailable ? 'browser (WebGPU, else wasm)' : 'panel (only the standalone editor can)'}</span>
            </label>
            <label class="option">
              <input type="radio" name="where" value="server" .checked=${live(server)} ?disabled=${this.busy} @change=${this.#onWhere} />
              <span>On a server</span>
            </label>
          </div>
        </div>
        ${server
          ? html`<div class="row">
                <label class="field-label" for="url">URL</label>
                <input id="url" type="url" spellcheck="false" placeholder="http://127.0.0.1:8765" .value=${live(this.compute.serverUrl)} ?disabled=${this.busy} @change=${this.#onUrl} />
              </div>
              <div class="row">
                <label class="field-label" for="token">Token</label>
                <input id="token" type="password" autocomplete="off" placeholder="none" .value=${live(this.compute.token)} ?disabled=${this.busy} @change=${this.#onToken} />
              </div>
              <button type="button" class="test" ?disabled=${this.busy || this.status.kind === 'testing'} @click=${this.#onTest}>Test connection</button>
              ${this.#renderStatus()}
              <p class="note">Start one with <code>tessera serve</code>, or use Triton (docs/triton.md). Only each model's small tokenizer files are kept here then.</p>`
          : nothing}
      </div>
    `;
  }

  #renderStatus() {
    const s = this.status;
    if (s.kind === 'idle') return nothing;
    if (s.kind === 'testing') return html`<p class="status" role="status">Asking the server…</p>`;
    if (s.kind === 'failed') return html`<p class="status failed" role="status">${s.message}</p>`;
    return html`<div class="status connected" role="status">
      <p>Connected: ${s.server}, ${s.models.length === 0 ? 'no models' : s.models.length === 1 ? '1 model' : `${s.models.length} models`}</p>
      <ul>
        ${s.models.map((m) => html`<li class=${m.ready ? 'ready' : 'not-ready'}><span class="name">${m.name}</span> <span class="detail">${m.detail}</span></li>`)}
      </ul>
    </div>`;
  }

  #onWhere(e: Event): void {
    const where = (e.target as HTMLInputElement).value === 'server' ? 'server' : 'local';
    emit(this, 'tessera-compute-change', { where });
  }

  #onUrl(e: Event): void {
    emit(this, 'tessera-compute-change', { serverUrl: (e.target as HTMLInputElement).value.trim() });
  }

  #onToken(e: Event): void {
    emit(this, 'tessera-compute-change', { token: (e.target as HTMLInputElement).value });
  }

  #onTest(): void {
    emit(this, 'tessera-test-connection');
  }
}

define('tessera-compute-settings', TesseraComputeSettings);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-compute-settings': TesseraComputeSettings;
  }
}
