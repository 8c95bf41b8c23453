import { TesseraError } from '../../core/errors.js';
import { checkImageSize, intersectRect, type Rect, type RgbaImage } from '../../core/image.js';
import { checkDocumentFits } from '../document-limits.js';
import type { Host, HostCapabilities, LayerWrite, Target, WriteReceipt } from '../host.js';
import { wrapPhotoshopError, type PhotoshopStep } from './photoshop-errors.js';
import type { PhotoshopModules, PsDocument, PsExecutionContext, PsLayer } from './photoshop-modules.js';
import { psMaskTo8Bit, psPixelsToRgba, rgbaToPsPixels, type PsBitDepth } from './pixel-conversion.js';
import { disposeImageData, placeMask, readLayerPixels, rectFromPsBounds } from './read-layer-pixels.js';

/** `ElementPlacement.PLACEBEFORE`: puts a layer directly above another (Layer.move). */
const PLACE_ABOVE = 'placeBefore';
/** `AnchorPosition.TOPLEFT`: a resized canvas keeps every layer where it was. */
const ANCHOR_TOP_LEFT = 'top-left';
/** `ResampleMethod.BICUBICSMOOTHER`: Adobe's choice for enlarging, which is what Upscale does to the old layers. */
const RESAMPLE_ENLARGE = 'bicubicSmoother';

/**
 * 2^26 pixels (67 MP, 8192×8192). Photoshop itself takes up to 300,000 px a side (PSB; PSD stops
 * at 30,000), but the pixels pass through the panel: the result as RGBA (4 B/px) and its copy
 * in Photoshop's layout (4 B/px at 8 bits, 8 at 16), about 0.5–0.75 GiB at this size, where
 * UXP's developer tool already warns that a plugin exceeds its memory limit (~600 MB, hosts.md
 * §2.3). Bigger outputs belong to the `tessera upscale` CLI, which streams tiles.
 */
export const PHOTOSHOP_MAX_DOCUMENT_PIXELS = 2 ** 26;
/** Photoshop's largest document side (Large Document Format). */
export const PHOTOSHOP_MAX_SIDE = 300_000;

/** One modal scope in progress: the step under way and whether a rollback failed. */
interface ModalScope {
  step: PhotoshopStep;
  context: PsExecutionContext | null;
  rollbackError: string | null;
}

/** The layer the last read came from: the result goes into its document, directly above it. */
interface SourceLayer {
  readonly documentID: number;
  readonly layer: PsLayer;
  /** The profile the pixels came in; writing them back in it means no colour conversion. */
  readonly colorProfile: string;
}

/**
 * The Host inside a Photoshop UXP panel, on the imaging API (PS ≥ 25.0). Reads take one short
 * modal scope; compute happens outside any; a write is one modal scope with history suspended,
 * so the new layer is exactly one history state named after the result, and a failure rolls the
 * document back. Photoshop's modules are passed in, never required here, so tests use a fake.
 */
export class PhotoshopHost implements Host {
  readonly capabilities: HostCapabilities = {
    name: 'Photoshop',
    singleUndoStep: true,
    workers: false,
    maxDocumentPixels: PHOTOSHOP_MAX_DOCUMENT_PIXELS,
  };

  /**
   * Where each read came from, by the signal it ran under: a command reads and writes with one
   * signal, so its write finds its own source even if a preview read another layer meanwhile.
   * A write with no read of its own goes into the active document, above the active layer.
   */
  private readonly sources = new WeakMap<AbortSignal, SourceLayer>();
  /** Modal scopes run one after another: Photoshop refuses a second one while one is open. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly ps: PhotoshopModules) {}

  async readTarget(signal: AbortSignal): Promise<Target> {
    signal.throwIfAborted();
    const doc = this.activeDocument();
    documentDepth(doc);
    const layer = activeLayer(doc);
    const layerRect = rectFromPsBounds(layer.boundsNoEffects);
    if (!layerRect) throw emptyLayer(layer, false);
    const selectionBounds = doc.selection?.bounds ?? null;
    const selection = selectionBounds ? rectFromPsBounds(selectionBounds) : null;
    const area = selection ? intersectRect(selection, layerRect) : layerRect;
    if (!area) throw emptySelection(layer, 'does not overlap');
    const withMask = selection !== null && doc.selection?.solid !== true;

    // Reading changes nothing, but Adobe's own imaging sample reads inside executeAsModal, so we
    // do too: a scope holding only the imaging calls, with the conversions left until after it.
    const raw = await this.modal('Tessera: read the layer', (scope) =>
      readLayerPixels(this.ps.imaging, { documentID: doc.id, layerID: layer.id, area, withMask }, (step) => (scope.step = step)),
    );
    if (raw.bounds.width < 1 || raw.bounds.height < 1) throw selection ? emptySelection(layer, 'covers no pixels of') : emptyLayer(layer, false);
    const image = psPixelsToRgba(raw.data, raw.layout);
    const mask = raw.mask ? selectionMask(raw.mask.bounds, psMaskTo8Bit(raw.mask.data, raw.mask.componentSize), raw.bounds) : null;
    if (mask && !mask.some((v) => v >= 128)) throw emptySelection(layer, 'covers no pixels of');
    if (!hasVisiblePixels(image, mask)) throw emptyLayer(layer, selection !== null);

    this.sources.set(signal, { documentID: doc.id, layer, colorProfile: raw.colorProfile });
    return { image, bounds: raw.bounds, mask, documentSize: { width: doc.width, height: doc.height }, layerName: layer.name };
  }

  /**
   * With `resizeDocument` (Upscale in place) the image is resized first, every layer resampled by
   * Photoshop, inside the same suspended history: still one state, and a failure rolls back both.
   */
  async writeResult(write: LayerWrite, signal: AbortSignal): Promise<WriteReceipt> {
    signal.throwIfAborted();
    checkImageSize(write.image.width, write.image.height);
    const resize = write.resizeDocument ?? null;
    if (resize) checkPhotoshopSize(resize.width, resize.height, this.capabilities);
    const source = this.sources.get(signal) ?? null;
    const doc = source ? this.documentById(source.documentID) : this.activeDocument();
    // Converted before the modal scope: Photoshop stays locked only for its own calls.
    const pixels = rgbaToPsPixels(write.image, documentDepth(doc));
    const { imaging } = this.ps;
    signal.throwIfAborted();

    const layerId = await this.modal(write.name, (scope, context) =>
      this.asOneHistoryState(scope, context, doc, write.name, async () => {
        if (resize && (resize.width !== doc.width || resize.height !== doc.height)) {
          scope.step = 'resize the image';
          await doc.resizeImage(resize.width, resize.height, undefined, RESAMPLE_ENLARGE);
        }
        scope.step = 'create the result layer';
        const layer = await doc.createPixelLayer({ name: write.name });
        if (!layer) throw new Error('no layer was created');
        if (source) {
          scope.step = 'place the result layer';
          await layer.move(source.layer, PLACE_ABOVE);
        }
        scope.step = 'prepare the pixels';
        const imageData = await imaging.createImageDataFromBuffer(pixels, {
          width: write.image.width,
          height: write.image.height,
          components: 4,
          chunky: true,
          colorSpace: 'RGB',
          ...(source?.colorProfile ? { colorProfile: source.colorProfile } : {}),
          fullRange: false,
        });
        try {
          scope.step = 'write the pixels';
          await imaging.putPixels({ documentID: doc.id, layerID: layer.id, imageData, replace: true, targetBounds: { left: write.x, top: write.y } });
        } finally {
          await disposeImageData(imageData);
        }
        return layer.id;
      }),
    );
    return { layerId: String(layerId), historySteps: 1 };
  }

  async resizeCanvas(width: number, height: number, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    checkImageSize(width, height);
    const doc = this.activeDocument();
    const name = `Canvas size ${width}×${height}`;
    await this.modal(name, (scope, context) =>
      this.asOneHistoryState(scope, context, doc, name, async () => {
        scope.step = 'resize the canvas';
        await doc.resizeCanvas(width, height, ANCHOR_TOP_LEFT);
      }),
    );
  }

  /**
   * Runs `change` with the document's history suspended: committed as one state named `name`, or
   * rolled back (commit false) if anything throws, so a failure leaves no layer and no state.
   */
  private async asOneHistoryState<T>(scope: ModalScope, context: PsExecutionContext, doc: PsDocument, name: string, change: () => Promise<T>): Promise<T> {
    scope.step = 'start the history step';
    const { hostControl } = context;
    const suspension = await hostControl.suspendHistory({ documentID: doc.id, name });
    try {
      const result = await change();
      scope.step = 'finish the history step';
      await hostControl.resumeHistory(suspension, true);
      return result;
    } catch (e) {
      // Photoshop also cancels a suspension left open when the scope throws; saying so explicitly
      // lets us know (and tell the user) whether the rollback happened.
      await hostControl.resumeHistory(suspension, false).catch((rollback: unknown) => {
        scope.rollbackError = rollback instanceof Error ? rollback.message : String(rollback);
      });
      throw e;
    }
  }

  /** One modal scope, queued behind any other of ours; whatever Photoshop throws is wrapped once, naming the step. */
  private async modal<T>(commandName: string, run: (scope: ModalScope, context: PsExecutionContext) => Promise<T>): Promise<T> {
    const scope: ModalScope = { step: 'start a command', context: null, rollbackError: null };
    const start = () =>
      this.ps.core.executeAsModal(async (context) => {
        scope.context = context;
        return run(scope, context);
      }, { commandName });
    const result = this.queue.then(start, start);
    // The queue only orders scopes; each caller gets its own outcome from `result`.
    this.queue = result.then(noop, noop);
    try {
      return await result;
    } catch (e) {
      throw wrapPhotoshopError(e, scope.step, {
        cancelled: scope.context?.isCancelled === true,
        rolledBack: scope.rollbackError === null,
        details: scope.rollbackError === null ? {} : { rollbackError: scope.rollbackError },
      });
    }
  }

  private activeDocument(): PsDocument {
    const doc = this.ps.app.documents.length > 0 ? this.ps.app.activeDocument : null;
    if (!doc) throw new TesseraError('no-document', 'No image is open in Photoshop. Open or create an image (File › Open), then try again.');
    return doc;
  }

  private documentById(id: number): PsDocument {
    const { documents } = this.ps.app;
    for (let i = 0; i < documents.length; i++) if (documents[i].id === id) return documents[i];
    throw new TesseraError('host-failed', 'The image Tessera read from was closed while it was working, so there is nowhere to put the result. Open it again and run the command again.', {
      details: { documentID: id },
    });
  }
}

/** Within Photoshop's side limit and the panel's pixel limit, else `invalid-input` naming the limit. */
function checkPhotoshopSize(width: number, height: number, capabilities: HostCapabilities): void {
  checkDocumentFits(width, height, capabilities);
  if (width > PHOTOSHOP_MAX_SIDE || height > PHOTOSHOP_MAX_SIDE) {
    throw new TesseraError('invalid-input', `${width}×${height} is wider or taller than Photoshop allows (${PHOTOSHOP_MAX_SIDE.toLocaleString('en')} px a side). Choose a smaller size.`, {
      details: { reason: 'too-large', width, height, maxSide: PHOTOSHOP_MAX_SIDE },
    });
  }
}

/** The document's bit depth, if Tessera can work on it: RGB at 8 or 16 bits per channel. */
function documentDepth(doc: PsDocument): PsBitDepth {
  const depth = doc.bitsPerChannel === 'bitDepth8' ? 8 : doc.bitsPerChannel === 'bitDepth16' ? 16 : null;
  if (doc.mode !== 'RGBColorMode' || depth === null) {
    throw new TesseraError(
      'unsupported-format',
      `Tessera works on RGB images at 8 or 16 bits per channel; "${doc.title}" is not one. Convert a copy with Image › Mode › RGB Color and 8 or 16 Bits/Channel, then try again.`,
      { details: { mode: doc.mode, bitsPerChannel: doc.bitsPerChannel } },
    );
  }
  return depth;
}

function activeLayer(doc: PsDocument): PsLayer {
  const layers = doc.activeLayers;
  if (layers.length === 0) throw new TesseraError('no-layer', 'No layer is selected. Click a layer in the Layers panel, then try again.');
  if (layers.length > 1) throw new TesseraError('no-layer', `${layers.length} layers are selected. Click just the one layer to work on, then try again.`);
  const layer = layers[0];
  if (layer.kind === 'group') {
    throw new TesseraError('no-layer', `"${layer.name}" is a group. Select one layer inside it (or merge the group), then try again.`);
  }
  return layer;
}

/** The selection's mask over `target`: null when every pixel is fully selected. */
function selectionMask(maskBounds: Rect, values: Uint8Array, target: Rect): Uint8Array | null {
  const mask = placeMask({ bounds: maskBounds, values }, target);
  return mask.every((v) => v === 255) ? null : mask;
}

/** True if some pixel is not fully transparent (and, with a mask, selected at least half). */
function hasVisiblePixels(image: RgbaImage, mask: Uint8Array | null): boolean {
  const { data } = image;
  for (let i = 0; i < data.length / 4; i++) if (data[i * 4 + 3] !== 0 && (!mask || mask[i] >= 128)) return true;
  return false;
}

function emptyLayer(layer: PsLayer, inSelection: boolean): TesseraError {
  const userMessage = inSelection
    ? `The selected part of the layer "${layer.name}" is empty (fully transparent). Select an area with pixels, or pick another layer, then try again.`
    : `The layer "${layer.name}" is empty (it has no visible pixels). Pick a layer with pixels, then try again.`;
  return new TesseraError('empty-layer', userMessage, { details: { layerId: layer.id } });
}

function emptySelection(layer: PsLayer, relation: 'does not overlap' | 'covers no pixels of'): TesseraError {
  return new TesseraError(
    'empty-selection',
    `The selection ${relation} the layer "${layer.name}". Move the selection over the layer's pixels, or deselect (Select › Deselect) to use the whole layer, then try again.`,
    { details: { layerId: layer.id } },
  );
}

function noop(): void {}
