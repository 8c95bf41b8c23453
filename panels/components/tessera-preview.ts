import { LitElement, html, nothing } from 'lit';
import type { PreviewState } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { previewStyles } from './tessera-preview.styles.js';

type ReadyPreview = Extract<PreviewState, { kind: 'ready' }>;

/**
 * The result at grid size, scaled up with hard pixel edges to the panel's width; an <img> with a
 * data URL, since UXP's canvas cannot draw images. While busy it dims the last result it showed
 * (or says it is working); with no preview it says why.
 */
export class TesseraPreview extends LitElement {
  static override properties = {
    preview: { attribute: false },
  };
  static override styles = [controlStyles, previewStyles];

  declare preview: PreviewState | undefined;
  #lastReady: ReadyPreview | null = null;

  override willUpdate(): void {
    if (this.preview?.kind === 'ready') this.#lastReady = this.preview;
    else if (this.preview?.kind === 'none') this.#lastReady = null;
  }

  override render() {
    const p = this.preview;
    if (!p) return nothing;
    if (p.kind === 'none') {
      return html`<div class="frame"><p class="message">${p.reason}</p></div>
        <div class="caption"></div>`;
    }
    const shown = p.kind === 'ready' ? p : this.#lastReady;
    const busy = p.kind === 'busy';
    return html`
      <div class="frame ${busy ? 'stale' : ''}" aria-busy=${busy ? 'true' : 'false'}>
        ${shown
          ? html`<img src=${shown.dataUrl} width=${shown.width} height=${shown.height} alt=${`Preview, ${caption(shown)}`} />`
          : html`<p class="message">Rendering preview…</p>`}
        ${busy ? html`<div class="overlay" role="status" aria-label="Updating preview"></div>` : nothing}
      </div>
      <div class="caption">
        <span>${shown ? caption(shown) : ''}</span>
        <span class="status">${busy && shown ? 'Updating…' : p.kind === 'ready' ? (p.status ?? '') : ''}</span>
      </div>
    `;
  }
}

function caption(p: ReadyPreview): string {
  return `${p.width}×${p.height} · ${p.colorsUsed} ${p.colorsUsed === 1 ? 'colour' : 'colours'}`;
}

define('tessera-preview', TesseraPreview);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-preview': TesseraPreview;
  }
}
