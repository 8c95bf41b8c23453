import { createImage, type RgbaImage } from '../../src/core/image.js';
import { measureQuality, type QualityReport } from '../../src/core/metrics.js';
import { createPaletteMatcher } from '../../src/core/palette/matcher.js';
import type { Palette } from '../../src/core/palette/palette.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { DOWNSCALERS } from '../../src/core/pixelate/downscale.js';
import { resolveGrid, resolvePixelateOptions, type DitherMethod, type GridSpec } from '../../src/core/pixelate/options.js';
import { pixelateImageSync } from '../../src/core/pixelate/pipeline.js';
import { runSync } from '../../src/core/progress.js';
import { DEFAULT_REFINE_OPTIONS, refineSteps } from '../../src/core/refine/refine.js';
import type { BenchImage } from '../images.js';
import { printRefinePriorCost } from './refine-prior-cost.js';
import { printImageOrigins, printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, formatNumber, formatPercent, printTable } from '../table.js';
import { measure, type Timing } from '../timing.js';

const GRID_CELLS = 64;
const GRID: GridSpec = { kind: 'longest', cells: GRID_CELLS };
const ITERATIONS = DEFAULT_REFINE_OPTIONS.iterations;
const TARGET_MS = 2000;

interface Row {
  readonly image: BenchImage;
  readonly nearest: QualityReport;
  readonly floyd: QualityReport;
  readonly refine: QualityReport;
  /** Refine alone, on the area-downscaled cell grid (downscale not included); photos only. */
  readonly timing?: Timing;
  /** Mean process CPU time per call over the same calls (warm-up included): wall ≫ CPU means other work was running. */
  readonly cpuMs?: number;
}

export const refineSuite: Suite = {
  name: 'refine',
  title: `refine: SD-πXL-style palette optimisation, ${GRID_CELLS}×${GRID_CELLS} grid, PICO-8, ${ITERATIONS} iterations, default options`,
  run(ctx: BenchContext): readonly TargetResult[] {
    const palette = getPreset('pico-8').palette;
    const photos = ctx.images.photos1024();
    const images = [...photos, ...ctx.images.synthetic(1024)];
    printImageOrigins(images);
    console.log(
      'Quality at grid size against the area-averaged source (metrics.ts measureQuality). Nearest and Floyd–Steinberg: ' +
        'the pixelate pipeline (area downscale); Refine: refineSteps on the same area CellGrid. Timing: Refine only, photos only.',
    );
    const rows = images.map((image) => runImage(image, palette, ctx, image.kind === 'photo'));

    printTable(
      `refine · quality (${GRID_CELLS}² cells, PICO-8); lower is better in every column`,
      [
        { title: 'image' },
        { title: 'blurred ΔE nearest', align: 'right' },
        { title: 'FS', align: 'right' },
        { title: 'Refine', align: 'right' },
        { title: 'ΔE nearest', align: 'right' },
        { title: 'FS', align: 'right' },
        { title: 'Refine', align: 'right' },
        { title: 'orphans nearest', align: 'right' },
        { title: 'FS', align: 'right' },
        { title: 'Refine', align: 'right' },
      ],
      rows.map((r) => [
        r.image.name,
        formatNumber(r.nearest.blurredDeltaE),
        formatNumber(r.floyd.blurredDeltaE),
        formatNumber(r.refine.blurredDeltaE),
        formatNumber(r.nearest.deltaE),
        formatNumber(r.floyd.deltaE),
        formatNumber(r.refine.deltaE),
        formatPercent(r.nearest.orphanRate),
        formatPercent(r.floyd.orphanRate),
        formatPercent(r.refine.orphanRate),
      ]),
    );

    const timed = rows.flatMap((r) => (r.timing ? [{ ...r, timing: r.timing }] : []));
    printTable(
      `refine · time for ${ITERATIONS} iterations on a ${GRID_CELLS}² grid, 16 colours`,
      [
        { title: 'image' },
        { title: 'median ms', align: 'right' },
        { title: 'p90', align: 'right' },
        { title: 'min', align: 'right' },
        { title: 'runs', align: 'right' },
        { title: 'mean CPU ms', align: 'right' },
      ],
      timed.map((r) => [r.image.name, formatMs(r.timing.medianMs), formatMs(r.timing.p90Ms), formatMs(r.timing.minMs), String(r.timing.runs), formatMs(r.cpuMs ?? 0)]),
    );

    printRefinePriorCost(ctx.plan.runs);

    const worst = timed.reduce((a, b) => (b.timing.medianMs > a.timing.medianMs ? b : a));
    const speed: TargetResult = {
      suite: 'refine',
      target: `Refine ${GRID_CELLS}×${GRID_CELLS}, 16 colours, ${ITERATIONS} iterations: median ≤ ${TARGET_MS / 1000} s (every photo)`,
      measured: `worst median ${(worst.timing.medianMs / 1000).toFixed(2)} s (${worst.image.name})`,
      met: worst.timing.medianMs <= TARGET_MS,
    };
    const photoRows = rows.filter((r) => r.image.kind === 'photo');
    const quality: TargetResult = {
      suite: 'refine',
      target: 'blurred ΔE below nearest / orphans below FS (every photo)',
      measured: photoRows
        .map((r) => `${r.image.name}: bΔE ${formatNumber(r.refine.blurredDeltaE)} vs ${formatNumber(r.nearest.blurredDeltaE)}, orphans ${formatPercent(r.refine.orphanRate)} vs ${formatPercent(r.floyd.orphanRate)}`)
        .join('; '),
      met: photoRows.every((r) => r.refine.blurredDeltaE < r.nearest.blurredDeltaE && r.refine.orphanRate < r.floyd.orphanRate),
    };
    printTarget(speed);
    printTarget(quality);
    return [speed, quality];
  },
};

function runImage(image: BenchImage, palette: Palette, ctx: BenchContext, timed: boolean): Row {
  const pipeline = (dither: DitherMethod) =>
    pixelateImageSync(image.image, resolvePixelateOptions({ grid: GRID, palette: { kind: 'fixed', palette }, dither, downscale: 'area', output: 'grid' })).grid;
  const { width, height } = resolveGrid(GRID, image.image.width, image.image.height);
  const matcher = createPaletteMatcher(palette);
  const grid = runSync(DOWNSCALERS.area(image.image, width, height, matcher));
  // The pipeline's default alpha threshold (0.5): the bench photos are opaque anyway.
  const opaque = Uint8Array.from(grid.coverage, (c) => (c > 0 && c >= 0.5 ? 1 : 0));
  let calls = 0;
  const refine = () => {
    calls++;
    return runSync(refineSteps(grid, opaque, matcher));
  };
  const cpu0 = process.cpuUsage();
  const { timing, result } = timed ? measure(refine, ctx.plan) : { timing: undefined, result: refine() };
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuMs: timed ? (cpu.user + cpu.system) / 1000 / calls : undefined,
    image,
    nearest: measureQuality(image.image, pipeline('none')),
    floyd: measureQuality(image.image, pipeline('floyd-steinberg')),
    refine: measureQuality(image.image, renderIndices(result, width, height, palette)),
    timing,
  };
}

function renderIndices(indices: Int16Array, width: number, height: number, palette: Palette): RgbaImage {
  const out = createImage(width, height);
  for (let i = 0; i < indices.length; i++) {
    if (indices[i] < 0) continue;
    const p = indices[i] * 3;
    out.data.set([palette.rgb[p], palette.rgb[p + 1], palette.rgb[p + 2], 255], i * 4);
  }
  return out;
}
