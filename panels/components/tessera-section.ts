import { LitElement, html, nothing } from 'lit';
import { controlStyles } from './controls.styles.js';
import { define } from './define.js';
import { sectionStyles } from './tessera-section.styles.js';

/**
 * A collapsible panel section with a small-caps header. Opening and closing is view state kept
 * here; it sends no event.
 *
 * @slot - The section's content.
 */
export class TesseraSection extends LitElement {
  static override properties = {
    heading: { type: String },
    /** A short tag next to the heading, e.g. "Needs a model". */
    badge: { type: String },
    open: { type: Boolean, reflect: true },
  };
  static override styles = [controlStyles, sectionStyles];

  declare heading: string;
  declare badge: string;
  declare open: boolean;

  constructor() {
    super();
    this.heading = '';
    this.badge = '';
    this.open = false;
  }

  override render() {
    return html`
      <h2>
        <button class="toggle" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="body" @click=${this.#toggle}>
          <span class="chevron" aria-hidden="true"></span>
          <span class="title">${this.heading}</span>
          ${this.badge ? html`<span class="badge">${this.badge}</span>` : nothing}
        </button>
      </h2>
      <div id="body" class="body" ?hidden=${!this.open}><slot></slot></div>
    `;
  }

  #toggle(): void {
    this.open = !this.open;
  }
}

define('tessera-section', TesseraSection);

declare global {
  interface HTMLElementTagNameMap {
    'tessera-section': TesseraSection;
  }
}
