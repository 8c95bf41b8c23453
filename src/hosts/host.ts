import type { Rect, RgbaImage } from '../core/image.js';

/**
 * The one interface every editor adapter implements (standalone, Photopea, Photoshop, files).
 * Commands talk to a host only through this, in three moves: read the target, compute outside
 * the host, write one result.
 */
export interface Host {
  readonly capabilities: HostCapabilities;
  /**
   * The active layer's pixels, or the selection's crop of them. Throws TesseraError
   * `no-document`, `no-layer`, `empty-selection` (the selection covers nothing of the layer) or
   * `empty-layer` (no pixels, or all transparent) before any compute starts.
   */
  readTarget(signal: AbortSignal): Promise<Target>;
  /** Adds one new layer at the given position, as one history step where the host allows. */
  writeResult(write: LayerWrite, signal: AbortSignal): Promise<WriteReceipt>;
  /** Resizes the document (for Upscale in place); existing layers keep their pixels and positions. */
  resizeCanvas(width: number, height: number, signal: AbortSignal): Promise<void>;
}

export interface HostCapabilities {
  /** Host's display name, for messages ("Photopea", "Photoshop", "Tessera editor"). */
  readonly name: string;
  /** A write is guaranteed to be exactly one undo step. */
  readonly singleUndoStep: boolean;
  /** Compute can run in a Web Worker (false in UXP). */
  readonly workers: boolean;
  /**
   * The largest document, in pixels, this host can hold (each adapter says why it chose its
   * number). Upscale refuses a bigger output with `invalid-input` before any compute.
   */
  readonly maxDocumentPixels: number;
}

export interface Target {
  /** The pixels to work on: the active layer, or its part inside the selection (straight RGBA). */
  readonly image: RgbaImage;
  /** Where `image`'s top-left pixel sits in the document. */
  readonly bounds: Rect;
  /** 0..255 per pixel of `image` for a non-rectangular selection; null for a whole layer or a rectangle. */
  readonly mask: Uint8Array | null;
  readonly documentSize: { readonly width: number; readonly height: number };
  readonly layerName: string;
}

export interface LayerWrite {
  /** Named after the operation and its settings: "Pixelate · PICO-8 · 64×64 · bayer4". */
  readonly name: string;
  readonly image: RgbaImage;
  /** Document position of `image`'s top-left pixel. */
  readonly x: number;
  readonly y: number;
  /**
   * Upscale in place: the host first resizes the document to this size (existing layers scaled by
   * the host's own resampling so they stay aligned under the new layer), then adds the layer —
   * together as one history step where the host allows it; WriteReceipt.historySteps says how
   * many. `x`/`y` are then positions in the resized document.
   */
  readonly resizeDocument?: { readonly width: number; readonly height: number };
}

export interface WriteReceipt {
  readonly layerId: string;
  /** How many undos remove the result (1 where the host groups history; more in Photopea). */
  readonly historySteps: number;
}
