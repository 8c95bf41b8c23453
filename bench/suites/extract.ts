import type { RgbaImage } from '../../src/core/image.js';
import { meanDeltaE } from '../../src/core/metrics.js';
import { extractPaletteSteps } from '../../src/core/palette/extract.js';
import { paletteSize, type Palette } from '../../src/core/palette/palette.js';
import { runSync } from '../../src/core/progress.js';
import type { BenchImage } from '../images.js';
import { IMAGE_Q_DISTANCE, imageQBuildPalette } from '../peers/image-q.js';
import { initLibimagequant, libimagequantPalette } from '../peers/libimagequant.js';
import { mapToPaletteNearest } from '../quality.js';
import { printImageOrigins, printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, formatNumber, formatRatio, printTable } from '../table.js';
import { measure, type Timing } from '../timing.js';

const COLORS = 16;
const TARGET_SPEEDUP = 20;

interface Extractor {
  readonly name: string;
  readonly extract: (image: RgbaImage) => Palette;
}

const TESSERA = 'Tessera k-means (OKLab)';
const WUQUANT = 'image-q WuQuant';

const EXTRACTORS: readonly Extractor[] = [
  { name: TESSERA, extract: (image) => runSync(extractPaletteSteps(image, { colors: COLORS, seed: 1 })) },
  { name: WUQUANT, extract: (image) => imageQBuildPalette(image, COLORS, 'wuquant') },
  { name: 'image-q RGBQuant', extract: (image) => imageQBuildPalette(image, COLORS, 'rgbquant') },
  { name: 'libimagequant-wasm (speed 4)', extract: (image) => libimagequantPalette(image, { colors: COLORS, speed: 4 }) },
];

interface Row {
  readonly image: BenchImage;
  readonly extractor: Extractor;
  readonly timing: Timing;
  readonly colors: number;
  readonly deltaE: number;
}

export const extractSuite: Suite = {
  name: 'extract',
  title: `extract: ${COLORS}-colour palette from each 1024×1024 photo`,
  run(ctx: BenchContext): readonly TargetResult[] {
    initLibimagequant();
    const images = ctx.images.photos1024();
    printImageOrigins(images);
    console.log(
      `image-q: buildPaletteSync, ${IMAGE_Q_DISTANCE}; libimagequant-wasm: setMaxColors(${COLORS}), setSpeed(4), quantizeImage, getPalette.\n` +
        `Quality: the photo mapped to each palette with the same Tessera mapping (nearest in OKLab, no dither), mean OKLab ΔE vs the photo.`,
    );

    const rows: Row[] = [];
    for (const image of images) {
      for (const extractor of EXTRACTORS) {
        const { timing, result: palette } = measure(() => extractor.extract(image.image), ctx.plan);
        const deltaE = meanDeltaE(image.image, mapToPaletteNearest(image.image, palette));
        rows.push({ image, extractor, timing, colors: paletteSize(palette), deltaE });
      }
    }

    const tesseraRow = (image: BenchImage): Row => findRow(rows, image, TESSERA);
    printTable(
      'extract · medians (ms); "vs Tessera" = this median / Tessera median',
      [
        { title: 'image' },
        { title: 'method' },
        { title: 'median ms', align: 'right' },
        { title: 'p90', align: 'right' },
        { title: 'runs', align: 'right' },
        { title: 'vs Tessera', align: 'right' },
        { title: 'colours', align: 'right' },
        { title: 'mean ΔE', align: 'right' },
      ],
      rows.map((r) => [
        r.image.name,
        r.extractor.name,
        formatMs(r.timing.medianMs),
        formatMs(r.timing.p90Ms),
        String(r.timing.runs),
        r.extractor.name === TESSERA ? '—' : formatRatio(r.timing.medianMs / tesseraRow(r.image).timing.medianMs),
        String(r.colors),
        formatNumber(r.deltaE),
      ]),
    );

    const pairs = images.map((image) => ({ image, ours: tesseraRow(image), wu: findRow(rows, image, WUQUANT) }));
    const slowest = pairs.reduce((a, b) => (speedup(b) < speedup(a) ? b : a));
    const worse = pairs.filter((p) => p.ours.deltaE >= p.wu.deltaE);
    const result: TargetResult = {
      suite: 'extract',
      target: `${COLORS}-colour extraction ≥ ${TARGET_SPEEDUP}× faster than image-q WuQuant with lower mean ΔE (every photo)`,
      measured:
        `lowest speed-up ${formatRatio(speedup(slowest))} (${slowest.image.name}); mean ΔE lower on ${pairs.length - worse.length}/${pairs.length} photos` +
        (worse.length ? ` (not on ${worse.map((p) => p.image.name).join(', ')})` : ''),
      met: speedup(slowest) >= TARGET_SPEEDUP && worse.length === 0,
    };
    printTarget(result);
    return [result];
  },
};

function speedup(pair: { ours: Row; wu: Row }): number {
  return pair.wu.timing.medianMs / pair.ours.timing.medianMs;
}

function findRow(rows: readonly Row[], image: BenchImage, extractor: string): Row {
  const row = rows.find((r) => r.image === image && r.extractor.name === extractor);
  if (!row) throw new Error(`extract: no row for ${extractor} on ${image.name}`);
  return row;
}
