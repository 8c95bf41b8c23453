import { DITHER_METHODS, DOWNSCALE_METHODS } from '../../src/core/pixelate/options.js';
import { restoreCompute } from './compute-settings.js';
import { DEFAULT_GENERATE, DEFAULT_SETTINGS, DEFAULT_UPSCALE, type ComputeSettings, type GenerateSettings, type PaletteEntry, type PixelateSettings, type UpscaleSettings } from './panel-state.js';

/** Where the panel keeps settings between visits (localStorage in browsers, a file in UXP later). */
export interface SettingsStorage {
  load(): unknown;
  save(value: SavedSettings): void;
}

export interface SavedSettings {
  readonly version: 1;
  readonly settings: PixelateSettings;
  readonly customPalettes: readonly PaletteEntry[];
  /** The Generate values; absent in entries saved before Generate existed. */
  readonly generate?: Omit<GenerateSettings, 'backend'>;
  /** The Upscale values; absent in entries saved before Upscale existed. */
  readonly upscale?: UpscaleSettings;
  /** Where the models run; absent in entries saved before the Compute setting existed. */
  readonly compute?: ComputeSettings;
}

/**
 * Whatever was stored, made safe: unknown or out-of-range values fall back to the defaults one
 * field at a time, so an old or hand-edited entry never breaks the panel.
 */
export function restoreSettings(raw: unknown): { settings: PixelateSettings; customPalettes: PaletteEntry[]; generate: GenerateSettings; upscale: UpscaleSettings; compute: ComputeSettings } {
  const saved = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const s = (typeof saved.settings === 'object' && saved.settings !== null ? saved.settings : {}) as Record<string, unknown>;
  const num = (key: keyof PixelateSettings, min: number, max: number, integer: boolean): number => {
    const v = s[key];
    return typeof v === 'number' && v >= min && v <= max && (!integer || Number.isInteger(v)) ? v : (DEFAULT_SETTINGS[key] as number);
  };
  const settings: PixelateSettings = {
    paletteId: typeof s.paletteId === 'string' ? s.paletteId : DEFAULT_SETTINGS.paletteId,
    gridMode: s.gridMode === 'cell-size' ? 'cell-size' : 'cells',
    cells: num('cells', 1, 4096, true),
    cellSize: num('cellSize', 1, 4096, true),
    downscale: DOWNSCALE_METHODS.find((m) => m === s.downscale) ?? DEFAULT_SETTINGS.downscale,
    dither: DITHER_METHODS.find((m) => m === s.dither) ?? DEFAULT_SETTINGS.dither,
    ditherStrength: num('ditherStrength', 0, 1, false),
    alphaThreshold: num('alphaThreshold', 0, 1, false),
    cleanup: typeof s.cleanup === 'boolean' ? s.cleanup : DEFAULT_SETTINGS.cleanup,
    refine: typeof s.refine === 'boolean' ? s.refine : DEFAULT_SETTINGS.refine,
    refineIterations: num('refineIterations', 1, 10000, true),
    refinePrior: typeof s.refinePrior === 'boolean' ? s.refinePrior : false,
    faithfulness: num('faithfulness', 0, 1, false),
    extractColors: num('extractColors', 2, 256, true),
  };
  const customPalettes = (Array.isArray(saved.customPalettes) ? saved.customPalettes : []).filter(isPaletteEntry);
  return { settings, customPalettes, generate: restoreGenerate(saved.generate), upscale: restoreUpscale(saved.upscale), compute: restoreCompute(saved.compute) };
}

/** The largest custom side the panel offers; the host's own limit is checked when Upscale runs. */
export const MAX_UPSCALE_SIDE = 65536;
export const MAX_UPSCALE_STEPS = 100;

/** Upscale values, one field at a time; a Slider past the saved step count is clamped to it. */
function restoreUpscale(raw: unknown): UpscaleSettings {
  const u = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const whole = (v: unknown, min: number, max: number, fallback: number): number =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback;
  const steps = whole(u.steps, 1, MAX_UPSCALE_STEPS, DEFAULT_UPSCALE.steps);
  return {
    scale: u.scale === 'x2' || u.scale === 'x4' || u.scale === 'custom' ? u.scale : DEFAULT_UPSCALE.scale,
    customWidth: whole(u.customWidth, 1, MAX_UPSCALE_SIDE, DEFAULT_UPSCALE.customWidth),
    customHeight: whole(u.customHeight, 1, MAX_UPSCALE_SIDE, DEFAULT_UPSCALE.customHeight),
    oneStep: typeof u.oneStep === 'boolean' ? u.oneStep : DEFAULT_UPSCALE.oneStep,
    slider: whole(u.slider, 0, steps, Math.min(steps, DEFAULT_UPSCALE.slider)),
    steps,
    prompt: typeof u.prompt === 'string' ? u.prompt : DEFAULT_UPSCALE.prompt,
    seed: whole(u.seed, 0, MAX_SEED, DEFAULT_UPSCALE.seed),
    upsampler: u.upsampler === 'lanczos' || u.upsampler === 'learned' ? u.upsampler : DEFAULT_UPSCALE.upsampler,
    scope: u.scope === 'canvas' || u.scope === 'layer' ? u.scope : DEFAULT_UPSCALE.scope,
    // An id the manifest no longer has, or one that cannot refine, is caught when the model list loads (the note says so).
    modelId: typeof u.modelId === 'string' && u.modelId !== '' ? u.modelId : DEFAULT_UPSCALE.modelId,
  };
}

const MAX_SEED = 2 ** 32 - 1;

/** Generate values, one field at a time; `backend` is never restored (it is found on the next load). */
function restoreGenerate(raw: unknown): GenerateSettings {
  const g = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const { strength, seed } = g;
  return {
    prompt: typeof g.prompt === 'string' ? g.prompt : DEFAULT_GENERATE.prompt,
    strength: typeof strength === 'number' && strength >= 0 && strength <= 1 ? strength : DEFAULT_GENERATE.strength,
    seed: typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED ? seed : DEFAULT_GENERATE.seed,
    asPixelArt: typeof g.asPixelArt === 'boolean' ? g.asPixelArt : DEFAULT_GENERATE.asPixelArt,
    // An id the manifest no longer has is caught when the model list loads (the reason says so).
    modelId: typeof g.modelId === 'string' && g.modelId !== '' ? g.modelId : DEFAULT_GENERATE.modelId,
    backend: null,
  };
}

function isPaletteEntry(v: unknown): v is PaletteEntry {
  const e = v as PaletteEntry;
  return (
    typeof e === 'object' && e !== null && typeof e.id === 'string' && typeof e.name === 'string' &&
    (e.source === 'imported' || e.source === 'extracted') && Array.isArray(e.colors) &&
    e.colors.length >= 1 && e.colors.length <= 256 && e.colors.every((c) => typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c))
  );
}
