import { measureQuality, type QualityReport } from '../../src/core/metrics.js';
import type { Palette } from '../../src/core/palette/palette.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { resolveGrid, resolvePixelateOptions, type DitherMethod, type GridSpec, type DownscaleMethod, type OutputScale } from '../../src/core/pixelate/options.js';
import { pixelateImageSync } from '../../src/core/pixelate/pipeline.js';
import { resizeImage } from '../../src/core/resize.js';
import type { BenchImage } from '../images.js';
import { imageQApplyPalette } from '../peers/image-q.js';
import { printImageOrigins, printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, formatNumber, formatPercent, formatRatio, printTable } from '../table.js';
import { measure, type RunPlan, type Timing } from '../timing.js';

const GRID_CELLS = 64;
const GRID: GridSpec = { kind: 'longest', cells: GRID_CELLS };
const TARGET_MS = 15;

interface Config {
  readonly dither: DitherMethod;
  readonly downscale: DownscaleMethod;
}

/** The target configuration first, then one change at a time for context. */
const CONFIGS: readonly Config[] = [
  { dither: 'bayer4', downscale: 'area' },
  { dither: 'none', downscale: 'area' },
  { dither: 'floyd-steinberg', downscale: 'area' },
  { dither: 'atkinson', downscale: 'area' },
  { dither: 'bayer4', downscale: 'dominant' },
  { dither: 'bayer4', downscale: 'kcentroid' },
];

interface Row {
  readonly image: BenchImage;
  readonly config: Config;
  /** Timed for the target configuration only; the others differ from it only before upscaling. */
  readonly original?: Timing;
  readonly grid: Timing;
  readonly quality: QualityReport;
}

export const pixelateSuite: Suite = {
  name: 'pixelate',
  title: `pixelate: 1024×1024 → ${GRID_CELLS}×${GRID_CELLS} grid, PICO-8`,
  run(ctx: BenchContext): readonly TargetResult[] {
    const palette = getPreset('pico-8').palette;
    const images = [...ctx.images.photos1024(), ...ctx.images.synthetic(1024)];
    printImageOrigins(images);

    const rows: Row[] = [];
    for (const image of images) for (const config of CONFIGS) rows.push(runConfig(image, config, palette, ctx.plan));

    const targetRows = rows.flatMap((r) => (r.original ? [{ ...r, original: r.original }] : []));
    printTable(
      'pixelate · bayer4 · area downscale (the target configuration)',
      [
        { title: 'image' },
        { title: 'original med ms', align: 'right' },
        { title: 'p90', align: 'right' },
        { title: 'grid med ms', align: 'right' },
        { title: 'p90', align: 'right' },
        { title: 'runs', align: 'right' },
      ],
      targetRows.map((r) => [
        r.image.name,
        formatMs(r.original.medianMs),
        formatMs(r.original.p90Ms),
        formatMs(r.grid.medianMs),
        formatMs(r.grid.p90Ms),
        String(r.grid.runs),
      ]),
    );

    printTable(
      'pixelate · dithers and downscales (output grid; quality at grid size vs the area-averaged source)',
      [
        { title: 'image' },
        { title: 'dither' },
        { title: 'downscale' },
        { title: 'grid med ms', align: 'right' },
        { title: 'p90', align: 'right' },
        { title: 'blurred ΔE', align: 'right' },
        { title: 'ΔE', align: 'right' },
        { title: 'SSIM', align: 'right' },
        { title: 'orphans', align: 'right' },
        { title: 'colours', align: 'right' },
      ],
      rows.map((r) => [
        r.image.name,
        r.config.dither,
        r.config.downscale,
        formatMs(r.grid.medianMs),
        formatMs(r.grid.p90Ms),
        formatNumber(r.quality.blurredDeltaE),
        formatNumber(r.quality.deltaE),
        formatNumber(r.quality.ssim, 3),
        formatPercent(r.quality.orphanRate),
        String(r.quality.colors),
      ]),
    );

    printPeerTable(images, rows, palette, ctx.plan);

    const photoRows = targetRows.filter((r) => r.image.kind === 'photo');
    const worstOriginal = maxBy(photoRows, (r) => r.original.medianMs);
    const worstGrid = maxBy(photoRows, (r) => r.grid.medianMs);
    const result: TargetResult = {
      suite: 'pixelate',
      target: `1024² photo → ${GRID_CELLS}² PICO-8 bayer4, median ≤ ${TARGET_MS} ms (every photo, output original and grid)`,
      measured: `worst median original ${formatMs(worstOriginal.original.medianMs)} ms (${worstOriginal.image.name}), grid ${formatMs(worstGrid.grid.medianMs)} ms (${worstGrid.image.name})`,
      met: worstOriginal.original.medianMs <= TARGET_MS && worstGrid.grid.medianMs <= TARGET_MS,
    };
    printTarget(result);
    return [result];
  },
};

function runConfig(image: BenchImage, config: Config, palette: Palette, plan: RunPlan): Row {
  const options = (output: OutputScale) =>
    resolvePixelateOptions({ grid: GRID, palette: { kind: 'fixed', palette }, ...config, output });
  const originalOptions = options('original');
  const gridOptions = options('grid');
  const original = config === CONFIGS[0] ? measure(() => pixelateImageSync(image.image, originalOptions), plan).timing : undefined;
  const grid = measure(() => pixelateImageSync(image.image, gridOptions), plan);
  return {
    image,
    config,
    original,
    grid: grid.timing,
    quality: measureQuality(image.image, grid.result.grid),
  };
}

/**
 * image-q has no ordered dithering and no grid step, so the closest peer job is Floyd–Steinberg
 * on a 64² area downscale (done with Tessera's resize, inside the timed call).
 */
function printPeerTable(images: readonly BenchImage[], rows: readonly Row[], palette: Palette, plan: RunPlan): void {
  const table = images.map((image) => {
    const ours = rows.find((r) => r.image === image && r.config.dither === 'floyd-steinberg');
    if (!ours) throw new Error('pixelate: the floyd-steinberg row is missing');
    const { width, height } = resolveGrid(GRID, image.image.width, image.image.height);
    const peer = measure(() => imageQApplyPalette(resizeImage(image.image, width, height, 'area'), palette, 'floyd-steinberg'), plan);
    const peerQuality = measureQuality(image.image, peer.result);
    return [
      image.name,
      formatMs(ours.grid.medianMs),
      formatMs(peer.timing.medianMs),
      String(peer.timing.runs),
      formatRatio(peer.timing.medianMs / ours.grid.medianMs),
      formatNumber(ours.quality.blurredDeltaE),
      formatNumber(peerQuality.blurredDeltaE),
      formatPercent(ours.quality.orphanRate),
      formatPercent(peerQuality.orphanRate),
    ];
  });
  printTable(
    `pixelate · Floyd–Steinberg at ${GRID_CELLS}²: Tessera vs image-q (Tessera area downscale + applyPaletteSync, euclidean-bt709); speed-up = image-q / Tessera`,
    [
      { title: 'image' },
      { title: 'Tessera ms', align: 'right' },
      { title: 'image-q ms', align: 'right' },
      { title: 'runs', align: 'right' },
      { title: 'speed-up', align: 'right' },
      { title: 'blurred ΔE T', align: 'right' },
      { title: 'blurred ΔE iq', align: 'right' },
      { title: 'orphans T', align: 'right' },
      { title: 'orphans iq', align: 'right' },
    ],
    table,
  );
}

function maxBy<T>(items: readonly T[], key: (item: T) => number): T {
  return items.reduce((best, item) => (key(item) > key(best) ? item : best));
}
