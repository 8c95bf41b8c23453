import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReadableStore } from './panel-store.js';

/**
 * Binds a lit element to a store: it re-renders on every new snapshot while connected, and lets
 * go of the store when disconnected (the same job as krita-ai-diffusion's `bind`). Read the
 * snapshot through `value` in `render()`.
 */
export class StoreController<T> implements ReactiveController {
  readonly #host: ReactiveControllerHost;
  readonly #store: ReadableStore<T>;
  #unsubscribe: (() => void) | null = null;

  constructor(host: ReactiveControllerHost, store: ReadableStore<T>) {
    this.#host = host;
    this.#store = store;
    host.addController(this);
  }

  get value(): T {
    return this.#store.get();
  }

  hostConnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = this.#store.subscribe(() => this.#host.requestUpdate());
    // A snapshot may have changed while disconnected.
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
