/**
 * Runs in Chromium (bundled by test/browser/chromium.ts): registers every panel component and
 * gives the tests, through `window.harness`, fixture data, a way to mount an element with
 * properties, and a log of every panel event that reached the document. An event reaches the
 * document from inside a shadow root only if it bubbles and is composed, so the log checks both.
 */
import { LitElement, html } from 'lit';
import '../../../panels/components/index.js';
import { define } from '../../../panels/components/define.js';
import type { PanelEventMap, PanelState } from '../../../panels/state/panel-state.js';
import { createPanelStore, type PanelStore } from '../../../panels/state/panel-store.js';
import { StoreController } from '../../../panels/state/store-controller.js';

const EVENT_NAMES: readonly (keyof PanelEventMap)[] = [
  'tessera-change',
  'tessera-input',
  'tessera-apply',
  'tessera-cancel',
  'tessera-import-palette',
  'tessera-extract-palette',
  'tessera-remove-palette',
  'tessera-dismiss',
  'tessera-download-model',
  'tessera-remove-model',
  'tessera-generate-change',
  'tessera-generate',
  'tessera-roll-seed',
  'tessera-upscale-change',
  'tessera-upscale',
  'tessera-upscale-roll-seed',
  'tessera-compute-change',
  'tessera-test-connection',
];

export interface LoggedEvent {
  readonly type: string;
  /** As JSON (a Uint8Array becomes a plain array); `null` for events without one. */
  readonly detail: unknown;
  readonly bubbles: boolean;
  readonly composed: boolean;
}

/** A root that reads a store through StoreController, as an entry page's element would. */
class StoreView extends LitElement {
  static override properties = { store: { attribute: false } };
  declare store: PanelStore;
  #state: StoreController<PanelState> | null = null;

  override connectedCallback(): void {
    this.#state ??= new StoreController(this, this.store);
    super.connectedCallback();
  }

  override render() {
    return html`<tessera-panel .state=${this.#state!.value}></tessera-panel>`;
  }
}
define('test-store-view', StoreView);

const events: LoggedEvent[] = [];
for (const type of EVENT_NAMES) {
  document.addEventListener(type, (e) => {
    const detail = (e as CustomEvent<unknown>).detail;
    events.push({
      type,
      detail: detail === undefined ? null : JSON.parse(JSON.stringify(detail, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v))),
      bubbles: e.bubbles,
      composed: e.composed,
    });
  });
}

const harness = {
  events,
  createPanelStore,
  /** Replaces the page's content with one `tag` element with `props` set, rendered. */
  async mount(tag: string, props: Record<string, unknown> = {}): Promise<void> {
    document.body.replaceChildren();
    const el = document.createElement(tag);
    Object.assign(el, props);
    document.body.append(el);
    await settle(el);
    events.length = 0;
  },
  /** Sets properties on the mounted element, as an owner does, and waits for the render. */
  async set(props: Record<string, unknown>): Promise<void> {
    const el = document.body.firstElementChild as HTMLElement;
    Object.assign(el, props);
    await settle(el);
  },
  element(): HTMLElement {
    return document.body.firstElementChild as HTMLElement;
  },
};

/** Waits until `el` and every lit element in its shadow tree has rendered (children appear as parents render). */
async function settle(el: Element): Promise<void> {
  let seen = -1;
  for (;;) {
    const lit = [el, ...deep(el)].filter((e): e is LitElement => e instanceof LitElement);
    await Promise.all(lit.map((e) => e.updateComplete));
    if (lit.length === seen && lit.every((e) => !e.isUpdatePending)) return;
    seen = lit.length;
  }
}

function deep(el: Element): Element[] {
  const root = el.shadowRoot;
  const kids = root ? Array.from(root.querySelectorAll('*')) : [];
  return kids.flatMap((k) => [k, ...(k.shadowRoot ? deep(k) : [])]);
}

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
