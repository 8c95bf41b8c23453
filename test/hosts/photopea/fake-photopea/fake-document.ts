import { encodePng } from '../../../../src/core/codecs/png.js';
import { cloneImage, createImage, type Rect, type RgbaImage } from '../../../../src/core/image.js';
import { resizeImage } from '../../../../src/core/resize.js';

/**
 * The subset of Photopea's scripting DOM (Photoshop's, hosts.md §1.2) that Tessera's scripts use,
 * over an in-memory model: documents with a size, a layer tree (top first, like `doc.layers`),
 * an active layer, a rectangular selection and a history list. Every change a user could undo
 * appends to the history of the document it happens in, as Photopea's History panel would, so a
 * test can count exactly what a script cost, and `undo()` steps back through it (each entry keeps
 * the state after it). Pure TS: runs in Node and in the fake page alike.
 */

export const ElementPlacement = { PLACEATBEGINNING: 'PLACEATBEGINNING', PLACEATEND: 'PLACEATEND' } as const;
export const SaveOptions = { DONOTSAVECHANGES: 'DONOTSAVECHANGES', SAVECHANGES: 'SAVECHANGES' } as const;
export const AnchorPosition = { TOPLEFT: 'TOPLEFT', MIDDLECENTER: 'MIDDLECENTER' } as const;
export const LayerKind = { NORMAL: 'NORMAL', SMARTOBJECT: 'SMARTOBJECT' } as const;

type Container = FakeDocument | FakeLayer;
let nextLayerId = 1;

export interface LayerInit {
  readonly name: string;
  /** Pixels of an art layer, at (x, y) in the document. */
  readonly pixels?: RgbaImage;
  readonly x?: number;
  readonly y?: number;
  readonly visible?: boolean;
  /** Makes a group (LayerSet) of these layers, top first. */
  readonly children?: readonly LayerInit[];
  readonly smart?: boolean;
}

export class FakeLayer {
  readonly id = nextLayerId++;
  readonly typename: 'ArtLayer' | 'LayerSet';
  readonly kind: string;
  layers: FakeLayer[] = [];
  pixels: RgbaImage | null;
  x: number;
  y: number;
  private layerName: string;
  private shown: boolean;

  constructor(public parent: Container, init: LayerInit) {
    this.typename = init.children ? 'LayerSet' : 'ArtLayer';
    this.kind = init.smart ? LayerKind.SMARTOBJECT : LayerKind.NORMAL;
    this.layerName = init.name;
    this.shown = init.visible ?? true;
    this.pixels = init.pixels ? cloneImage(init.pixels) : null;
    this.x = init.x ?? 0;
    this.y = init.y ?? 0;
    this.layers = (init.children ?? []).map((child) => new FakeLayer(this, child));
  }

  get document(): FakeDocument {
    return this.parent instanceof FakeDocument ? this.parent : this.parent.document;
  }
  get name(): string {
    return this.layerName;
  }
  set name(value: string) {
    this.layerName = String(value);
    this.document.record('Rename Layer');
  }
  get visible(): boolean {
    return this.shown;
  }
  set visible(value: boolean) {
    if (this.shown === Boolean(value)) return;
    this.shown = Boolean(value);
    this.document.record(value ? 'Show Layer' : 'Hide Layer');
  }

  /** `duplicate(otherDocument)` copies the layer there (history there only); no argument: above itself. */
  duplicate(target?: unknown, placement?: string): FakeLayer {
    this.document.app.beforeDuplicate?.();
    const into = target instanceof FakeDocument ? target : this.parent;
    const copy = new FakeLayer(into, this.init());
    if (target instanceof FakeDocument) into.layers.splice(placement === ElementPlacement.PLACEATEND ? into.layers.length : 0, 0, copy);
    else into.layers.splice(into.layers.indexOf(this), 0, copy);
    (target instanceof FakeDocument ? target : this.document).record('Duplicate Layer');
    return copy;
  }

  remove(): void {
    const doc = this.document;
    this.parent.layers.splice(this.parent.layers.indexOf(this), 1);
    if (doc.active === this) doc.active = doc.layers[0] ?? null;
    doc.record('Delete Layer');
  }

  /** What undo needs to put this layer back: its fields and its children, as objects (ids kept). */
  snapshot(): LayerSnapshot {
    return { layer: this, name: this.layerName, shown: this.shown, pixels: this.pixels, x: this.x, y: this.y, children: this.layers.map((l) => l.snapshot()) };
  }

  restore(s: LayerSnapshot): void {
    this.layerName = s.name;
    this.shown = s.shown;
    this.pixels = s.pixels;
    this.x = s.x;
    this.y = s.y;
    this.layers = s.children.map((c) => {
      c.layer.parent = this;
      c.layer.restore(c);
      return c.layer;
    });
  }

  /** Image Size: position and size scaled, pixels resampled (Lanczos-3 up, area down; Photopea's own filter is its business). */
  scale(scaleX: number, scaleY: number): void {
    for (const child of this.layers) child.scale(scaleX, scaleY);
    if (!this.pixels) return;
    const x0 = Math.round(this.x * scaleX), y0 = Math.round(this.y * scaleY);
    const width = Math.max(1, Math.round((this.x + this.pixels.width) * scaleX) - x0);
    const height = Math.max(1, Math.round((this.y + this.pixels.height) * scaleY) - y0);
    const method = width >= this.pixels.width && height >= this.pixels.height ? 'lanczos3' : 'area';
    this.pixels = resizeImage(this.pixels, width, height, method);
    this.x = x0;
    this.y = y0;
  }

  init(): LayerInit {
    return { name: this.layerName, pixels: this.pixels ?? undefined, x: this.x, y: this.y, visible: this.shown, children: this.typename === 'LayerSet' ? this.layers.map((l) => l.init()) : undefined, smart: this.kind === LayerKind.SMARTOBJECT };
  }
}

export interface LayerSnapshot {
  readonly layer: FakeLayer;
  readonly name: string;
  readonly shown: boolean;
  readonly pixels: RgbaImage | null;
  readonly x: number;
  readonly y: number;
  readonly children: readonly LayerSnapshot[];
}

interface DocumentSnapshot {
  readonly width: number;
  readonly height: number;
  readonly layers: readonly LayerSnapshot[];
  readonly active: FakeLayer | null;
  readonly selectionRect: Rect | null;
}

/** What the fake app offers each document: the outbox and failure hooks. */
export interface FakeAppLink {
  readonly beforeDuplicate?: () => void;
  close(doc: FakeDocument): void;
  saveToOE(bytes: ArrayBuffer): void;
}

export class FakeDocument {
  readonly history: string[] = ['Open'];
  layers: FakeLayer[] = [];
  active: FakeLayer | null = null;
  selectionRect: Rect | null = null;
  resolution = 72;
  /** The state after each history entry, parallel to `history`. */
  private states: DocumentSnapshot[] = [];

  constructor(readonly app: FakeAppLink, public name: string, public width: number, public height: number) {}

  record(step: string): void {
    this.history.push(step);
    this.states.push(this.snapshot());
  }

  /** The document as set up is history's first state ("Open"). */
  startHistory(): void {
    this.history.length = 1;
    this.states = [this.snapshot()];
  }

  /** Edit › Step Backward: the state before the last history entry comes back; false when there is none. */
  undo(): boolean {
    if (this.history.length < 2 || this.states.length < 2) return false;
    this.history.pop();
    this.states.pop();
    const s = this.states[this.states.length - 1];
    this.width = s.width;
    this.height = s.height;
    this.layers = s.layers.map((l) => {
      l.layer.parent = this;
      l.layer.restore(l);
      return l.layer;
    });
    this.active = s.active;
    this.selectionRect = s.selectionRect;
    return true;
  }

  private snapshot(): DocumentSnapshot {
    return { width: this.width, height: this.height, layers: this.layers.map((l) => l.snapshot()), active: this.active, selectionRect: this.selectionRect };
  }

  get activeLayer(): FakeLayer | null {
    return this.active;
  }
  set activeLayer(layer: FakeLayer | null) {
    this.active = layer; // selecting a layer is not a history step
  }

  /** `selection.bounds` throws when nothing is selected, as in Photoshop (the try/catch idiom). */
  get selection(): { readonly bounds: { value: number; type: string }[] } {
    const rect = this.selectionRect;
    return {
      get bounds() {
        if (!rect) throw new Error('There is no selection');
        return [rect.x, rect.y, rect.x + rect.width, rect.y + rect.height].map((value) => ({ value, type: 'px' }));
      },
    };
  }

  addLayer(init: LayerInit, index = 0): FakeLayer {
    const layer = new FakeLayer(this, init);
    this.layers.splice(index, 0, layer);
    return layer;
  }

  saveToOE(format: string): void {
    if (format !== 'png') throw new Error(`The fake saves png only, not ${format}`);
    const png = encodePng(this.composite());
    this.app.saveToOE(png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer);
  }

  close(): void {
    this.app.close(this);
  }

  resizeCanvas(width: number, height: number, anchor: string): void {
    if (anchor !== AnchorPosition.TOPLEFT) throw new Error(`The fake resizes from the top left only, not ${anchor}`);
    this.width = Number(width);
    this.height = Number(height);
    this.record('Canvas Size');
  }

  /** Photoshop's resizeImage(width, height[, resolution, method]) with sizes in pixels: every layer scaled. */
  resizeImage(width: unknown, height: unknown): void {
    const w = Number(width), h = Number(height);
    if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1) throw new Error(`Invalid image size ${String(width)}×${String(height)}`);
    for (const layer of this.layers) layer.scale(w / this.width, h / this.height);
    if (this.selectionRect) {
      const r = this.selectionRect, sx = w / this.width, sy = h / this.height;
      this.selectionRect = { x: Math.round(r.x * sx), y: Math.round(r.y * sy), width: Math.round(r.width * sx), height: Math.round(r.height * sy) };
    }
    this.width = w;
    this.height = h;
    this.record('Image Size');
  }

  /** Visible layers blended "normal" over transparency, bottom first. */
  composite(): RgbaImage {
    const out = createImage(this.width, this.height);
    const draw = (layers: readonly FakeLayer[]) => {
      for (const layer of [...layers].reverse()) {
        if (!layer.visible) continue;
        if (layer.typename === 'LayerSet') draw(layer.layers);
        else if (layer.pixels) blendOver(out, layer.pixels, layer.x, layer.y);
      }
    };
    draw(this.layers);
    return out;
  }
}

/** Straight-alpha source-over of `src` at (x, y) onto `dst`, in place. */
function blendOver(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  for (let sy = 0; sy < src.height; sy++) {
    const dy = y + sy;
    if (dy < 0 || dy >= dst.height) continue;
    for (let sx = 0; sx < src.width; sx++) {
      const dx = x + sx;
      if (dx < 0 || dx >= dst.width) continue;
      const s = (sy * src.width + sx) * 4, d = (dy * dst.width + dx) * 4;
      const a = src.data[s + 3] / 255, b = dst.data[d + 3] / 255;
      const outA = a + b * (1 - a);
      if (outA === 0) continue;
      for (let c = 0; c < 3; c++) dst.data[d + c] = (src.data[s + c] * a + dst.data[d + c] * b * (1 - a)) / outA;
      dst.data[d + 3] = outA * 255;
    }
  }
}
