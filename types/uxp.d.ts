// What Tessera uses of UXP beyond lib.dom, typed after Adobe's documentation (hosts.md §2.2,
// §2.7): the `uxp` module's `entrypoints.setup`, and `document.theme`.
//
// Why not @adobe/cc-ext-uxp-types 7.3.1, which is installed: its single .d.ts also declares some
// hundred browser globals of its own (`type File = any`, `HTMLElement`, `Blob`, `AbortController`,
// a `fetch` returning `any`, …), which would clash with lib.dom across the whole program; it
// lacks `storage.localFileSystem` (runtime.md §7); and it types `setup`'s `panels` and `commands`
// as arrays, although UXP takes objects keyed by entrypoint id (as its own @example shows).
// @types/photoshop, which types the `photoshop` module, is used as it is.

declare module 'uxp' {
  /** Handlers for one panel entrypoint (manifest `type: "panel"`); each may return a promise (300 ms limit in v5). */
  export interface UxpPanelHandlers {
    /** Called once with the panel's root node: mount the UI here. */
    create?(rootNode: HTMLElement): void | Promise<void>;
    /** Called when the panel is shown (in PS, only the first time: PS-57284). */
    show?(rootNode: HTMLElement, data?: unknown): void | Promise<void>;
    /** May never be called (hosts.md §2.2). */
    hide?(rootNode: HTMLElement, data?: unknown): void | Promise<void>;
    destroy?(rootNode: HTMLElement): void;
    invokeMenu?(menuId: string): void | Promise<void>;
  }

  /** A command entrypoint (manifest `type: "command"`): a function is taken as its `run`. */
  export type UxpCommandHandler = (() => void | Promise<void>) | { run(): void | Promise<void>; cancel?(): void };

  export interface UxpEntrypoints {
    plugin?: { create?(): void | Promise<void>; destroy?(): void | Promise<void> };
    /** Keyed by the panel ids of manifest.json. */
    panels?: Record<string, UxpPanelHandlers>;
    /** Keyed by the command ids of manifest.json. */
    commands?: Record<string, UxpCommandHandler>;
  }

  export const entrypoints: {
    /** Call once, promptly at load: a second call throws, and a late first one may throw uncatchably. */
    setup(entrypoints: UxpEntrypoints): void;
  };
}

/** Photoshop's UI theme, which UXP exposes on `document` (not in lib.dom). */
interface UxpDocumentTheme {
  getCurrent(): 'darkest' | 'dark' | 'medium' | 'light' | 'lightest';
  readonly onUpdated?: { addListener(listener: (theme: string) => void): void };
}

interface Document {
  /** Present in UXP only. */
  readonly theme?: UxpDocumentTheme;
}
