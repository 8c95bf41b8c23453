import type { PanelEventMap } from '../state/panel-state.js';

declare global {
  // Every panel intent is a typed DOM event, so `addEventListener('tessera-apply', …)` is checked.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends PanelEventMap {}
}

export type PanelEventName = keyof PanelEventMap;
export type PanelEventDetail<K extends PanelEventName> = PanelEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * Sends a user intent up from a component: bubbles and composed, so it crosses every shadow
 * root to the controller listening at the panel root. Call it only from user input handlers,
 * never in response to a property the owner set.
 */
export function emit<K extends PanelEventName>(
  from: EventTarget,
  type: K,
  ...[detail]: PanelEventDetail<K> extends void ? [] : [PanelEventDetail<K>]
): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
