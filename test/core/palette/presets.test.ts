import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paletteSize, paletteToHex } from '../../../src/core/palette/palette.js';
import { PALETTE_PRESETS, findPreset, getPreset } from '../../../src/core/palette/presets.js';

// The reference copy every engineer and CI has beside the repository (shared/reference/palettes.json).
const reference = JSON.parse(readFileSync(new URL('../../../../shared/reference/palettes.json', import.meta.url), 'utf8')) as Record<
  string,
  { count: number; colors: string[] }
>;

describe('palette presets', () => {
  it('are exactly the 15 reference palettes, colour for colour, in order', () => {
    expect(PALETTE_PRESETS.map((p) => p.id)).toEqual(Object.keys(reference));
    for (const preset of PALETTE_PRESETS) {
      expect(paletteToHex(preset.palette)).toEqual(reference[preset.id].colors);
      expect(paletteSize(preset.palette)).toBe(reference[preset.id].count);
    }
  });

  it('have PICO-8 as published by Lexaloffle', () => {
    expect(paletteToHex(getPreset('PICO-8').palette)).toEqual([
      '#000000', '#1d2b53', '#7e2553', '#008751', '#ab5236', '#5f574f', '#c2c3c7', '#fff1e8',
      '#ff004d', '#ffa300', '#ffec27', '#00e436', '#29adff', '#83769c', '#ff77a8', '#ffccaa',
    ]);
  });

  it('are found by id, display name or alias, ignoring case, spaces and dashes', () => {
    expect(findPreset('pico8')?.id).toBe('pico-8');
    expect(findPreset('Sweetie 16')?.id).toBe('sweetie-16');
    expect(findPreset('DB32')?.id).toBe('dawnbringer-32');
    expect(findPreset('gameboy')?.id).toBe('gameboy-dmg-green');
    expect(findPreset('c64')?.id).toBe('c64-pepto-2001');
    expect(findPreset('nope')).toBeUndefined();
  });

  it('explain an unknown name with the list of known ones', () => {
    expect(() => getPreset('pico-9')).toThrowError(/no palette called "pico-9".*pico-8/);
  });

  it('have unique ids and aliases', () => {
    const names = PALETTE_PRESETS.flatMap((p) => [p.id, ...p.aliases]);
    expect(new Set(names).size).toBe(names.length);
  });
});
