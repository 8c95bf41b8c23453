import { TesseraError } from '../../src/core/errors.js';
import { cropImage, intersectRect, isFullyTransparent, type Rect, type RgbaImage } from '../../src/core/image.js';
import type { Host, HostCapabilities, LayerWrite, Target, WriteReceipt } from '../../src/hosts/host.js';

/**
 * A Host in memory for command tests: one source layer (or none), an optional rectangular
 * selection, and a record of every write. It can be told to fail a read or a write.
 */
export class MemoryHost implements Host {
  readonly capabilities: HostCapabilities = { name: 'Memory host', singleUndoStep: true, workers: false };
  readonly writes: LayerWrite[] = [];
  reads = 0;
  failWrite: Error | null = null;

  constructor(
    private readonly layer: { readonly image: RgbaImage; readonly x: number; readonly y: number; readonly name: string } | null,
    private readonly selection: Rect | null = null,
    private readonly documentSize = { width: 1024, height: 1024 },
    private readonly mask: Uint8Array | null = null,
  ) {}

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
    this.writes.push(write);
    return { layerId: `layer-${this.writes.length}`, historySteps: 1 };
  }

  async resizeCanvas(): Promise<void> {
    throw new TesseraError('host-failed', 'The memory host cannot resize.');
  }
}
