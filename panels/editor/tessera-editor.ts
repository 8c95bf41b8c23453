import { LitElement, css, html } from 'lit';
import type { RgbaImage } from '../../src/core/image.js';
import type { DocumentState } from '../../src/hosts/standalone/document-records.js';
import type { HistoryEntry } from '../../src/hosts/standalone/history.js';
import { define } from '../components/define.js';
import { themeTokens } from '../components/theme.styles.js';
import { emitEditor } from './editor-events.js';
import './tessera-canvas-view.js';
import './tessera-history.js';
import './tessera-layers.js';

export const ZOOM_STEPS = [0.125, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32] as const;

/**
 * The standalone editor's window: a toolbar (open, export, undo/redo, zoom), the canvas, and a
 * side bar with layers, history and the Tessera panel (slotted). Renders what it is given and
 * emits `editor-*` intents; the editor controller does the rest.
 */
export class TesseraEditor extends LitElement {
  static override properties = {
    documentState: { attribute: false },
    composite: { attribute: false },
    historyEntries: { attribute: false },
    canUndo: { type: Boolean },
    canRedo: { type: Boolean },
    zoom: { type: Number },
    theme: { reflect: true },
  };

  declare documentState: DocumentState | null;
  declare composite: RgbaImage | null;
  declare historyEntries: readonly HistoryEntry[];
  declare canUndo: boolean;
  declare canRedo: boolean;
  declare zoom: number;
  declare theme: 'light' | 'dark' | undefined;

  constructor() {
    super();
    this.documentState = null;
    this.composite = null;
    this.historyEntries = [];
    this.canUndo = false;
    this.canRedo = false;
    this.zoom = 1;
  }

  static override styles = [
    themeTokens,
    css`
      :host { display: grid; grid-template-rows: auto 1fr; grid-template-columns: 1fr minmax(280px, 320px); height: 100vh; background: var(--tessera-bg); color: var(--tessera-fg); font: var(--tessera-font-size) / var(--tessera-line-height) var(--tessera-font); }
      header { grid-column: 1 / -1; display: flex; align-items: center; gap: 4px; padding: 6px 10px; border-bottom: 1px solid var(--tessera-border); background: var(--tessera-surface); }
      .brand { font-weight: 700; letter-spacing: .02em; margin-right: 12px; }
      .brand span { color: var(--tessera-accent); }
      button, label.button { height: 26px; padding: 0 10px; border: 1px solid var(--tessera-border-strong); border-radius: var(--tessera-radius); background: var(--tessera-surface); color: var(--tessera-fg); font: inherit; cursor: pointer; display: inline-flex; align-items: center; }
      button:hover, label.button:hover { background: var(--tessera-surface-hover); }
      button:disabled { opacity: .45; cursor: default; background: var(--tessera-surface); }
      button:focus-visible, label.button:focus-within { outline: 2px solid var(--tessera-focus); outline-offset: 1px; }
      input[type='file'] { position: absolute; width: 1px; height: 1px; opacity: 0; }
      .sep { width: 1px; height: 18px; background: var(--tessera-border); margin: 0 6px; }
      .zoom { min-width: 48px; text-align: center; color: var(--tessera-fg-muted); font-variant-numeric: tabular-nums; }
      .doc { margin-left: auto; color: var(--tessera-fg-muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
      tessera-canvas-view { min-width: 0; min-height: 0; }
      aside { border-left: 1px solid var(--tessera-border); display: flex; flex-direction: column; min-height: 0; overflow: auto; background: var(--tessera-bg); }
      aside section { flex: none; border-bottom: 1px solid var(--tessera-border); padding: 8px; }
      h2 { margin: 0 0 6px; font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .06em; color: var(--tessera-fg-muted); }
      .history { max-height: 160px; overflow: auto; }
      .panel { flex: 1 0 auto; }
    `,
  ];

  protected override render() {
    const doc = this.documentState;
    const activeLayer = doc?.layers.find((l) => l.id === doc.activeLayerId);
    return html`
      <header>
        <div class="brand">Tessera<span>·</span>editor</div>
        <label class="button">Open…<input type="file" accept="image/png,image/jpeg" aria-label="Open an image" @change=${this.onOpen} /></label>
        <button ?disabled=${!doc} @click=${() => emitEditor(this, 'editor-export', { what: 'visible' })} title="Save the visible image as PNG">Export PNG</button>
        <button ?disabled=${!activeLayer} @click=${() => emitEditor(this, 'editor-export', { what: 'layer' })} title="Save the active layer as PNG">Export layer</button>
        <span class="sep"></span>
        <button ?disabled=${!this.canUndo} @click=${() => emitEditor(this, 'editor-undo')} title="Undo (Ctrl+Z)" aria-keyshortcuts="Control+Z">Undo</button>
        <button ?disabled=${!this.canRedo} @click=${() => emitEditor(this, 'editor-redo')} title="Redo (Ctrl+Shift+Z)" aria-keyshortcuts="Control+Shift+Z">Redo</button>
        <span class="sep"></span>
        <button ?disabled=${!doc} @click=${() => this.stepZoom(-1)} aria-label="Zoom out" title="Zoom out (-)">−</button>
        <span class="zoom" aria-live="polite">${Math.round(this.zoom * 100)}%</span>
        <button ?disabled=${!doc} @click=${() => this.stepZoom(1)} aria-label="Zoom in" title="Zoom in (+)">+</button>
        <span class="doc">${doc ? `${doc.name} · ${doc.width}×${doc.height}${doc.selection ? ` · selection ${doc.selection.width}×${doc.selection.height} at ${doc.selection.x},${doc.selection.y}` : ''}` : ''}</span>
      </header>
      <tessera-canvas-view .image=${this.composite} .selection=${doc?.selection ?? null} .zoom=${this.zoom}></tessera-canvas-view>
      <aside>
        <section aria-labelledby="layers-h"><h2 id="layers-h">Layers</h2>
          <tessera-layers .layers=${doc?.layers ?? []} .activeLayerId=${doc?.activeLayerId ?? null}></tessera-layers></section>
        <section aria-labelledby="history-h" class="history"><h2 id="history-h">History</h2>
          <tessera-history .entries=${this.historyEntries}></tessera-history></section>
        <div class="panel"><slot></slot></div>
      </aside>`;
  }

  private onOpen(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) emitEditor(this, 'editor-open', { file });
    input.value = ''; // opening the same file again must fire again
  }

  /** One step along ZOOM_STEPS from the current zoom. */
  stepZoom(direction: 1 | -1): void {
    const i = ZOOM_STEPS.findIndex((z) => z >= this.zoom - 1e-9);
    const next = ZOOM_STEPS[Math.max(0, Math.min(ZOOM_STEPS.length - 1, (i < 0 ? ZOOM_STEPS.length - 1 : i) + direction))];
    emitEditor(this, 'editor-zoom', { zoom: next });
  }
}

define('tessera-editor', TesseraEditor);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-editor': TesseraEditor;
  }
}
