import { LitElement, css, html } from 'lit';
import type { LayerRecord } from '../../src/hosts/standalone/document-records.js';
import { define } from '../components/define.js';
import { emitEditor } from './editor-events.js';

/**
 * The layer stack, top layer first: select, show/hide, rename (double-click or F2), move up or
 * down, delete.
 *
 * @fires editor-layer-select @fires editor-layer-visible @fires editor-layer-rename
 * @fires editor-layer-move @fires editor-layer-delete
 */
export class TesseraLayers extends LitElement {
  static override properties = {
    layers: { attribute: false },
    activeLayerId: { attribute: false },
    editingId: { state: true },
  };

  /** Bottom → top, as the document keeps them. */
  declare layers: readonly LayerRecord[];
  declare activeLayerId: string | null;
  declare editingId: string | null;

  constructor() {
    super();
    this.layers = [];
    this.activeLayerId = null;
    this.editingId = null;
  }

  static override styles = css`
    :host { display: block; font: var(--tessera-font-size) / var(--tessera-line-height) var(--tessera-font); color: var(--tessera-fg); }
    ul { list-style: none; margin: 0; padding: 0; }
    li { display: flex; align-items: center; gap: 2px; padding: 2px 4px; border-radius: var(--tessera-radius); }
    li.active { background: var(--tessera-accent-soft); }
    .name { flex: 1; min-width: 0; text-align: left; background: none; border: 0; color: inherit; font: inherit; padding: 3px 4px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; cursor: pointer; border-radius: 3px; }
    .name.hidden { color: var(--tessera-fg-subtle); text-decoration: line-through; }
    input { flex: 1; min-width: 0; font: inherit; padding: 2px 4px; border: 1px solid var(--tessera-accent); border-radius: 3px; background: var(--tessera-surface); color: var(--tessera-fg); }
    .icon { width: 22px; height: 22px; border: 0; background: none; color: var(--tessera-fg-muted); border-radius: 3px; cursor: pointer; font-size: 12px; padding: 0; }
    .icon:hover, .name:hover { background: var(--tessera-surface-hover); color: var(--tessera-fg); }
    .icon:disabled { opacity: .35; cursor: default; background: none; }
    button:focus-visible, input:focus-visible { outline: 2px solid var(--tessera-focus); outline-offset: -1px; }
    .empty { color: var(--tessera-fg-subtle); padding: 4px; margin: 0; }
  `;

  protected override render() {
    if (this.layers.length === 0) return html`<p class="empty">No layers.</p>`;
    const top = this.layers.length - 1;
    return html`<ul aria-label="Layers">
      ${[...this.layers].reverse().map((layer, i) => {
        const index = top - i;
        const active = layer.id === this.activeLayerId;
        return html`<li class=${active ? 'active' : ''} data-layer-id=${layer.id}>
          <button class="icon" aria-pressed=${layer.visible} aria-label="${layer.visible ? 'Hide' : 'Show'} ${layer.name}" title="Show/hide"
            @click=${() => emitEditor(this, 'editor-layer-visible', { id: layer.id, visible: !layer.visible })}>${layer.visible ? '◉' : '○'}</button>
          ${this.editingId === layer.id
            ? html`<input aria-label="Layer name" .value=${layer.name} @keydown=${(e: KeyboardEvent) => this.onRenameKey(e, layer.id)} @blur=${(e: FocusEvent) => this.commitRename(e, layer.id)} />`
            : html`<button class="name ${layer.visible ? '' : 'hidden'}" aria-current=${active ? 'true' : 'false'}
                @click=${() => emitEditor(this, 'editor-layer-select', { id: layer.id })}
                @dblclick=${() => this.startRename(layer.id)}
                @keydown=${(e: KeyboardEvent) => e.key === 'F2' && this.startRename(layer.id)}>${layer.name}</button>`}
          <button class="icon" aria-label="Move ${layer.name} up" title="Move up" ?disabled=${index === top}
            @click=${() => emitEditor(this, 'editor-layer-move', { id: layer.id, toIndex: index + 1 })}>▲</button>
          <button class="icon" aria-label="Move ${layer.name} down" title="Move down" ?disabled=${index === 0}
            @click=${() => emitEditor(this, 'editor-layer-move', { id: layer.id, toIndex: index - 1 })}>▼</button>
          <button class="icon" aria-label="Delete ${layer.name}" title="Delete layer"
            @click=${() => emitEditor(this, 'editor-layer-delete', { id: layer.id })}>✕</button>
        </li>`;
      })}
    </ul>`;
  }

  private async startRename(id: string): Promise<void> {
    this.editingId = id;
    await this.updateComplete;
    const input = this.renderRoot.querySelector('input');
    input?.focus();
    input?.select();
  }

  private onRenameKey(e: KeyboardEvent, id: string): void {
    if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
    else if (e.key === 'Escape') this.editingId = null;
    e.stopPropagation(); // typing a name must not trigger editor shortcuts
    void id;
  }

  private commitRename(e: FocusEvent, id: string): void {
    if (this.editingId !== id) return;
    this.editingId = null;
    const name = (e.target as HTMLInputElement).value.trim();
    const layer = this.layers.find((l) => l.id === id);
    if (name && layer && name !== layer.name) emitEditor(this, 'editor-layer-rename', { id, name });
  }
}

define('tessera-layers', TesseraLayers);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-layers': TesseraLayers;
  }
}
