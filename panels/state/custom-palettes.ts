import { paletteToHex, type Palette } from '../../src/core/palette/palette.js';
import { DEFAULT_SETTINGS, type PaletteEntry, type PanelState } from './panel-state.js';

/** The panel with `palette` added as the next custom entry and selected, and `notice` shown. */
export function withCustomPalette(state: PanelState, palette: Palette, source: 'imported' | 'extracted', notice: string): Partial<PanelState> {
  // Ids outlive the session (they are saved), so the next one follows the highest saved.
  const used = state.palettes.map((p) => Number(/^custom-(\d+)$/.exec(p.id)?.[1] ?? 0));
  const id = `custom-${Math.max(0, ...used) + 1}`;
  const entry: PaletteEntry = { id, name: palette.name, colors: paletteToHex(palette), source };
  return { palettes: [...state.palettes, entry], settings: { ...state.settings, paletteId: id }, notice, error: null };
}

/** The panel without custom palette `id` (presets stay); a selection of it falls back to the default. */
export function withoutCustomPalette(state: PanelState, id: string): Partial<PanelState> {
  return {
    palettes: state.palettes.filter((p) => p.id !== id || p.source === 'preset'),
    settings: state.settings.paletteId === id ? { ...state.settings, paletteId: DEFAULT_SETTINGS.paletteId } : state.settings,
  };
}
