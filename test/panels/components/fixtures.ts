import { DEFAULT_GENERATE, DEFAULT_SETTINGS, DEFAULT_UPSCALE, type PaletteEntry, type PanelState } from '../../../panels/state/panel-state.js';
import { DEFAULT_COMPUTE } from '../../../panels/state/compute-settings.js';

/** Plain data, shared by the Node side of the tests and the page: everything here survives JSON. */
export const PALETTES: readonly PaletteEntry[] = [
  {
    id: 'pico-8',
    name: 'PICO-8',
    source: 'preset',
    colors: ['#000000', '#1d2b53', '#7e2553', '#008751', '#ab5236', '#5f574f', '#c2c3c7', '#fff1e8', '#ff004d', '#ffa300', '#ffec27', '#00e436', '#29adff', '#83769c', '#ff77a8', '#ffccaa'],
  },
  { id: 'gameboy', name: 'Game Boy', source: 'preset', colors: ['#0f380f', '#306230', '#8bac0f', '#9bbc0f'] },
  { id: 'cga', name: 'CGA', source: 'preset', colors: ['#000000', '#55ffff', '#ff55ff', '#ffffff'] },
  { id: 'custom-1', name: 'Sunset', source: 'imported', colors: ['#2b0f54', '#ab1f65', '#ff4f69', '#ff8142', '#ffda45'] },
];

/** A 1×1 PNG; the preview only needs a loadable image. */
export const TINY_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

export const PANEL_STATE: PanelState = {
  capabilities: { hostName: 'Test', singleUndoStep: true, models: false, learnedUpsampler: false },
  settings: DEFAULT_SETTINGS,
  palettes: PALETTES,
  preview: { kind: 'ready', dataUrl: TINY_PNG, width: 64, height: 48, colorsUsed: 11 },
  job: null,
  error: null,
  notice: null,
  models: [],
  generate: DEFAULT_GENERATE,
  upscale: DEFAULT_UPSCALE,
  compute: DEFAULT_COMPUTE,
  computeStatus: { kind: 'idle' },
};
