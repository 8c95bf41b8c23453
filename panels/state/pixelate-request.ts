import { paletteFromHex } from '../../src/core/palette/palette.js';
import type { PixelateRequest } from '../../src/commands/pixelate.js';
import { PRESET_ENTRIES } from './initial-panel-state.js';
import type { PanelState } from './panel-state.js';
import { refinePriorAvailable } from './prior-availability.js';

/** Seed for palette extraction and Pixelate: fixed, so "Extract 16 colours" gives the same palette every time. */
export const EXTRACT_SEED = 1;

/** The Pixelate controls' values as the command's request (resolvePixelateRequest validates them). */
export function pixelateRequest(state: PanelState): PixelateRequest & { readonly refinePrior: boolean } {
  const { settings, palettes } = state;
  const entry = palettes.find((p) => p.id === settings.paletteId) ?? PRESET_ENTRIES[0];
  // The prior only where its models are installed (the switch is hidden otherwise).
  const refinePrior = settings.refine && (settings.refinePrior ?? false) && refinePriorAvailable(state);
  return { ...settings, refinePrior, palette: paletteFromHex(entry.name, entry.colors), seed: EXTRACT_SEED };
}
