import { TesseraError } from '../../core/errors.js';
import { checkImageSize, cloneImage, cropImage, intersectRect, isFullyTransparent, type Rect } from '../../core/image.js';
import { checkDocumentFits } from '../document-limits.js';
import type { Host, HostCapabilities, LayerWrite, Target, WriteReceipt } from '../host.js';
import { layerBounds, type DocumentState, type LayerRecord } from './document-records.js';
import type { EditorDocument } from './editor-document.js';

/**
 * 2^26 pixels (67 MP, 8192×8192). The editor keeps every layer as its own RGBA buffer (4 B/px)
 * plus two flattened composites of the whole canvas and the view's copy: a one-layer picture
 * upscaled in place holds the old layer scaled, the new layer and the composites, about 16 B per
 * document pixel, so 1 GiB at this size, besides the command's own image buffers. That is as much
 * as a browser tab can be trusted with; bigger outputs belong to the `tessera upscale` CLI, which
 * streams tiles. The layer budget (EditorDocument) also limits many-layer documents.
 */
export const STANDALONE_MAX_DOCUMENT_PIXELS = 2 ** 26;

/**
 * The Host of Tessera's own editor page. Commands read the active layer (or the selection's crop
 * of it) and write one new layer directly above it, as one undo step; the source layer is never
 * touched.
 */
export class StandaloneHost implements Host {
  readonly capabilities: HostCapabilities = {
    name: 'Tessera editor',
    singleUndoStep: true,
    workers: true,
    maxDocumentPixels: STANDALONE_MAX_DOCUMENT_PIXELS,
  };

  /** The layer the last read came from: the result goes above it even if another became active meanwhile. */
  private sourceLayerId: string | null = null;

  constructor(private readonly editor: EditorDocument) {}

  async readTarget(signal: AbortSignal): Promise<Target> {
    signal.throwIfAborted();
    const state = this.requireState();
    const layer = state.layers.find((l) => l.id === state.activeLayerId);
    if (!layer) {
      throw new TesseraError('no-layer', 'No layer is selected. Click a layer in the Layers list, then try again.');
    }
    this.sourceLayerId = layer.id;
    const bounds = targetBounds(layer, state.selection);
    // A copy, so that no command bug can reach the pixels history and the document share.
    const image =
      bounds.width === layer.pixels.width && bounds.height === layer.pixels.height
        ? cloneImage(layer.pixels)
        : cropImage(layer.pixels, { x: bounds.x - layer.x, y: bounds.y - layer.y, width: bounds.width, height: bounds.height });
    if (isFullyTransparent(image)) {
      const userMessage = state.selection
        ? `The selected part of layer "${layer.name}" is empty (fully transparent). Select an area with pixels, or pick another layer, then try again.`
        : `The layer "${layer.name}" is empty (fully transparent). Pick a layer with pixels, or paint on this one, then try again.`;
      throw new TesseraError('empty-layer', userMessage, { details: { layerId: layer.id, ...rectDetails(bounds) } });
    }
    return {
      image,
      bounds,
      mask: null,
      documentSize: { width: state.width, height: state.height },
      layerName: layer.name,
    };
  }

  async writeResult(write: LayerWrite, signal: AbortSignal): Promise<WriteReceipt> {
    signal.throwIfAborted();
    const state = this.requireState();
    checkImageSize(write.image.width, write.image.height);
    // Directly above the source layer (the user may have clicked another layer while the command
    // ran); without it, above the active layer. One step named after the result, so the history
    // panel reads "Pixelate 64×64 · PICO-8 · …".
    const source = state.layers.findIndex((l) => l.id === this.sourceLayerId);
    const index = source >= 0 ? source + 1 : undefined;
    const layer = { name: write.name, pixels: write.image, x: write.x, y: write.y };
    if (write.resizeDocument) {
      // Upscale in place: the image resized (every layer scaled) and the layer added, one undo step.
      const { width, height } = write.resizeDocument;
      checkDocumentFits(width, height, this.capabilities);
      return { layerId: this.editor.resizeImageAndAddLayer(width, height, layer, { index, stepName: write.name }), historySteps: 1 };
    }
    const layerId = this.editor.addLayer(layer, { index, stepName: write.name });
    return { layerId, historySteps: 1 };
  }

  async resizeCanvas(width: number, height: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    this.requireState();
    this.editor.resizeCanvas(width, height);
  }

  private requireState(): DocumentState {
    const state = this.editor.state;
    if (!state) {
      throw new TesseraError('no-document', 'Open an image first: Tessera works on a layer of an open image. Use Open or drop an image onto the page.');
    }
    return state;
  }
}

/** The whole layer, or the part of it inside the selection (document coordinates). */
function targetBounds(layer: LayerRecord, selection: Rect | null): Rect {
  const bounds = layerBounds(layer);
  if (!selection) return bounds;
  const inside = intersectRect(selection, bounds);
  if (!inside) {
    throw new TesseraError(
      'empty-selection',
      `The selection does not cover any of the layer "${layer.name}". Move the selection over the layer's pixels, or deselect to use the whole layer, then try again.`,
      { details: { layerId: layer.id, ...rectDetails(selection) } },
    );
  }
  return inside;
}

function rectDetails(rect: Rect): { x: number; y: number; width: number; height: number } {
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
}
