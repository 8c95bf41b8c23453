import { createImage, intersectRect, type Rect, type RgbaImage } from '../../../src/core/image.js';
import { resizeImage } from '../../../src/core/resize.js';
import type {
  PhotoshopModules,
  PsBounds,
  PsDocument,
  PsExecutionContext,
  PsHistorySuspension,
  PsImageData,
  PsLayer,
} from '../../../src/hosts/photoshop/photoshop-modules.js';

/**
 * An in-memory `photoshop` module: the subset PhotoshopHost uses, behaving like Photoshop where
 * it matters to us (hosts.md §2.3–2.5, executeasmodal.md, imaging.md):
 * - document changes need an open `executeAsModal` scope, and only one scope may be open at a
 *   time (a second one is refused with `number: 9`);
 * - each change outside a history suspension is its own history state; inside one they collapse
 *   into one state named after the suspension, which `resumeHistory(s, false)` (or a throwing
 *   scope) rolls back, leaving no state;
 * - pixels are stored per layer at the document's depth (16-bit as 0..32768), with or without
 *   alpha; getPixels trims to where the layer has pixels; every image data is tracked until
 *   disposed.
 * - `undo()` steps back one history state, as Edit › Undo would.
 * Layers are kept bottom to top. Tests can make a step fail or be cancelled.
 */

const PS16 = 32768;
const SRGB = 'sRGB IEC61966-2.1';

export type FakeDepth = 8 | 16 | 32;
export type FailPoint = 'createPixelLayer' | 'move' | 'putPixels' | 'getPixels' | 'getData' | 'resizeImage';

interface LayerPixels {
  readonly rect: Rect;
  readonly components: number;
  readonly data: Uint8Array | Uint16Array;
}

interface Snapshot {
  readonly width: number;
  readonly height: number;
  readonly layers: readonly { layer: FakeLayer; pixels: LayerPixels | null; name: string }[];
  readonly active: readonly FakeLayer[];
  readonly selectionMask: Uint8Array | null;
}

export interface ModalScopeRecord {
  readonly commandName: string;
  /** Document changes made inside this scope, in order ("createPixelLayer", "putPixels", …). */
  readonly changes: string[];
}

export class FakeImageData implements PsImageData {
  disposed = false;
  constructor(
    private readonly fake: FakePhotoshop,
    readonly width: number,
    readonly height: number,
    readonly components: number,
    readonly componentSize: number,
    readonly colorProfile: string,
    readonly data: Uint8Array | Uint16Array,
  ) {
    fake.liveImageData.add(this);
  }
  async getData(options: { chunky?: boolean; fullRange?: boolean } = {}): Promise<Uint8Array | Uint16Array> {
    if (this.disposed) throw new Error('The image data was disposed');
    if (options.chunky === false || options.fullRange === true) throw new Error('The fake returns chunky, Photoshop-range data only');
    this.fake.maybeFail('getData');
    return this.data.slice();
  }
  dispose(): void {
    this.disposed = true;
    this.fake.liveImageData.delete(this);
  }
}

export class FakeLayer implements PsLayer {
  pixels: LayerPixels | null = null;
  constructor(private readonly doc: FakeDocument, readonly id: number, public name: string, readonly kind: string) {}
  get boundsNoEffects(): PsBounds {
    const r = this.pixels?.rect ?? { x: 0, y: 0, width: 0, height: 0 };
    return { left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height };
  }
  move(relativeObject: PsLayer, insertLocation: string): void {
    this.doc.change('move', () => {
      if (insertLocation !== 'placeBefore') throw new Error(`The fake only places layers above others, not "${insertLocation}"`);
      const layers = this.doc.layers.filter((l) => l !== this);
      const at = layers.findIndex((l) => l.id === relativeObject.id);
      if (at < 0) throw new Error('The layer to move relative to does not exist');
      layers.splice(at + 1, 0, this);
      this.doc.layers = layers;
    });
  }
}

export class FakeDocument implements PsDocument {
  mode = 'RGBColorMode';
  layers: FakeLayer[] = [];
  activeLayers: FakeLayer[] = [];
  /** Document-sized, 0..255 per pixel; null for no selection. */
  selectionMask: Uint8Array | null = null;
  /** Names of the history states, oldest first (the opening state is left out). */
  readonly history: string[] = [];
  /** The document before each history state, parallel to `history`, for undo. */
  private readonly before: Snapshot[] = [];
  /** The last resizeImage's resampling method, as Photoshop was asked for it. */
  lastResampleMethod: string | undefined;
  suspension: { id: number; name: string; snapshot: Snapshot; changed: boolean } | null = null;

  constructor(private readonly fake: FakePhotoshop, readonly id: number, readonly title: string, public width: number, public height: number, readonly depth: FakeDepth) {}

  get bitsPerChannel(): string {
    return `bitDepth${this.depth}`;
  }

  get selection(): { bounds: PsBounds | null; solid: boolean } {
    const box = this.selectionMask ? maskBox(this.selectionMask, this.width, this.height) : null;
    if (!box || !this.selectionMask) return { bounds: null, solid: false };
    let solid = true;
    for (let y = box.y; y < box.y + box.height && solid; y++) {
      for (let x = box.x; x < box.x + box.width; x++) if (this.selectionMask[y * this.width + x] !== 255) solid = false;
    }
    return { bounds: { left: box.x, top: box.y, right: box.x + box.width, bottom: box.y + box.height }, solid };
  }

  select(rect: Rect): void {
    this.selectionMask = new Uint8Array(this.width * this.height);
    for (let y = rect.y; y < rect.y + rect.height; y++) this.selectionMask.fill(255, y * this.width + rect.x, y * this.width + rect.x + rect.width);
  }

  async createPixelLayer(options: { name?: string } = {}): Promise<PsLayer | null> {
    return this.change('createPixelLayer', () => {
      const layer = new FakeLayer(this, this.fake.nextId(), options.name ?? 'Layer', 'pixel');
      const above = this.activeLayers[0] ? this.layers.indexOf(this.activeLayers[0]) + 1 : this.layers.length;
      this.layers.splice(above, 0, layer);
      this.activeLayers = [layer];
      return layer;
    });
  }

  async resizeCanvas(width: number, height: number, anchor?: string): Promise<void> {
    this.change('resizeCanvas', () => {
      if (anchor !== 'top-left') throw new Error(`The fake resizes anchored top-left only, not "${anchor}"`);
      this.width = width;
      this.height = height;
    });
  }

  /** Image Size: every layer's place and pixels scaled (Lanczos-3 here; Photoshop uses `resampleMethod`), the selection too. */
  async resizeImage(width: number, height: number, _resolution?: number, resampleMethod?: string): Promise<void> {
    this.change('resizeImage', () => {
      if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new Error(`Invalid image size ${width}×${height}`);
      const sx = width / this.width, sy = height / this.height;
      for (const layer of this.layers) if (layer.pixels) layer.pixels = scaledPixels(this.fake, layer, sx, sy, this.depth);
      if (this.selectionMask) this.selectionMask = scaleMask(this.selectionMask, this.width, this.height, width, height);
      this.width = width;
      this.height = height;
      this.lastResampleMethod = resampleMethod;
    });
  }

  /** One document change: refused outside a modal scope; a history state of its own unless suspended. */
  change<T>(what: string, apply: () => T): T {
    this.fake.requireModal(what);
    this.fake.maybeFail(what as FailPoint);
    const before = this.suspension ? null : this.snapshot();
    const result = apply();
    this.fake.currentScope?.changes.push(what);
    if (this.suspension) this.suspension.changed = true;
    else this.pushState(what, before as Snapshot);
    return result;
  }

  pushState(name: string, before: Snapshot): void {
    this.history.push(name);
    this.before.push(before);
  }

  /** Edit › Undo: the document as it was before the last history state; false when there is none. */
  undo(): boolean {
    const before = this.before.pop();
    if (!before) return false;
    this.history.pop();
    this.restore(before);
    return true;
  }

  snapshot(): Snapshot {
    return {
      width: this.width,
      height: this.height,
      layers: this.layers.map((layer) => ({ layer, pixels: layer.pixels, name: layer.name })),
      active: [...this.activeLayers],
      selectionMask: this.selectionMask,
    };
  }

  restore(s: Snapshot): void {
    this.width = s.width;
    this.height = s.height;
    this.layers = s.layers.map(({ layer, pixels, name }) => Object.assign(layer, { pixels, name }));
    this.activeLayers = [...s.active];
    this.selectionMask = s.selectionMask;
  }
}

export class FakePhotoshop {
  readonly documents: FakeDocument[] = [];
  active: FakeDocument | null = null;
  modalOpen = false;
  readonly scopes: ModalScopeRecord[] = [];
  currentScope: ModalScopeRecord | null = null;
  readonly liveImageData = new Set<FakeImageData>();
  /** Steps told to throw (once each). */
  readonly failures = new Map<FailPoint, Error>();
  /** A step at which the user presses Cancel on Photoshop's progress dialog. */
  cancelAt: FailPoint | null = null;
  /** Another plugin holds the modal scope: every executeAsModal is refused. */
  otherPluginModal = false;
  private ids = 100;
  private context: { isCancelled: boolean } | null = null;

  nextId(): number {
    return ++this.ids;
  }

  addDocument({ width, height, depth = 8, title = 'Untitled-1' }: { width: number; height: number; depth?: FakeDepth; title?: string }): FakeDocument {
    const doc = new FakeDocument(this, this.nextId(), title, width, height, depth);
    this.documents.push(doc);
    this.active = doc;
    return doc;
  }

  /** A layer on top holding `image` at (x, y), stored at the document's depth; `alpha: false` stores RGB only. */
  addLayer(doc: FakeDocument, { name, image, x = 0, y = 0, alpha = true, kind = 'pixel' }: { name: string; image?: RgbaImage; x?: number; y?: number; alpha?: boolean; kind?: string }): FakeLayer {
    const layer = new FakeLayer(doc, this.nextId(), name, kind);
    if (image) layer.pixels = { rect: { x, y, width: image.width, height: image.height }, ...encode(image, alpha ? 4 : 3, doc.depth) };
    doc.layers.push(layer);
    doc.activeLayers = [layer];
    return layer;
  }

  /** A layer's pixels as 8-bit RGBA (opaque without alpha), with their document bounds. */
  layerImage(layer: FakeLayer): { rect: Rect; image: RgbaImage } {
    if (!layer.pixels) throw new Error(`Layer "${layer.name}" has no pixels`);
    const { rect, components, data } = layer.pixels;
    const image = createImage(rect.width, rect.height);
    const scale = data instanceof Uint16Array ? 255 / PS16 : 1;
    for (let p = 0; p < rect.width * rect.height; p++) {
      for (let c = 0; c < 4; c++) image.data[p * 4 + c] = c < components ? Math.round(data[p * components + c] * scale) : 255;
    }
    return { rect, image };
  }

  requireModal(what: string): void {
    if (!this.modalOpen) throw new Error(`${what} changes the document and needs executeAsModal`);
  }

  maybeFail(point: FailPoint): void {
    if (this.cancelAt === point && this.context) {
      this.cancelAt = null;
      this.context.isCancelled = true;
      throw new Error('User cancelled the operation');
    }
    const error = this.failures.get(point);
    if (error) {
      this.failures.delete(point);
      throw error;
    }
  }

  modules(): PhotoshopModules {
    const fake = this;
    return {
      app: {
        get activeDocument() {
          return fake.active;
        },
        get documents() {
          return fake.documents;
        },
      },
      core: { executeAsModal: (target, options) => this.executeAsModal(target, options) },
      imaging: {
        getPixels: async ({ documentID, layerID, sourceBounds }) => {
          const doc = this.document(documentID);
          const layer = doc.layers.find((l) => l.id === layerID);
          if (!layer) throw new Error(`No layer ${layerID}`);
          this.maybeFail('getPixels');
          const rect = layer.pixels && intersectRect(layer.pixels.rect, sourceBounds ? rectOf(sourceBounds) : layer.pixels.rect);
          if (!layer.pixels || !rect) throw new Error('The requested region has no pixel data');
          const data = cropBuffer(layer.pixels.data, layer.pixels.rect, rect, layer.pixels.components);
          const imageData = new FakeImageData(this, rect.width, rect.height, layer.pixels.components, doc.depth, SRGB, data);
          return { imageData, sourceBounds: boundsOf(rect) };
        },
        getSelection: async ({ documentID, sourceBounds }) => {
          const doc = this.document(documentID);
          if (!doc.selectionMask) throw new Error('There is no selection');
          const rect = intersectRect(sourceBounds ? rectOf(sourceBounds) : { x: 0, y: 0, width: doc.width, height: doc.height }, { x: 0, y: 0, width: doc.width, height: doc.height });
          if (!rect) throw new Error('The requested region is outside the document');
          const values = cropBuffer(doc.selectionMask, { x: 0, y: 0, width: doc.width, height: doc.height }, rect, 1);
          const data = doc.depth === 16 ? Uint16Array.from(values, (v) => Math.round((v * PS16) / 255)) : values;
          return { imageData: new FakeImageData(this, rect.width, rect.height, 1, doc.depth, 'Gray Gamma 2.2', data), sourceBounds: boundsOf(rect) };
        },
        createImageDataFromBuffer: async (buffer, options) => {
          if (options.width * options.height * options.components !== buffer.length) throw new Error('The buffer does not match width × height × components');
          if (options.colorSpace !== 'RGB') throw new Error('The fake holds RGB image data only');
          const size = buffer instanceof Uint16Array ? 16 : 8;
          return new FakeImageData(this, options.width, options.height, options.components, size, options.colorProfile ?? '', buffer.slice());
        },
        putPixels: async ({ documentID, layerID, imageData, replace, targetBounds }) => {
          const doc = this.document(documentID);
          const layer = doc.layers.find((l) => l.id === layerID);
          if (!(imageData instanceof FakeImageData) || imageData.disposed) throw new Error('Invalid or disposed image data');
          doc.change('putPixels', () => {
            if (!layer || layer.kind !== 'pixel') throw new Error('The target layer must be a pixel layer');
            // Photoshop would convert; the fake insists on the document's depth so tests see the host convert.
            if (imaging16(imageData) !== (doc.depth === 16)) throw new Error(`${imageData.componentSize}-bit data for a ${doc.depth}-bit document`);
            if (replace === false) throw new Error('The fake replaces layer pixels only');
            const { left = 0, top = 0 } = targetBounds ?? {};
            layer.pixels = { rect: { x: left, y: top, width: imageData.width, height: imageData.height }, components: imageData.components, data: imageData.data.slice() };
          });
        },
      },
    };
  }

  private async executeAsModal<T>(target: (context: PsExecutionContext) => Promise<T>, { commandName }: { commandName: string }): Promise<T> {
    if (this.modalOpen || this.otherPluginModal) throw Object.assign(new Error('Plugin is running a modal command'), { number: 9 });
    this.modalOpen = true;
    const scope: ModalScopeRecord = { commandName, changes: [] };
    this.scopes.push(scope);
    this.currentScope = scope;
    const context = { isCancelled: false };
    this.context = context;
    const hostControl = {
      suspendHistory: async ({ documentID, name }: { documentID: number; name: string }): Promise<PsHistorySuspension> => {
        const doc = this.document(documentID);
        if (doc.suspension) throw new Error('History is already suspended on this document');
        doc.suspension = { id: this.nextId(), name, snapshot: doc.snapshot(), changed: false };
        return { historySuspensionID: doc.suspension.id };
      },
      resumeHistory: async (suspension: PsHistorySuspension, commit = true): Promise<void> => {
        const doc = this.documents.find((d) => d.suspension?.id === suspension.historySuspensionID);
        if (!doc) throw new Error('No such history suspension');
        this.resume(doc, commit);
      },
    };
    try {
      const result = await target(Object.assign(context, { hostControl }));
      for (const doc of this.documents) if (doc.suspension) this.resume(doc, true);
      return result;
    } catch (e) {
      // A scope that throws cancels every suspension it left open (executeasmodal.md).
      for (const doc of this.documents) if (doc.suspension) this.resume(doc, false);
      throw e;
    } finally {
      this.modalOpen = false;
      this.currentScope = null;
      this.context = null;
    }
  }

  private resume(doc: FakeDocument, commit: boolean): void {
    const s = doc.suspension!;
    doc.suspension = null;
    if (!commit) doc.restore(s.snapshot);
    else if (s.changed) doc.pushState(s.name, s.snapshot);
  }

  private document(id: number | undefined): FakeDocument {
    const doc = id === undefined || id < 0 ? this.active : this.documents.find((d) => d.id === id);
    if (!doc) throw new Error(`No document ${id}`);
    return doc;
  }
}

/** A layer's pixels at its scaled place, resampled in 8-bit RGBA and stored back at the document's depth. */
function scaledPixels(fake: FakePhotoshop, layer: FakeLayer, sx: number, sy: number, depth: FakeDepth): LayerPixels {
  const { rect, image } = fake.layerImage(layer);
  const x0 = Math.round(rect.x * sx), y0 = Math.round(rect.y * sy);
  const width = Math.max(1, Math.round((rect.x + rect.width) * sx) - x0), height = Math.max(1, Math.round((rect.y + rect.height) * sy) - y0);
  const scaled = resizeImage(image, width, height, width >= rect.width && height >= rect.height ? 'lanczos3' : 'area');
  return { rect: { x: x0, y: y0, width, height }, ...encode(scaled, layer.pixels!.components, depth) };
}

/** A document-sized mask at a new document size, nearest neighbour. */
function scaleMask(mask: Uint8Array, width: number, height: number, toWidth: number, toHeight: number): Uint8Array {
  const out = new Uint8Array(toWidth * toHeight);
  for (let y = 0; y < toHeight; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / toHeight));
    for (let x = 0; x < toWidth; x++) out[y * toWidth + x] = mask[sy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / toWidth))];
  }
  return out;
}

function imaging16(data: FakeImageData): boolean {
  return data.componentSize === 16;
}

function encode(image: RgbaImage, components: number, depth: FakeDepth): { components: number; data: Uint8Array | Uint16Array } {
  if (depth === 32) throw new Error('The fake stores 8- and 16-bit pixels only');
  const data = depth === 16 ? new Uint16Array(image.width * image.height * components) : new Uint8Array(image.width * image.height * components);
  for (let p = 0; p < image.width * image.height; p++) {
    for (let c = 0; c < components; c++) {
      const v = image.data[p * 4 + c];
      data[p * components + c] = depth === 16 ? Math.round((v * PS16) / 255) : v;
    }
  }
  return { components, data };
}

function cropBuffer<T extends Uint8Array | Uint16Array>(data: T, from: Rect, to: Rect, components: number): T {
  const out = new (data.constructor as new (n: number) => T)(to.width * to.height * components);
  for (let y = 0; y < to.height; y++) {
    const start = ((to.y - from.y + y) * from.width + (to.x - from.x)) * components;
    out.set(data.subarray(start, start + to.width * components), y * to.width * components);
  }
  return out;
}

function maskBox(mask: Uint8Array, width: number, height: number): Rect | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] === 0) continue;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function rectOf(b: PsBounds): Rect {
  return { x: b.left, y: b.top, width: b.right - b.left, height: b.bottom - b.top };
}

function boundsOf(r: Rect): PsBounds {
  return { left: r.x, top: r.y, right: r.x + r.width, bottom: r.y + r.height };
}
