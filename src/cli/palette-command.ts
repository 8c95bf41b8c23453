import path from 'node:path';
import { decodeImage } from '../core/codecs/decode-image.js';
import { extractPaletteSteps } from '../core/palette/extract.js';
import { paletteFormatFromFileName, serializePalette } from '../core/palette/palette-file.js';
import { paletteSize, paletteToHex, type Palette } from '../core/palette/palette.js';
import { PALETTE_PRESETS } from '../core/palette/presets.js';
import { runSliced } from '../core/progress.js';
import { parseCommandArgs, parseNumberArg, progressPrinter, usageError } from './args.js';
import { readInputFile, writeOutputFile, type CliIo } from './io.js';
import { loadPaletteArg } from './palette-arg.js';

export const PALETTE_HELP = `Usage: tessera palette list
       tessera palette show NAME|FILE
       tessera palette extract IN -k K -o OUT.gpl|.hex|.pal|.txt|.png [--seed S]

  list      the built-in palettes: id, colour count, name
  show      the colours of a built-in palette or a palette file, one #rrggbb per line
  extract   K colours (1..256) that best represent an image (k-means++ in OKLab), saved in the
            format the output's extension names

Example: tessera palette extract photo.jpg -k 16 -o photo.gpl
`;

export async function paletteCommand(argv: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return listPalettes(rest, io);
  if (sub === 'show') return showPalette(rest, io);
  if (sub === 'extract') return extractPalette(rest, io);
  throw usageError(sub ? `Unknown palette command "${sub}". Use list, show or extract.` : 'palette needs a command: list, show or extract.');
}

function listPalettes(argv: string[], io: CliIo): number {
  parseCommandArgs(argv, {});
  const width = Math.max(...PALETTE_PRESETS.map((p) => p.id.length));
  for (const p of PALETTE_PRESETS) io.stdout(`${p.id.padEnd(width)}  ${String(paletteSize(p.palette)).padStart(3)}  ${p.name}\n`);
  return 0;
}

async function showPalette(argv: string[], io: CliIo): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  if (positionals.length !== 1) throw usageError('palette show needs one palette name or file.');
  const palette = await loadPaletteArg(positionals[0], io);
  io.stdout(`${palette.name}: ${paletteSize(palette)} colours\n`);
  for (const hex of paletteToHex(palette)) io.stdout(`${io.interactive ? swatch(hex) + ' ' : ''}${hex}\n`);
  return 0;
}

async function extractPalette(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    colors: { type: 'string', short: 'k' },
    output: { type: 'string', short: 'o' },
    seed: { type: 'string' },
  });
  if (positionals.length !== 1) throw usageError('palette extract needs one input image.');
  if (!values.output) throw usageError('palette extract needs an output file: -o OUT.gpl');
  const format = paletteFormatFromFileName(values.output);
  if (!format) throw usageError(`The output must end in .gpl, .hex, .pal, .txt or .png, not "${values.output}".`);
  const colors = values.colors === undefined ? 16 : parseNumberArg('-k', values.colors);
  const seed = values.seed === undefined ? 1 : parseNumberArg('--seed', values.seed);

  const image = decodeImage(await readInputFile(positionals[0]));
  const name = path.basename(positionals[0]).replace(/\.[^.]*$/, '');
  const palette: Palette = await runSliced(extractPaletteSteps(image, { colors, seed, name }), { onProgress: progressPrinter(io) });
  await writeOutputFile(values.output, serializePalette(palette, format));
  io.stdout(`Wrote ${values.output} (${paletteSize(palette)} colours from ${positionals[0]}, seed ${seed})\n`);
  return 0;
}

/** Two spaces in the colour itself, for terminals that show 24-bit colour. */
function swatch(hex: string): string {
  const v = parseInt(hex.slice(1), 16);
  return `\x1b[48;2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}m  \x1b[0m`;
}
