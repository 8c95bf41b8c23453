import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createImage, type RgbaImage } from '../../src/core/image.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { createSdxsPipeline, type SdxsModel } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, type OnnxFixture } from '../../test/fixtures/onnx/index.js';
import { tinyTokenizer } from '../../test/runtime/sdxs/sdxs-test-models.js';
import { printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, formatPercent, printTable } from '../table.js';
import { summarise, type Timing } from '../timing.js';
import { timedModel } from '../timed-model.js';

/**
 * How much of an SDXS generate is Tessera's own work (tokenize, tensor conversion, resizes,
 * planSdxsStep / finishSdxsStep, 8-bit conversion, alpha) rather than the models'. The tiny
 * fixture models (test/fixtures/onnx, optimum flavour: dynamic sizes) run at 512×512 (64×64
 * latents) on onnxruntime-web's wasm backend in Node; every ModelRunner is wrapped to time its
 * run(), so "model" is the whole runner call (ORT tensor wrapping included) and "pipeline" is
 * generate's wall time minus that. The tiny models are ~free, so the pipeline figure is what a
 * real model would add on top of its own time.
 *
 * ORT is async and Suite.run is synchronous, so the measurement runs in a child Node process
 * (this same file with --child, through tsx) and reports JSON on its last stdout line.
 */

const SIZE = 512;
/** algorithms.md §3.4, "Browser datapoint": ~0.5–0.7 s per 512² SDXS image in Chrome WebGPU (Apple silicon); the low end. */
const REAL_BROWSER_MS = 500;
/** algorithms.md §3.4, paper Tables 1–2: SDXS-512 total ≈ 9.1 ms on a (datacentre) GPU: text 1.1 + UNet 6.3 + decoder 1.7 ms. */
const REAL_PAPER_GPU_MS = 9.1;
const SHARE_TARGET = 0.05;

interface CaseTimings {
  readonly name: string;
  readonly total: Timing;
  readonly model: Timing;
  readonly pipeline: Timing;
  /** Median over calls of pipeline / total. */
  readonly share: number;
  /** Median model time per model id. */
  readonly perModel: Record<string, number>;
}

interface ChildReport {
  readonly backends: string;
  readonly cases: CaseTimings[];
}

export const generateOverheadSuite: Suite = {
  name: 'generate-overhead',
  title: `generate-overhead: SDXS pipeline's own time vs model time, tiny models at ${SIZE}×${SIZE}, onnxruntime-web wasm in Node`,
  run(ctx: BenchContext): readonly TargetResult[] {
    const warmup = Math.max(2, ctx.plan.warmup);
    const runs = ctx.plan.runs * 3;
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(warmup), String(runs)], {
      encoding: 'utf8',
      maxBuffer: 16 << 20,
      timeout: 600_000,
    });
    const lastLine = child.stdout?.trim().split('\n').at(-1) ?? '';
    if (child.status !== 0 || !lastLine.startsWith('{')) {
      const why = child.error?.message ?? `exit ${child.status}: ${(child.stderr ?? '').trim().split('\n').slice(-5).join(' / ')}`;
      console.log(`generate-overhead: the child process failed (${why})`);
      const failed: TargetResult = { suite: 'generate-overhead', target: 'non-model share < 5% of a real model\'s run', measured: `not measured (${why})`, met: false };
      printTarget(failed);
      return [failed];
    }
    const report = JSON.parse(lastLine) as ChildReport;
    console.log(
      `Tiny fixture models (text encoder, UNet, TAESD encoder/decoder stand-ins) on ${report.backends}; ${warmup} warm-up calls, ${runs} timed calls per case, ` +
        'a new prompt each call (so tokenize and the text encoder run every time). model = sum of ModelRunner.run() wall times; pipeline = generate − model.',
    );
    printTable(
      `generate-overhead · per generate call, ${SIZE}×${SIZE} (median; p90 in brackets)`,
      [
        { title: 'case' },
        { title: 'total ms', align: 'right' },
        { title: 'model ms', align: 'right' },
        { title: 'pipeline ms', align: 'right' },
        { title: 'pipeline share', align: 'right' },
        { title: 'per model (median ms)' },
      ],
      report.cases.map((c) => [
        c.name,
        `${formatMs(c.total.medianMs)} (${formatMs(c.total.p90Ms)})`,
        `${formatMs(c.model.medianMs)} (${formatMs(c.model.p90Ms)})`,
        `${formatMs(c.pipeline.medianMs)} (${formatMs(c.pipeline.p90Ms)})`,
        formatPercent(c.share),
        Object.entries(c.perModel).map(([id, ms]) => `${id} ${formatMs(ms)}`).join(', '),
      ]),
    );
    const worst = report.cases.reduce((a, b) => (b.pipeline.medianMs > a.pipeline.medianMs ? b : a));
    const shareOfReal = worst.pipeline.medianMs / (worst.pipeline.medianMs + REAL_BROWSER_MS);
    const shareOfPaper = worst.pipeline.medianMs / (worst.pipeline.medianMs + REAL_PAPER_GPU_MS);
    console.log(
      `Against real SDXS-512 model time: browser WebGPU ≈ ${REAL_BROWSER_MS}–700 ms per image (algorithms.md §3.4, "Browser datapoint") → ` +
        `pipeline share ${formatPercent(shareOfReal)} at ${REAL_BROWSER_MS} ms; paper GPU total ≈ ${REAL_PAPER_GPU_MS} ms (algorithms.md §3.4, Tables 1–2; ` +
        `not a browser figure) → ${formatPercent(shareOfPaper)}.`,
    );
    const target: TargetResult = {
      suite: 'generate-overhead',
      target: `non-model share < ${SHARE_TARGET * 100}% of a real model's run (SDXS-512 in browser WebGPU ≈ ${REAL_BROWSER_MS} ms, algorithms.md §3.4)`,
      measured: `worst case "${worst.name}": pipeline ${formatMs(worst.pipeline.medianMs)} ms → ${formatPercent(shareOfReal)}`,
      met: shareOfReal < SHARE_TARGET,
    };
    printTarget(target);
    return [target];
  },
};

// ---- the child: async ORT work ----------------------------------------------------------------

function sourceImage(size: number): RgbaImage {
  const img = createImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) img.data.set([(x * 7) & 255, (y * 3) & 255, ((x ^ y) * 5) & 255, 255], (y * size + x) * 4);
  }
  return img;
}

function median(values: readonly number[]): number {
  return summarise(values).medianMs;
}

async function child(warmup: number, runs: number): Promise<ChildReport> {
  const fixtures: Record<'textEncoder' | 'unet' | 'vaeDecoder' | 'vaeEncoder', OnnxFixture> = {
    textEncoder: textEncoderFixture({ flavour: 'optimum' }),
    unet: unetFixture({ flavour: 'optimum' }),
    vaeDecoder: taesdDecoderFixture({ flavour: 'optimum' }),
    vaeEncoder: taesdEncoderFixture(),
  };
  const log = new Map<string, number>();
  const loaded: SdxsModel[] = [];
  const load = async (f: OnnxFixture): Promise<SdxsModel> => {
    const m = { runner: await createOrtWebRunner(f.spec, f.bytes, { preferred: ['wasm'] }), spec: f.spec };
    loaded.push(m);
    return timedModel(m, (id, ms) => log.set(id, (log.get(id) ?? 0) + ms));
  };
  const pipeline = createSdxsPipeline({
    textEncoder: await load(fixtures.textEncoder),
    unet: await load(fixtures.unet),
    vaeDecoder: await load(fixtures.vaeDecoder),
    vaeEncoder: await load(fixtures.vaeEncoder),
    tokenizer: tinyTokenizer(),
    targetPixels: SIZE * SIZE,
  });
  const source = sourceImage(SIZE);
  const cases = [
    { name: 'text-to-image (strength 1, no layer)', image: undefined, strength: 1 },
    { name: 'strength 1 on a 512² layer (resize + alpha)', image: source, strength: 1 },
    { name: 'strength 0.5 on a 512² layer (+ TAESD encode)', image: source, strength: 0.5 },
  ];
  const out: CaseTimings[] = [];
  let call = 0;
  for (const c of cases) {
    const totals: number[] = [], models: number[] = [], pipes: number[] = [], shares: number[] = [];
    const perModel = new Map<string, number[]>();
    for (let i = 0; i < warmup + runs; i++) {
      log.clear();
      const t0 = performance.now();
      const img = await pipeline.generate({ image: c.image, prompt: `a knight with a cat, take ${call++}`, strength: c.strength, seed: i });
      const total = performance.now() - t0;
      if (img.width !== SIZE || img.height !== SIZE) throw new Error(`generate returned ${img.width}×${img.height}`);
      if (i < warmup) continue;
      const model = [...log.values()].reduce((a, b) => a + b, 0);
      totals.push(total);
      models.push(model);
      pipes.push(total - model);
      shares.push((total - model) / total);
      for (const [id, ms] of log) perModel.set(id, [...(perModel.get(id) ?? []), ms]);
    }
    out.push({
      name: c.name,
      total: summarise(totals),
      model: summarise(models),
      pipeline: summarise(pipes),
      share: median(shares),
      perModel: Object.fromEntries([...perModel].map(([id, v]) => [id, median(v)])),
    });
  }
  const backends = [...new Set(loaded.map((m) => m.runner.backend))].join(', ');
  for (const m of loaded) await m.runner.release();
  return { backends: `onnxruntime-web ${backends} (1 thread unless ORT chose otherwise)`, cases: out };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  child(Number(process.argv[3]), Number(process.argv[4])).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
