import { TesseraError } from '../errors.js';
import { paletteFromHex, type Palette } from './palette.js';
import PRESET_DATA from './presets.json';

export interface PalettePreset {
  /** Stable kebab-case id, used by CLI flags, settings and layer names. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  readonly aliases: readonly string[];
  /** Where the exact colours come from (shared/reference/quantization.md §3). */
  readonly source: string;
  readonly palette: Palette;
}

export const PALETTE_PRESETS: readonly PalettePreset[] = PRESET_DATA.map((p) => ({
  id: p.id,
  name: p.name,
  aliases: p.aliases,
  source: p.source,
  palette: paletteFromHex(p.name, p.colors),
}));

/** Case, spaces, dashes and underscores do not matter: "PICO-8", "pico8" and "Pico 8" all match. */
function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[\s_\-()]+/g, '');
}

export function findPreset(name: string): PalettePreset | undefined {
  const key = normaliseName(name);
  return PALETTE_PRESETS.find(
    (p) => normaliseName(p.id) === key || normaliseName(p.name) === key || p.aliases.some((a) => normaliseName(a) === key),
  );
}

export function getPreset(name: string): PalettePreset {
  const preset = findPreset(name);
  if (!preset) {
    throw new TesseraError(
      'invalid-input',
      `There is no palette called "${name}". Known palettes: ${PALETTE_PRESETS.map((p) => p.id).join(', ')}.`,
      { details: { palette: name } },
    );
  }
  return preset;
}
