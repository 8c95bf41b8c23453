import { PALETTE_PRESETS } from '../../src/core/palette/presets.js';
import { paletteToHex } from '../../src/core/palette/palette.js';
import '../components/tessera-panel.js';
import type { TesseraPanel } from '../components/tessera-panel.js';
import { DEFAULT_GENERATE, DEFAULT_SETTINGS, DEFAULT_UPSCALE, type PaletteEntry, type PanelEventMap, type PanelState } from '../state/panel-state.js';
import { DEFAULT_COMPUTE } from '../state/compute-settings.js';
import { createPanelStore } from '../state/panel-store.js';
import { landscapePreview } from './fixture-image.js';

/**
 * The panel in fixture states, side by side, with no host, command or controller: proof that the
 * components only draw state and report intents. Each panel gets its own store; settings events
 * are echoed into it so the controls can be tried, and every event is logged under its panel.
 */

const palettes: readonly PaletteEntry[] = [
  ...PALETTE_PRESETS.map((p): PaletteEntry => ({ id: p.id, name: p.name, colors: paletteToHex(p.palette), source: 'preset' })),
  { id: 'custom-1', name: 'Sunset ramp.gpl', colors: ['#2b0f54', '#ab1f65', '#ff4f69', '#ff8142', '#ffda45', '#fff7f8'], source: 'imported' },
  {
    id: 'custom-2',
    name: 'Extracted · 8 colours',
    colors: ['#1b1b2f', '#3d3b5c', '#5d7a8c', '#8fb3a6', '#c9d7a0', '#e8c07d', '#b86f50', '#6e3b3b'],
    source: 'extracted',
  },
];

const preview = landscapePreview();
const ready: PanelState['preview'] = { kind: 'ready', ...preview };

const idle: PanelState = {
  capabilities: { hostName: 'Gallery', singleUndoStep: true, models: false, learnedUpsampler: false },
  settings: { ...DEFAULT_SETTINGS, dither: 'bayer4', ditherStrength: 0.75 },
  palettes,
  preview: ready,
  job: null,
  error: null,
  notice: 'Added “Pixelate · PICO-8 · 64×48 · bayer4” (1 undo step).',
  models: [],
  generate: { ...DEFAULT_GENERATE, prompt: 'a knight with a red cape', seed: 42 },
  upscale: DEFAULT_UPSCALE,
  compute: DEFAULT_COMPUTE,
  computeStatus: { kind: 'idle' },
};

const MODELS: PanelState['models'] = [
  { id: 'sdxs-512-dreamshaper', name: 'SDXS-512 DreamShaper (WebGPU ONNX export)', sizeText: '882.1 MB', state: 'partial', percent: 37, textToImage: true, refinesUpscales: true },
  { id: 'taesd', name: 'TAESD encoder + decoder (ONNX)', sizeText: '9.8 MB', state: 'installed', licence: 'MIT', textToImage: false, refinesUpscales: false },
];

interface Fixture {
  readonly title: string;
  readonly state: PanelState;
  readonly width: number;
  readonly theme?: 'light' | 'dark';
  /** Headings of the sections to show open (view state, not panel state); default: as the panel opens them. */
  readonly sections?: readonly string[];
}

const INSTALLED: PanelState['models'] = MODELS.map((m) => ({ ...m, state: 'installed' as const, percent: undefined }));
const upscaleOnly = ['Upscale'];
const withModels = { ...idle, capabilities: { ...idle.capabilities, models: true, learnedUpsampler: true }, notice: null };

const FIXTURES: readonly Fixture[] = [
  { title: 'Idle, preview ready', state: idle, width: 300 },
  {
    title: 'Job running, 40 %',
    state: { ...idle, preview: { kind: 'busy' }, job: { label: 'Pixelate', stage: 'Mapping colours', fraction: 0.4 }, notice: null },
    width: 300,
  },
  {
    title: 'Error shown',
    state: {
      ...idle,
      settings: { ...idle.settings, gridMode: 'cell-size', cellSize: 6 },
      error: {
        code: 'host-failed',
        message: 'Photopea did not answer while reading the layer. Check that a document is open, then try again.',
      },
      notice: null,
    },
    width: 300,
  },
  {
    title: 'No target',
    state: {
      ...idle,
      settings: { ...idle.settings, paletteId: 'custom-1', dither: 'none' },
      preview: { kind: 'none', reason: 'Select a layer to see a preview.' },
      notice: null,
    },
    width: 300,
  },
  {
    title: 'Dark theme',
    state: { ...idle, settings: { ...idle.settings, paletteId: 'endesga-32', dither: 'floyd-steinberg', cleanup: true } },
    width: 300,
    theme: 'dark',
  },
  {
    title: 'Model manager',
    state: { ...idle, capabilities: { ...idle.capabilities, models: true }, models: MODELS, notice: null },
    width: 300,
  },
  {
    title: 'Model downloading, dark',
    state: {
      ...idle,
      capabilities: { ...idle.capabilities, models: true },
      models: [{ ...MODELS[0], state: 'downloading', percent: 52 }, { ...MODELS[1], state: 'missing' }],
      job: { label: 'Download SDXS-512 DreamShaper (WebGPU ONNX export)', stage: 'unet.onnx (2 of 5)', fraction: 0.52 },
      notice: null,
    },
    width: 300,
    theme: 'dark',
  },
  {
    title: 'Upscale, refinement ready',
    state: { ...withModels, models: INSTALLED, upscale: { ...DEFAULT_UPSCALE, prompt: 'a lighthouse at dusk', seed: 1234 } },
    width: 300,
    sections: upscaleOnly,
  },
  {
    title: 'Upscale without a model (Lanczos only)',
    state: { ...withModels, models: [{ ...MODELS[0], state: 'missing', percent: undefined }, MODELS[1]] },
    width: 260,
    sections: upscaleOnly,
  },
  {
    title: 'Upscale running, dark',
    state: {
      ...withModels,
      models: INSTALLED,
      upscale: { ...DEFAULT_UPSCALE, scale: 'x4' },
      job: { label: 'Upscale', stage: 'refine', fraction: 0.37, detail: 'patch 37 of 256 · about 40 s left' },
    },
    width: 420,
    theme: 'dark',
    sections: upscaleOnly,
  },
  {
    title: 'Upscale, custom size, done',
    state: {
      ...withModels,
      models: INSTALLED,
      upscale: { ...DEFAULT_UPSCALE, scale: 'custom', customWidth: 3000, customHeight: 2000, scope: 'layer', upsampler: 'learned', slider: 14 },
      notice: 'Added “Upscale 3000×2000 · slider 14/20 · seed 1” at 3000×2000 (1 undo step).',
    },
    width: 420,
    sections: upscaleOnly,
  },
  {
    title: 'Upscale ×4 in a host without models, dark',
    state: { ...idle, notice: null, upscale: { ...DEFAULT_UPSCALE, scale: 'x4', oneStep: true } },
    width: 260,
    theme: 'dark',
    sections: upscaleOnly,
  },
  { title: '280 px wide', state: { ...idle, notice: null }, width: 280 },
  { title: '260 px (narrowest)', state: { ...idle, notice: null, settings: { ...idle.settings, paletteId: 'custom-2' } }, width: 260 },
  { title: '420 px (widest), dark', state: { ...idle, notice: null }, width: 420, theme: 'dark' },
];

const EVENT_NAMES: readonly (keyof PanelEventMap)[] = [
  'tessera-change',
  'tessera-input',
  'tessera-apply',
  'tessera-download-model',
  'tessera-remove-model',
  'tessera-generate-change',
  'tessera-generate',
  'tessera-roll-seed',
  'tessera-upscale-change',
  'tessera-upscale',
  'tessera-upscale-roll-seed',
  'tessera-cancel',
  'tessera-import-palette',
  'tessera-extract-palette',
  'tessera-remove-palette',
  'tessera-dismiss',
];

function mount(fixture: Fixture, into: HTMLElement): void {
  const figure = document.createElement('figure');
  figure.className = `fixture ${fixture.theme ?? ''}`;
  const caption = document.createElement('figcaption');
  caption.textContent = `${fixture.title} · ${fixture.width} px`;
  const panel = document.createElement('tessera-panel') as TesseraPanel;
  panel.style.width = `${fixture.width}px`;
  if (fixture.theme) panel.theme = fixture.theme;
  const log = document.createElement('output');
  log.className = 'log';

  const store = createPanelStore(fixture.state);
  store.subscribe((s) => (panel.state = s));
  panel.state = store.get();
  for (const name of EVENT_NAMES) {
    panel.addEventListener(name, (e: Event) => {
      const detail = (e as CustomEvent<unknown>).detail;
      log.textContent = `${name} ${detail === undefined || detail === null ? '' : describe(detail)}`;
      if (name === 'tessera-change' || name === 'tessera-input') {
        store.update((s) => ({ settings: { ...s.settings, ...(detail as object) } }));
      }
      if (name === 'tessera-upscale-change') store.update((s) => ({ upscale: { ...s.upscale, ...(detail as object) } }));
      if (name === 'tessera-dismiss') store.update({ error: null });
    });
  }
  figure.append(caption, panel, log);
  into.append(figure);
  if (fixture.sections) void openSections(panel, fixture.sections);
}

/** Opens exactly the named sections, as a click on their headers would. */
async function openSections(panel: TesseraPanel, headings: readonly string[]): Promise<void> {
  await panel.updateComplete;
  for (const section of panel.shadowRoot?.querySelectorAll('tessera-section') ?? []) section.open = headings.includes(section.heading);
}

function describe(detail: unknown): string {
  return JSON.stringify(detail, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
}

const root = document.getElementById('gallery')!;
for (const f of FIXTURES) mount(f, root);
