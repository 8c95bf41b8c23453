import { existsSync } from 'node:fs';
import path from 'node:path';
import { TesseraError } from '../core/errors.js';
import { parsePalette } from '../core/palette/palette-file.js';
import type { Palette } from '../core/palette/palette.js';
import { findPreset, PALETTE_PRESETS } from '../core/palette/presets.js';
import type { PaletteSource } from '../core/pixelate/options.js';
import { readInputFile, type CliIo } from './io.js';

/** `--palette NAME|FILE|auto:K`: a preset name wins over a file of the same name; `auto:K` extracts K colours. */
export async function resolvePaletteArg(arg: string, io: CliIo): Promise<PaletteSource> {
  const auto = /^auto(?::(\d+))?$/i.exec(arg.trim());
  if (auto) return { kind: 'extract', colors: auto[1] === undefined ? 16 : Number(auto[1]) };
  return { kind: 'fixed', palette: await loadPaletteArg(arg, io) };
}

/** A preset by name, or a palette file (.hex .gpl .pal .txt .png); parser warnings go to stderr. */
export async function loadPaletteArg(arg: string, io: CliIo): Promise<Palette> {
  const preset = findPreset(arg);
  if (preset) return preset.palette;
  if (!existsSync(arg)) {
    throw new TesseraError(
      'invalid-input',
      `"${arg}" is neither a palette name nor a palette file. Run "tessera palette list" for the names (e.g. ${PALETTE_PRESETS.slice(0, 3).map((p) => p.id).join(', ')}), or give a .hex, .gpl, .pal, .txt or .png file.`,
      { details: { palette: arg } },
    );
  }
  const bytes = await readInputFile(arg);
  const parsed = parsePalette(bytes, { fileName: path.basename(arg) });
  for (const w of parsed.warnings) io.stderr(`tessera: warning: ${arg}: ${w}\n`);
  return parsed.value;
}
