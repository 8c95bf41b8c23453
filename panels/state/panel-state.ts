import type { PixelateRequest } from '../../src/commands/pixelate.js';

/**
 * Everything the panel shows, as one immutable snapshot. Components render slices of it and
 * send intents up as events; only the controller (panel-controller.ts) changes it.
 */
export interface PanelState {
  readonly capabilities: PanelCapabilities;
  readonly settings: PixelateSettings;
  /** Presets first, then palettes the user imported or extracted (kept between visits). */
  readonly palettes: readonly PaletteEntry[];
  /** The result at grid size for the current settings and target, or why there is none. */
  readonly preview: PreviewState;
  /** The running job, if any: drives the progress bar and the Cancel button. */
  readonly job: JobState | null;
  /** The last failure, in words a user understands; cleared by the next run or by dismissing. */
  readonly error: PanelError | null;
  /** What the last Apply did, e.g. "Added “Pixelate · PICO-8 · 64×64 · bayer4” — 1 undo step". */
  readonly notice: string | null;
  /** The models this panel can download, and what the browser's cache holds of each (empty where the host keeps none). */
  readonly models: readonly ModelEntryView[];
  /** The Generate section's values (kept between visits, less `backend`). */
  readonly generate: GenerateSettings;
  /** The Upscale section's values (kept between visits). */
  readonly upscale: UpscaleSettings;
  /** Where the models run: this page, or an inference server (kept between visits). */
  readonly compute: ComputeSettings;
  /** What the last "Test connection" found; idle until one runs. */
  readonly computeStatus: ComputeStatus;
}

/** Where the models run: in this page (WebGPU, else wasm) or on an Open Inference Protocol server (`tessera serve`, Triton). */
export interface ComputeSettings {
  readonly where: 'local' | 'server';
  /** e.g. http://127.0.0.1:8765 */
  readonly serverUrl: string;
  /** Sent as `Authorization: Bearer …`; empty for none. */
  readonly token: string;
}

/** One served model as "Test connection" reports it. */
export interface ServedModelView {
  readonly name: string;
  /** "cpu (CPU was asked for)", "onnxruntime_onnx", or why it is not ready. */
  readonly detail: string;
  readonly ready: boolean;
}

export type ComputeStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'testing' }
  | { readonly kind: 'connected'; readonly server: string; readonly models: readonly ServedModelView[] }
  | { readonly kind: 'failed'; readonly message: string };

/** How big Upscale makes the canvas (or layer): twice, four times, or a size typed in. */
export type UpscaleScaleChoice = 'x2' | 'x4' | 'custom';

/** What the Upscale controls hold; the command validates them (resolveUpscaleOptions). */
export interface UpscaleSettings {
  readonly scale: UpscaleScaleChoice;
  /** Pixels, for `scale: 'custom'`. */
  readonly customWidth: number;
  readonly customHeight: number;
  /** ×4 in a single stage instead of ×2 then ×2. */
  readonly oneStep: boolean;
  /** The Slider: how many of the `steps` DDIM steps are guided by the upsampled image, 0..steps (more keeps the structure, fewer invents detail). */
  readonly slider: number;
  readonly steps: number;
  /** Optional; empty refines without a prompt. */
  readonly prompt: string;
  /** A whole number 0..2³²−1. */
  readonly seed: number;
  readonly upsampler: 'lanczos' | 'learned';
  /** 'canvas': the whole document, in place; 'layer': only the active layer (or selection). */
  readonly scope: 'canvas' | 'layer';
  /** The manifest id of the diffusion model that refines (one whose UNet has a patch size). */
  readonly modelId: string;
}

/** What the Generate controls hold. */
export interface GenerateSettings {
  readonly prompt: string;
  /** 0..1; 1 generates from the prompt alone, lower keeps more of the layer. */
  readonly strength: number;
  /** A whole number 0..2³²−1. */
  readonly seed: number;
  /** Pixelate the result with the Pixelate settings, still one layer and one undo step. */
  readonly asPixelArt: boolean;
  /** The manifest id of the text-to-image model to run. */
  readonly modelId: string;
  /** What runs the model and why, once a model is loaded, e.g. "WebGPU (WebGPU adapter found …)". Never saved. */
  readonly backend: string | null;
}

/** One model as the model manager lists it. */
export interface ModelEntryView {
  readonly id: string;
  readonly name: string;
  /** The whole model's size, e.g. "883.1 MB" (≈ where the manifest has estimates). */
  readonly sizeText: string;
  readonly state: 'installed' | 'partial' | 'missing' | 'downloading';
  /** 0..100, for a partial or a running download. */
  readonly percent?: number;
  /** SPDX id, when known. */
  readonly licence?: string;
  /** It can generate from a prompt (offered in Generate's model choice). */
  readonly textToImage: boolean;
  /** Its UNet has a patch size, so it can refine upscales (offered in Upscale's model choice). */
  readonly refinesUpscales: boolean;
}

export interface PanelCapabilities {
  readonly hostName: string;
  /** Writes are one undo step (else the notice says how many). */
  readonly singleUndoStep: boolean;
  /** This host can keep downloaded models (a browser page with OPFS); Generate and Upscale need one. */
  readonly models: boolean;
  /**
   * 'server': the models are an inference server's, read through it (Photoshop, Photopea: no
   * model store and no in-page runtime): the model manager shows what the server holds and offers
   * no downloads, and the models always run there. Absent or 'cache': this page's own store.
   */
  readonly modelSource?: 'cache' | 'server';
  /** This page can run the learned ×2 upsampler (the standalone editor); elsewhere "Learned ×2" falls back to Lanczos. */
  readonly learnedUpsampler: boolean;
}

/**
 * UI values, exactly as the controls hold them: the Pixelate command's request with the palette
 * chosen by id (validated by the command's resolve step), plus the panel's own extract count.
 */
export interface PixelateSettings extends Omit<PixelateRequest, 'palette' | 'seed'> {
  readonly paletteId: string;
  /** Colours to extract for "Extract from layer". */
  readonly extractColors: number;
}

export interface PaletteEntry {
  readonly id: string;
  readonly name: string;
  /** '#rrggbb' in palette order. */
  readonly colors: readonly string[];
  readonly source: 'preset' | 'imported' | 'extracted';
}

export type PreviewState =
  | { readonly kind: 'none'; readonly reason: string }
  | { readonly kind: 'busy' }
  | {
      readonly kind: 'ready';
      readonly dataUrl: string;
      readonly width: number;
      readonly height: number;
      readonly colorsUsed: number;
      /** A word on what is shown, e.g. "Refining 125 / 500" while Refine runs. */
      readonly status?: string;
    };

export interface JobState {
  readonly label: string;
  /** 0..1 over the whole job. */
  readonly fraction: number;
  readonly stage: string;
  /** A finer line under the bar, e.g. "patch 37 of 256 · about 40 s left". */
  readonly detail?: string;
}

export interface PanelError {
  readonly code: string;
  readonly message: string;
}

export const DEFAULT_SETTINGS: PixelateSettings = {
  paletteId: 'pico-8',
  gridMode: 'cells',
  cells: 64,
  cellSize: 8,
  downscale: 'area',
  dither: 'none',
  ditherStrength: 1,
  alphaThreshold: 0.5,
  cleanup: false,
  refine: false,
  refineIterations: 500,
  refinePrior: false,
  faithfulness: 0.5,
  extractColors: 16,
};

/** 8 guided of 20 steps: the paper's 20 of 50, rescaled (rescaleSlider). */
export const DEFAULT_UPSCALE: UpscaleSettings = {
  scale: 'x2',
  customWidth: 2048,
  customHeight: 2048,
  oneStep: false,
  slider: 8,
  steps: 20,
  prompt: '',
  seed: 1,
  upsampler: 'lanczos',
  scope: 'canvas',
  modelId: 'sdxs-512-dreamshaper',
};

export const DEFAULT_GENERATE: GenerateSettings = {
  prompt: '',
  strength: 1,
  seed: 1,
  asPixelArt: false,
  modelId: 'sdxs-512-dreamshaper',
  backend: null,
};

/**
 * The intents components send up (CustomEvents, bubbles + composed). Settings changes carry the
 * new partial settings; `tessera-input` is a live drag (cheap preview at most), `tessera-change`
 * a committed value.
 */
export interface PanelEventMap {
  'tessera-change': CustomEvent<Partial<PixelateSettings>>;
  'tessera-input': CustomEvent<Partial<PixelateSettings>>;
  'tessera-apply': CustomEvent<void>;
  'tessera-cancel': CustomEvent<void>;
  'tessera-import-palette': CustomEvent<{ readonly fileName: string; readonly bytes: Uint8Array }>;
  'tessera-extract-palette': CustomEvent<{ readonly colors: number }>;
  'tessera-remove-palette': CustomEvent<{ readonly id: string }>;
  'tessera-dismiss': CustomEvent<void>;
  /** Download (or resume) a model into the cache; only ever sent by a click. */
  'tessera-download-model': CustomEvent<{ readonly id: string }>;
  /** Delete everything the cache keeps for a model. */
  'tessera-remove-model': CustomEvent<{ readonly id: string }>;
  /** Generate values changed (the prompt on each edit, strength and seed on commit). */
  'tessera-generate-change': CustomEvent<Partial<Omit<GenerateSettings, 'backend'>>>;
  /** Run Generate with the current values. */
  'tessera-generate': CustomEvent<void>;
  /** Draw a new random seed (the controller draws it). */
  'tessera-roll-seed': CustomEvent<void>;
  /** Upscale values changed (the prompt on each edit, the rest on commit). */
  'tessera-upscale-change': CustomEvent<Partial<UpscaleSettings>>;
  /** Run Upscale with the current values. */
  'tessera-upscale': CustomEvent<void>;
  /** Upscale's dice: draw a new random seed for it. */
  'tessera-upscale-roll-seed': CustomEvent<void>;
  /** The Compute setting changed (where, the server URL or the token, on commit). */
  'tessera-compute-change': CustomEvent<Partial<ComputeSettings>>;
  /** Ask the server what it serves. */
  'tessera-test-connection': CustomEvent<void>;
}
