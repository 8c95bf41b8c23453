/**
 * The part of UXP's `photoshop` module that PhotoshopHost uses, described structurally. The real
 * module (typed by @types/photoshop) fits these shapes, so the panel entry passes
 * `require('photoshop')`'s members straight in, and tests pass an in-memory fake of the same
 * shapes. Nothing here is imported at run time: the host never `require`s Photoshop itself.
 *
 * Methods are written as method signatures on purpose: TypeScript then compares their
 * parameters bivariantly, which lets the real, wider option types fit these narrower ones.
 */

export interface PhotoshopModules {
  readonly app: PsApp;
  readonly core: PsCore;
  readonly imaging: PsImaging;
}

export interface PsApp {
  /** Null (or absent) when no document is open. */
  readonly activeDocument: PsDocument | null;
  /** Open documents; array-like in UXP. */
  readonly documents: ArrayLike<PsDocument>;
}

export interface PsDocument {
  readonly id: number;
  readonly title: string;
  /** Pixels. */
  readonly width: number;
  readonly height: number;
  /** `DocumentMode`: "RGBColorMode", "grayscaleMode", "CMYKColorMode", … */
  readonly mode: string;
  /** `BitsPerChannelType`: "bitDepth1" | "bitDepth8" | "bitDepth16" | "bitDepth32". */
  readonly bitsPerChannel: string;
  readonly activeLayers: ArrayLike<PsLayer>;
  /** PS ≥ 25.0; `bounds` is null without a selection, `solid` when a rectangle is fully selected. */
  readonly selection?: PsSelection;
  /** PS ≥ 24.1: a new pixel layer above the active layer. */
  createPixelLayer(options?: { name?: string }): Promise<PsLayer | null>;
  /** `anchor` is an `AnchorPosition`: "top-left", "middle-center", … */
  resizeCanvas(width: number, height: number, anchor?: string): Promise<void>;
  /**
   * PS ≥ 23.0, Image › Image Size: every layer resampled. `resolution` undefined keeps the
   * document's ppi; `resampleMethod` is a `ResampleMethod`: "bicubicSmoother", "bicubic", …
   */
  resizeImage(width: number, height: number, resolution?: number, resampleMethod?: string): Promise<void>;
}

export interface PsLayer {
  readonly id: number;
  readonly name: string;
  /** `LayerKind`: "pixel", "group", "text", "smartObject", adjustment kinds… */
  readonly kind: string;
  /** The bounds of the layer's pixels without layer effects; empty for a layer with no pixels. */
  readonly boundsNoEffects: PsBounds;
  /** `insertLocation` is an `ElementPlacement`: "placeBefore" puts this layer above `relativeObject`. */
  move(relativeObject: PsLayer, insertLocation: string): unknown;
}

export interface PsSelection {
  readonly bounds: PsBounds | null;
  readonly solid: boolean;
}

/** Right and bottom are exclusive. */
export interface PsBounds {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface PsCore {
  executeAsModal<T>(targetFunction: (executionContext: PsExecutionContext) => Promise<T>, options: { commandName: string }): Promise<T>;
}

export interface PsExecutionContext {
  /** True once the user pressed Cancel (or Escape) on Photoshop's progress dialog. */
  readonly isCancelled: boolean;
  readonly hostControl: PsHostControl;
}

export interface PsHostControl {
  suspendHistory(options: { documentID: number; name: string }): Promise<PsHistorySuspension>;
  /** `commit` false drops every change since `suspendHistory` and adds no history state. */
  resumeHistory(suspension: PsHistorySuspension, commit?: boolean): Promise<void>;
}

export interface PsHistorySuspension {
  readonly historySuspensionID: number;
}

export interface PsImaging {
  getPixels(options: {
    documentID?: number;
    layerID?: number;
    sourceBounds?: PsBounds;
  }): Promise<{ readonly imageData: PsImageData; readonly sourceBounds: PsBounds }>;
  getSelection(options: { documentID?: number; sourceBounds?: PsBounds }): Promise<{ readonly imageData: PsImageData; readonly sourceBounds: PsBounds }>;
  createImageDataFromBuffer(
    buffer: Uint8Array | Uint16Array,
    options: { width: number; height: number; components: number; chunky?: boolean; colorSpace: string; colorProfile?: string; fullRange?: boolean },
  ): Promise<PsImageData>;
  putPixels(options: {
    documentID?: number;
    layerID: number;
    imageData: PsImageData;
    replace?: boolean;
    targetBounds?: { left: number; top: number };
  }): Promise<void>;
}

export interface PsImageData {
  readonly width: number;
  readonly height: number;
  /** 3 RGB, 4 RGBA, 1 grey (a selection mask), 2 grey + alpha. */
  readonly components: number;
  /** Bits per component: 8 (0..255), 16 (0..32768 unless fullRange), 32 (float). */
  readonly componentSize: number;
  readonly colorProfile: string;
  getData(options?: { chunky?: boolean; fullRange?: boolean }): Promise<Uint8Array | Uint16Array | Float32Array>;
  /** Releases Photoshop's memory at once (typed as a promise in @types/photoshop, documented as synchronous). */
  dispose(): unknown;
}
