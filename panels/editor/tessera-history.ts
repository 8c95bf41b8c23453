import { LitElement, css, html } from 'lit';
import type { HistoryEntry } from '../../src/hosts/standalone/history.js';
import { define } from '../components/define.js';
import { emitEditor } from './editor-events.js';

/**
 * The history list, oldest first, the current state marked; clicking an entry goes back (or
 * forward) to it.
 *
 * @fires editor-history-jump
 */
export class TesseraHistory extends LitElement {
  static override properties = { entries: { attribute: false } };

  declare entries: readonly HistoryEntry[];

  constructor() {
    super();
    this.entries = [];
  }

  static override styles = css`
    :host { display: block; font: var(--tessera-font-size) / var(--tessera-line-height) var(--tessera-font); color: var(--tessera-fg); }
    ol { list-style: none; margin: 0; padding: 0; }
    button { width: 100%; text-align: left; border: 0; background: none; color: inherit; font: inherit; padding: 3px 8px; border-radius: 3px; cursor: pointer; }
    button:hover { background: var(--tessera-surface-hover); }
    button[aria-current='step'] { background: var(--tessera-accent-soft); font-weight: 600; }
    li.undone button { color: var(--tessera-fg-subtle); }
    button:focus-visible { outline: 2px solid var(--tessera-focus); outline-offset: -1px; }
  `;

  protected override render() {
    return html`<ol aria-label="History">
      ${this.entries.map(
        (entry, index) => html`<li class=${entry.isUndone ? 'undone' : ''}>
          <button aria-current=${entry.isCurrent ? 'step' : 'false'} @click=${() => emitEditor(this, 'editor-history-jump', { index })}>${entry.name}</button>
        </li>`,
      )}
    </ol>`;
  }
}

define('tessera-history', TesseraHistory);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-history': TesseraHistory;
  }
}
