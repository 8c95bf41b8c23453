import { TesseraError } from '../core/errors.js';
import { DEFAULT_REFINE_PRIOR, resolvePixelateOptions, type DitherMethod, type DownscaleMethod, type GridSpec, type PixelateOptions } from '../core/pixelate/options.js';
import { parseNumberArg, usageError } from './args.js';
import type { CliIo } from './io.js';
import { resolvePaletteArg } from './palette-arg.js';

/**
 * The Pixelate flags, shared by `tessera pixelate` and `tessera generate --pixelate`. The
 * dither-strength flag is added by the caller: `--strength` in pixelate, `--dither-strength` in
 * generate (where `--strength` is the diffusion's).
 */
export const PIXELATE_FLAGS = {
  grid: { type: 'string' },
  cell: { type: 'string' },
  palette: { type: 'string' },
  dither: { type: 'string' },
  downscale: { type: 'string' },
  alpha: { type: 'string' },
  cleanup: { type: 'boolean' },
  refine: { type: 'boolean' },
  iterations: { type: 'string' },
  faithfulness: { type: 'string' },
  prior: { type: 'string' },
  'prior-weight': { type: 'string' },
} as const;

export type PixelateFlagValues = Partial<
  Record<'grid' | 'cell' | 'palette' | 'dither' | 'strength' | 'dither-strength' | 'downscale' | 'alpha' | 'iterations' | 'faithfulness' | 'prior' | 'prior-weight', string>
> &
  Partial<Record<'cleanup' | 'refine', boolean>>;

/** Validated Pixelate options from the flags (usage errors for flags that don't go together). */
export async function pixelateOptionsFromFlags(
  values: PixelateFlagValues,
  io: CliIo,
  { strengthFlag, seed, output }: { strengthFlag: 'strength' | 'dither-strength'; seed: number; output: PixelateOptions['output'] },
): Promise<PixelateOptions> {
  if (values.grid !== undefined && values.cell !== undefined) throw usageError('Give --grid or --cell, not both.');
  if (!values.refine && (values.iterations !== undefined || values.faithfulness !== undefined || values.prior !== undefined || values['prior-weight'] !== undefined)) {
    throw usageError('--iterations, --faithfulness and --prior go with --refine.');
  }
  if (values['prior-weight'] !== undefined && values.prior === undefined) throw usageError('--prior-weight goes with --prior MODEL.');
  const strength = values[strengthFlag];
  return resolvePixelateOptions({
    grid: values.cell !== undefined ? { kind: 'cell-size', px: parseNumberArg('--cell', values.cell) } : parseGridArg(values.grid ?? '64'),
    palette: await resolvePaletteArg(values.palette ?? 'pico-8', io),
    dither: (values.dither ?? 'none') as DitherMethod,
    ditherStrength: strength === undefined ? 1 : parseNumberArg(`--${strengthFlag}`, strength),
    downscale: (values.downscale ?? 'area') as DownscaleMethod,
    alphaThreshold: values.alpha === undefined ? 0.5 : parseNumberArg('--alpha', values.alpha),
    cleanup: values.cleanup ?? false,
    output,
    seed,
    refine: values.refine
      ? {
          iterations: values.iterations === undefined ? 500 : parseNumberArg('--iterations', values.iterations),
          faithfulness: values.faithfulness === undefined ? 0.5 : parseNumberArg('--faithfulness', values.faithfulness),
          // The model (values.prior) is loaded by the command; the options carry only how it is used.
          prior:
            values.prior === undefined
              ? null
              : { ...DEFAULT_REFINE_PRIOR, weight: values['prior-weight'] === undefined ? DEFAULT_REFINE_PRIOR.weight : parseNumberArg('--prior-weight', values['prior-weight']) },
        }
      : null,
  });
}

/** "64" = longest side 64 cells; "64x48" = exactly 64 × 48. */
export function parseGridArg(text: string): GridSpec {
  const exact = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(text.trim());
  if (exact) return { kind: 'exact', width: Number(exact[1]), height: Number(exact[2]) };
  if (/^\d+$/.test(text.trim())) return { kind: 'longest', cells: Number(text) };
  throw new TesseraError('invalid-input', `--grid takes N or WxH (like 64 or 64x48), not "${text}".`);
}
