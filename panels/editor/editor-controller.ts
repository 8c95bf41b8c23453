import { decodeImage } from '../../src/core/codecs/decode-image.js';
import { encodePng } from '../../src/core/codecs/png.js';
import { TesseraError, toTesseraError } from '../../src/core/errors.js';
import type { EditorDocument } from '../../src/hosts/standalone/editor-document.js';
import type { EditorEventMap } from './editor-events.js';
import { ZOOM_STEPS, type TesseraEditor } from './tessera-editor.js';

export interface EditorControllerOptions {
  readonly document: EditorDocument;
  readonly view: TesseraEditor;
  /** Where failures a user caused (a broken file) are shown: the panel's error box. */
  readonly showError: (error: TesseraError) => void;
}

/**
 * Connects the standalone editor's view to its document: view intents become document
 * operations (each one history step), document changes re-render the view, and the page-wide
 * gestures live here: Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z, +/- zoom, Escape to deselect, files
 * dropped or pasted (a new layer when a document is open, else a new document).
 */
export class EditorController {
  constructor(private readonly options: EditorControllerOptions) {}

  connect(): () => void {
    const { document: doc, view } = this.options;
    const handlers: { [K in keyof EditorEventMap]: (e: EditorEventMap[K]) => void } = {
      'editor-select': (e) => doc.setSelection(e.detail.rect),
      'editor-open': (e) => void this.openFile(e.detail.file, 'open'),
      'editor-export': (e) => this.exportPng(e.detail.what),
      'editor-undo': () => doc.undo(),
      'editor-redo': () => doc.redo(),
      'editor-history-jump': (e) => doc.jumpToHistory(e.detail.index),
      'editor-zoom': (e) => { view.zoom = e.detail.zoom; },
      'editor-layer-select': (e) => doc.setActiveLayer(e.detail.id),
      'editor-layer-visible': (e) => doc.setLayerVisible(e.detail.id, e.detail.visible),
      'editor-layer-rename': (e) => doc.renameLayer(e.detail.id, e.detail.name),
      'editor-layer-delete': (e) => doc.removeLayer(e.detail.id),
      'editor-layer-move': (e) => doc.moveLayer(e.detail.id, e.detail.toIndex),
    };
    const viewListeners = Object.entries(handlers) as [string, EventListener][];
    for (const [name, handler] of viewListeners) view.addEventListener(name, this.guard(handler));
    const onKey = (e: KeyboardEvent) => this.onKey(e);
    const onPaste = (e: ClipboardEvent) => this.onPaste(e);
    const onDragOver = (e: DragEvent) => e.preventDefault();
    const onDrop = (e: DragEvent) => this.onDrop(e);
    window.addEventListener('keydown', onKey);
    window.addEventListener('paste', onPaste);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    const unsubscribe = doc.subscribe(() => this.render());
    this.render();
    return () => {
      unsubscribe();
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('paste', onPaste);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }

  /** Decode a PNG/JPEG and open it as a document, or add it as a layer over the open one. */
  async openFile(file: Blob & { name?: string }, mode: 'open' | 'layer'): Promise<void> {
    const { document: doc, view, showError } = this.options;
    try {
      const image = decodeImage(new Uint8Array(await file.arrayBuffer()));
      const name = file.name || 'Pasted image';
      if (mode === 'layer' && doc.state) doc.addLayer({ name, pixels: image, x: 0, y: 0 }, { stepName: `Add ${name}` });
      else {
        doc.open(image, name);
        view.zoom = fitZoom(image.width, image.height, view);
      }
    } catch (e) {
      showError(toTesseraError(e));
    }
  }

  private render(): void {
    const { document: doc, view } = this.options;
    view.documentState = doc.state;
    view.composite = doc.state ? doc.composite() : null;
    view.historyEntries = doc.historyEntries();
    view.canUndo = doc.canUndo;
    view.canRedo = doc.canRedo;
  }

  private exportPng(what: 'visible' | 'layer'): void {
    const { document: doc } = this.options;
    const state = doc.state;
    if (!state) return;
    const layer = state.layers.find((l) => l.id === state.activeLayerId);
    const image = what === 'visible' ? doc.composite() : layer?.pixels;
    if (!image) return;
    const url = URL.createObjectURL(new Blob([encodePng(image) as BlobPart], { type: 'image/png' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `${(what === 'layer' ? layer?.name : state.name) ?? 'image'}.png`.replace(/[\\/:*?"<>|]+/g, '_') });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private onKey(e: KeyboardEvent): void {
    if (isTyping(e)) return;
    const { document: doc, view } = this.options;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 'z') {
      e.preventDefault();
      if (e.shiftKey) doc.redo();
      else doc.undo();
    } else if (mod && key === 'y') {
      e.preventDefault();
      doc.redo();
    } else if (!mod && (e.key === '+' || e.key === '=')) view.stepZoom(1);
    else if (!mod && e.key === '-') view.stepZoom(-1);
    else if (e.key === 'Escape' && doc.state?.selection) doc.setSelection(null);
  }

  private onPaste(e: ClipboardEvent): void {
    if (isTyping(e)) return;
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type === 'image/png' || f.type === 'image/jpeg');
    if (!file) return;
    e.preventDefault();
    void this.openFile(file, 'layer');
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) void this.openFile(file, 'layer');
  }

  /** A document operation refused (a stale id, say) shows in the panel instead of vanishing. */
  private guard(handler: EventListener): EventListener {
    return (e) => {
      try {
        handler(e);
      } catch (error) {
        this.options.showError(toTesseraError(error));
      }
    };
  }
}

/** The largest zoom step at which the whole image fits the canvas area (at most 800%). */
function fitZoom(width: number, height: number, view: HTMLElement): number {
  const area = view.shadowRoot?.querySelector('tessera-canvas-view')?.getBoundingClientRect();
  const availableW = (area?.width ?? 800) - 48, availableH = (area?.height ?? 600) - 48;
  const fit = Math.min(availableW / width, availableH / height, 8);
  return [...ZOOM_STEPS].reverse().find((z) => z <= fit) ?? ZOOM_STEPS[0];
}

function isTyping(e: Event): boolean {
  return e.composedPath().some((t) => t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable));
}
