import type { Rect } from '../../src/core/image.js';

/**
 * Intents the standalone editor's view sends up (bubbles + composed); the editor controller
 * turns them into document operations. The view itself changes nothing.
 */
export interface EditorEventMap {
  /** A finished marquee drag (null: a click without a drag clears the selection). */
  'editor-select': CustomEvent<{ readonly rect: Rect | null }>;
  'editor-open': CustomEvent<{ readonly file: File }>;
  'editor-export': CustomEvent<{ readonly what: 'visible' | 'layer' }>;
  'editor-undo': CustomEvent<void>;
  'editor-redo': CustomEvent<void>;
  'editor-history-jump': CustomEvent<{ readonly index: number }>;
  'editor-zoom': CustomEvent<{ readonly zoom: number }>;
  'editor-layer-select': CustomEvent<{ readonly id: string }>;
  'editor-layer-visible': CustomEvent<{ readonly id: string; readonly visible: boolean }>;
  'editor-layer-rename': CustomEvent<{ readonly id: string; readonly name: string }>;
  'editor-layer-delete': CustomEvent<{ readonly id: string }>;
  'editor-layer-move': CustomEvent<{ readonly id: string; readonly toIndex: number }>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends EditorEventMap {}
}

type Detail<K extends keyof EditorEventMap> = EditorEventMap[K] extends CustomEvent<infer D> ? D : never;

export function emitEditor<K extends keyof EditorEventMap>(from: EventTarget, type: K, ...[detail]: Detail<K> extends void ? [] : [Detail<K>]): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
