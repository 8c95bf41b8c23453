import type { PanelState } from './panel-state.js';

/** A patch, or a function from the current snapshot to a patch (for updates that read state). */
export type StorePatch<T> = Partial<T> | ((current: T) => Partial<T>);

/** What a reader needs: the current snapshot and change notifications. */
export interface ReadableStore<T> {
  get(): T;
  /** Calls `fn` with each new snapshot (not the current one); returns the unsubscribe function. */
  subscribe(fn: (state: T) => void): () => void;
}

export interface Store<T> extends ReadableStore<T> {
  /** Replaces the snapshot with a new frozen one; a patch that changes nothing notifies no one. */
  update(patch: StorePatch<T>): void;
}

export type PanelStore = Store<PanelState>;

/**
 * The panel's state as immutable snapshots: `update` never mutates, it makes a new frozen object,
 * so components can compare by reference. Subscribers run synchronously, in subscription order.
 */
export function createPanelStore(initial: PanelState): PanelStore {
  return createStore(initial);
}

function createStore<T extends object>(initial: T): Store<T> {
  let state: T = Object.freeze({ ...initial });
  const listeners = new Set<(state: T) => void>();
  return {
    get: () => state,
    update(patch) {
      const changes = typeof patch === 'function' ? patch(state) : patch;
      const keys = Object.keys(changes) as (keyof T)[];
      if (keys.every((k) => Object.is(state[k], changes[k]))) return;
      state = Object.freeze({ ...state, ...changes });
      // A copy, so a listener that unsubscribes (or subscribes) while being notified is safe.
      for (const fn of [...listeners]) fn(state);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
      };
    },
  };
}
