import { LitElement, html, nothing } from 'lit';
import type { PanelError } from '../state/panel-state.js';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { emit } from './emit.js';
import { errorStyles } from './tessera-error.styles.js';

/**
 * The last failure, announced to assistive technology, with its code for bug reports and a way
 * to put it away. (The class is `…Box` so it never reads as core's thrown `TesseraError`.)
 *
 * @fires tessera-dismiss - The user has read it.
 */
export class TesseraErrorBox extends LitElement {
  static override properties = {
    error: { attribute: false },
    _copied: { state: true },
  };
  static override styles = [controlStyles, errorStyles];

  declare error: PanelError | null;
  /** Feedback for "Copy details": whether the clipboard took it. */
  private declare _copied: 'copied' | 'failed' | null;

  constructor() {
    super();
    this.error = null;
    this._copied = null;
  }

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('error')) this._copied = null;
  }

  override render() {
    const error = this.error;
    if (!error) return nothing;
    return html`
      <div class="box" role="alert">
        <p class="message">${error.message}</p>
        <div class="foot">
          <span class="code" title="Error code">${error.code}</span>
          <button type="button" class="quiet" @click=${this.#onCopy}>
            ${this._copied === 'copied' ? 'Copied' : this._copied === 'failed' ? 'Copy failed' : 'Copy details'}
          </button>
          <button type="button" @click=${this.#onDismiss}>Dismiss</button>
        </div>
      </div>
    `;
  }

  #onDismiss(): void {
    emit(this, 'tessera-dismiss');
  }

  #onCopy(): void {
    const error = this.error;
    if (!error) return;
    const text = `Tessera error ${error.code}: ${error.message}`;
    // Not every host grants clipboard access (a sandboxed iframe, UXP without the permission).
    const clipboard = navigator.clipboard as Clipboard | undefined;
    if (!clipboard) {
      this._copied = 'failed';
      return;
    }
    clipboard.writeText(text).then(
      () => (this._copied = 'copied'),
      () => (this._copied = 'failed'),
    );
  }
}

define('tessera-error', TesseraErrorBox);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-error': TesseraErrorBox;
  }
}
