import { TesseraError } from '../../src/core/errors.js';
import { MAX_PIXELS, cropImage, intersectRect, isFullyTransparent, type Rect, type RgbaImage } from '../../src/core/image.js';
import { resizeImage } from '../../src/core/resize.js';
import { checkDocumentFits } from '../../src/hosts/document-limits.js';
import type { Host, HostCapabilities, LayerWrite, Target, WriteReceipt } from '../../src/hosts/host.js';

type MemoryLayer = { readonly image: RgbaImage; readonly x: number; readonly y: number; readonly name: string };

/**
 * A Host in memory for command tests: one source layer (or none), an optional rectangular
 * selection, and a record of every write. It can be told to fail a read or a write. A write with
 * `resizeDocument` resizes the document first, scaling the source layer (Lanczos-3) and the
 * selection with it, as the real hosts do; `capabilities` may be replaced to lower the size limit.
 */
export class MemoryHost implements Host {
  capabilities: HostCapabilities = { name: 'Memory host', singleUndoStep: true, workers: false, maxDocumentPixels: MAX_PIXELS };
  readonly writes: LayerWrite[] = [];
  reads = 0;
  failWrite: Error | null = null;

  constructor(
    private layer: MemoryLayer | null,
    private selection: Rect | null = null,
    private documentSize: { readonly width: number; readonly height: number } = { width: 1024, height: 1024 },
    private readonly mask: Uint8Array | null = null,
  ) {}

  /** The document size now (after any in-place resize). */
  get document(): { readonly width: number; readonly height: number } {
    return this.documentSize;
  }

  /** The source layer now (scaled by any in-place resize). */
  get sourceLayer(): MemoryLayer | null {
    return this.layer;
  }

  async readTarget(signal: AbortSignal): Promise<Target> {
    signal.throwIfAborted();
    this.reads++;
    if (!this.layer) throw new TesseraError('no-layer', 'Select a layer first.');
    const layerRect = { x: this.layer.x, y: this.layer.y, width: this.layer.image.width, height: this.layer.image.height };
    const area = this.selection ? intersectRect(this.selection, layerRect) : layerRect;
    if (!area) throw new TesseraError('empty-selection', 'The selection does not cover the layer.');
    const image = this.selection ? cropImage(this.layer.image, { ...area, x: area.x - this.layer.x, y: area.y - this.layer.y }) : this.layer.image;
    if (isFullyTransparent(image)) throw new TesseraError('empty-layer', `The layer "${this.layer.name}" is empty.`);
    return { image, bounds: area, mask: this.mask, documentSize: this.documentSize, layerName: this.layer.name };
  }

  async writeResult(write: LayerWrite, signal: AbortSignal): Promise<WriteReceipt> {
    signal.throwIfAborted();
    if (this.failWrite) throw this.failWrite;
    if (write.resizeDocument) this.resizeDocument(write.resizeDocument.width, write.resizeDocument.height);
    this.writes.push(write);
    return { layerId: `layer-${this.writes.length}`, historySteps: 1 };
  }

  private resizeDocument(width: number, height: number): void {
    checkDocumentFits(width, height, this.capabilities);
    const sx = width / this.documentSize.width, sy = height / this.documentSize.height;
    const scale = (r: Rect): Rect => {
      const x = Math.round(r.x * sx), y = Math.round(r.y * sy);
      return { x, y, width: Math.max(1, Math.round((r.x + r.width) * sx) - x), height: Math.max(1, Math.round((r.y + r.height) * sy) - y) };
    };
    if (this.layer) {
      const r = scale({ x: this.layer.x, y: this.layer.y, width: this.layer.image.width, height: this.layer.image.height });
      this.layer = { ...this.layer, x: r.x, y: r.y, image: resizeImage(this.layer.image, r.width, r.height, 'lanczos3') };
    }
    if (this.selection) this.selection = scale(this.selection);
    this.documentSize = { width, height };
  }

  async resizeCanvas(): Promise<void> {
    throw new TesseraError('host-failed', 'The memory host cannot resize.');
  }
}
