import { pngDataUrl } from '../../core/codecs/base64.js';
import { decodePng, encodePng } from '../../core/codecs/png.js';
import { TesseraError } from '../../core/errors.js';
import { checkImageSize, createImage, cropImage, intersectRect, isFullyTransparent, pasteImage, type Rect, type RgbaImage } from '../../core/image.js';
import { checkDocumentFits } from '../document-limits.js';
import type { Host, HostCapabilities, LayerWrite, Target, WriteReceipt } from '../host.js';
import type { PhotopeaClient } from './photopea-client.js';
import { parseDocumentInfo, parseNameReply, parsePlaceReply, parseResizeReply } from './script-replies.js';
import { documentInfoScript, exportActiveLayerScript, nameResultScript, placeImageScript, resizeCanvasScript, resizeImageScript, type DocumentInfo } from './scripts.js';

export interface PhotopeaHostOptions {
  /** How often to ask whether a placed image has arrived; 50 ms by default. */
  readonly pollIntervalMs?: number;
  /** How many times to ask before giving up; 300 by default (15 s at 50 ms). */
  readonly maxPolls?: number;
}

/**
 * History entries one write adds to the user's document: the placement and the rename (the
 * document read before it and the polls add none). Photopea cannot group them (hosts.md §0.1),
 * so the panel says "2 undo steps".
 */
export const WRITE_HISTORY_STEPS = 2;

/** An Upscale in place adds Image Size before the placement and the rename. */
export const RESIZE_WRITE_HISTORY_STEPS = WRITE_HISTORY_STEPS + 1;

/**
 * 2^26 pixels (67 MP, 8192×8192). Photopea keeps 4 bytes per pixel per layer and turns WebGL
 * off past 16000 px a side, after which it is very slow (Photopea issue #1950); some GPUs show
 * nothing past 8192 px (#3196). Our write sends one canvas-sized PNG as a data-URL string: at
 * 2^26 px even an incompressible one is about 360 M characters of base64, under V8's string
 * limit of 2^29 − 24, while the plugin page holds the result and its canvas copy (0.5 GiB).
 */
export const PHOTOPEA_MAX_DOCUMENT_PIXELS = 2 ** 26;

/**
 * The Host inside Photopea's plugin iframe. Reads export the active layer as a PNG from a
 * scratch document (nothing enters the user's history) and crop it here; writes place one
 * canvas-sized PNG with the result already in position, then name the layer.
 */
export class PhotopeaHost implements Host {
  readonly capabilities: HostCapabilities = {
    name: 'Photopea',
    singleUndoStep: false,
    workers: true,
    maxDocumentPixels: PHOTOPEA_MAX_DOCUMENT_PIXELS,
  };
  private readonly pollIntervalMs: number;
  private readonly maxPolls: number;

  constructor(private readonly client: PhotopeaClient, options: PhotopeaHostOptions = {}) {
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.maxPolls = options.maxPolls ?? 300;
  }

  async readTarget(signal: AbortSignal): Promise<Target> {
    const doc = await this.openDocument(signal);
    const layer = doc.layer;
    if (!layer) throw new TesseraError('no-layer', 'No layer is selected in Photopea. Click a layer in the Layers panel, then try again.');
    const [png] = await this.client.runScript(exportActiveLayerScript(), { expect: 'arraybuffer', step: 'export the layer', signal });
    const pixels = decodePng(new Uint8Array(png));
    if (pixels.width !== doc.width || pixels.height !== doc.height) {
      throw new TesseraError('host-failed', 'Photopea exported the layer at an unexpected size. Try again; if it keeps happening, reload Photopea.', {
        details: { expected: `${doc.width}×${doc.height}`, exported: `${pixels.width}×${pixels.height}` },
      });
    }
    const content = opaqueBounds(pixels);
    if (!content) {
      throw new TesseraError('empty-layer', `The layer "${layer.name}" is empty (fully transparent) inside the canvas. Pick a layer with pixels, then try again.`);
    }
    const bounds = doc.selection ? intersectRect(doc.selection, content) : content;
    if (!bounds) {
      throw new TesseraError(
        'empty-selection',
        `The selection does not cover any pixels of the layer "${layer.name}". Move the selection over the layer's pixels, or deselect (Ctrl+D) to use the whole layer, then try again.`,
        { details: { ...doc.selection } },
      );
    }
    const image = cropImage(pixels, bounds);
    if (isFullyTransparent(image)) {
      throw new TesseraError('empty-layer', `The selected part of the layer "${layer.name}" is empty (fully transparent). Select an area with pixels, then try again.`, { details: { ...bounds } });
    }
    // A selection is used as its bounding rectangle: Photopea has no cheap way to read its shape.
    return { image, bounds, mask: null, documentSize: { width: doc.width, height: doc.height }, layerName: layer.name };
  }

  /**
   * Past the placement the layer arrives whatever happens, so the signal is honoured only up to
   * there; the rename then always follows, and a cancelled write still ends as a named layer.
   * With `resizeDocument` the image is resized first (Image Size, one more history step); the
   * signal is honoured only before that.
   */
  async writeResult(write: LayerWrite, signal: AbortSignal): Promise<WriteReceipt> {
    checkImageSize(write.image.width, write.image.height);
    const resize = write.resizeDocument ?? null;
    if (resize) checkDocumentFits(resize.width, resize.height, this.capabilities);
    const doc = await this.openDocument(signal);
    const resizing = resize !== null && (resize.width !== doc.width || resize.height !== doc.height);
    const size = resize ?? doc;
    const canvas = pasteImage(createImage(size.width, size.height), write.image, write.x, write.y);
    const dataUrl = pngDataUrl(encodePng(canvas));
    signal.throwIfAborted();
    if (!resizing) return this.placeResult(dataUrl, write.name, WRITE_HISTORY_STEPS);
    const [resized] = await this.client.runScript(resizeImageScript(size.width, size.height), { expect: 'string', step: 'resize the image' });
    if (!parseResizeReply(resized, 'resize the image').document) throw noDocument();
    try {
      return await this.placeResult(dataUrl, write.name, RESIZE_WRITE_HISTORY_STEPS);
    } catch (e) {
      // Photopea cannot group history (hosts.md §0.1), so the resize stays; say how to take it back.
      const cause = e instanceof TesseraError ? e : null;
      throw new TesseraError(
        'host-failed',
        `${cause?.userMessage ?? 'Photopea could not add the result layer.'} The image was already resized to ${size.width}×${size.height}: undo once (Edit › Step Backward) to get its old size back.`,
        { details: { width: size.width, height: size.height, ...(cause?.details ?? {}) }, cause: e },
      );
    }
  }

  /** Places the canvas-sized PNG, waits until the layer has arrived, names it. */
  private async placeResult(dataUrl: string, name: string, historySteps: number): Promise<WriteReceipt> {
    const [placed] = await this.client.runScript(placeImageScript(dataUrl), { expect: 'string', step: 'place the result' });
    const { layersBefore } = parsePlaceReply(placed);
    for (let poll = 0; poll < this.maxPolls; poll++) {
      const [named] = await this.client.runScript(nameResultScript(layersBefore, name), { expect: 'string', step: 'name the result layer' });
      const reply = parseNameReply(named);
      if (reply.placed) return { layerId: reply.id ?? name, historySteps };
      await delay(this.pollIntervalMs);
    }
    throw new TesseraError('host-failed', `Photopea did not add the result layer within ${Math.round((this.maxPolls * this.pollIntervalMs) / 1000)} s. If it appears later it is unnamed; otherwise try again.`, {
      details: { polls: this.maxPolls, pollIntervalMs: this.pollIntervalMs },
    });
  }

  async resizeCanvas(width: number, height: number, signal: AbortSignal): Promise<void> {
    checkImageSize(width, height);
    const [text] = await this.client.runScript(resizeCanvasScript(width, height), { expect: 'string', step: 'resize the canvas', signal });
    if (!parseResizeReply(text).document) throw noDocument();
  }

  private async openDocument(signal: AbortSignal): Promise<NonNullable<DocumentInfo['document']>> {
    signal.throwIfAborted();
    const [text] = await this.client.runScript(documentInfoScript(), { expect: 'string', step: 'read the document', signal });
    const { document } = parseDocumentInfo(text);
    if (!document) throw noDocument();
    return document;
  }
}

function noDocument(): TesseraError {
  return new TesseraError('no-document', 'No image is open in Photopea. Open or create an image (File › Open), then try again.');
}

/** The smallest rectangle holding every pixel that is not fully transparent; null if there is none. */
export function opaqueBounds(image: RgbaImage): Rect | null {
  const { width, height, data } = image;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    let rowMin = -1, rowMax = -1;
    for (let x = 0, i = y * width * 4 + 3; x < width; x++, i += 4) {
      if (data[i] === 0) continue;
      if (rowMin < 0) rowMin = x;
      rowMax = x;
    }
    if (rowMin < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (rowMin < x0) x0 = rowMin;
    if (rowMax > x1) x1 = rowMax;
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
