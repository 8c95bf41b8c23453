import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createImage, type RgbaImage } from '../../src/core/image.js';
import type { ModelRunner } from '../../src/runtime/model-runner.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import type { SdxsModel } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import { upscaleImage, type UpscalePhase } from '../../src/runtime/upscale/upscale-image.js';
import { createUpscaleRefiner } from '../../src/runtime/upscale/upscale-refiner.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, type OnnxFixture } from '../../test/fixtures/onnx/index.js';
import { tinyTokenizer } from '../../test/runtime/sdxs/sdxs-test-models.js';
import { printTarget, type BenchContext, type Suite, type TargetResult } from '../suite.js';
import { formatMs, printTable } from '../table.js';

/**
 * Peak memory and time of a ×4 refinement (×2 then ×2, Pixelsmith's cascade) with the tiny
 * fixture models (test/fixtures/onnx, free sizes) standing in for SDXS and TAESD, with the real
 * tile and patch sizes (512-px encoder tiles, 64-latent decoder tiles, 64-latent patches): the
 * models are nearly free, so what grows with the size is Tessera's own work and memory. Each
 * output size runs in a fresh child process (this file with --child, through tsx, with
 * --expose-gc), so one size's peak cannot hide another's; the child samples
 * process.memoryUsage() every 20 ms and at every progress report. The result is streamed in
 * bands to a sink that only checksums it, as the CLI streams it to the PNG writer.
 *
 * "Known buffers" is what the cascade must hold at its peak whatever the implementation: the
 * source, the previous stage's result while it is upsampled, the upsampled image (4 B/px), and
 * Pixelsmith's four latents (guidance, latent, noise, round snapshot: 4 × 1/4 B per output px)
 * with its time map and centre order (5 B per latent px) — the largest phase's sum. RSS above
 * the pre-run baseline minus that is the "beyond the image buffers" figure the issue wants flat.
 */

const SIZES = [1024, 2048, 4096, 8192] as const;
const STEPS = 3;
/** Guided steps: 2 of 3, so every step does guidance work (phase fusion at step 1, the chess mask after step 0). */
const SLIDER = 2;
const PATCH = 64;
const MB = 1024 * 1024;
/** Flat means: 8192²'s memory beyond the buffers is within this of 1024²'s. */
const FLAT_MB = 64;
/** Linear means: refine time fits a + b·patches over the sizes with at least this R². */
const MIN_R2 = 0.98;

interface ChildReport {
  readonly size: number;
  readonly stages: number;
  readonly patches: number;
  readonly totalMs: number;
  readonly phaseMs: Record<UpscalePhase, number>;
  readonly unetMs: number;
  readonly baselineRss: number;
  readonly peakRss: number;
  readonly peakRssPhase: string;
  readonly baselineHeapAb: number;
  readonly peakHeapAb: number;
  readonly knownBytes: number;
  readonly backend: string;
}

export const upscaleSuite: Suite = {
  name: 'upscale',
  title: `upscale: peak memory and time of a ×4 refinement (${STEPS} DDIM steps, Slider ${SLIDER}), tiny models, outputs ${SIZES.map((s) => `${s}²`).join(', ')}`,
  run(_ctx: BenchContext): readonly TargetResult[] {
    const reports: ChildReport[] = [];
    for (const size of SIZES) {
      const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(size)], {
        encoding: 'utf8',
        maxBuffer: 16 << 20,
        timeout: 900_000,
      });
      const lastLine = child.stdout?.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !lastLine.startsWith('{')) {
        const why = child.error?.message ?? `exit ${child.status}: ${(child.stderr ?? '').trim().split('\n').slice(-5).join(' / ')}`;
        console.log(`upscale: the child for ${size}² failed (${why})`);
        const failed: TargetResult = { suite: 'upscale', target: 'memory flat, time linear in patches', measured: `not measured at ${size}² (${why})`, met: false };
        printTarget(failed);
        return [failed];
      }
      reports.push(JSON.parse(lastLine) as ChildReport);
    }
    const mb = (b: number) => (b / MB).toFixed(0);
    const beyond = (r: ChildReport) => r.peakRss - r.baselineRss - r.knownBytes;
    const perPatch = (r: ChildReport) => r.phaseMs.refine / r.patches;
    console.log(
      `Tiny models on ${reports[0].backend}; source ¼ of the output per side, ×4 as two ×2 stages, ${STEPS} steps with ${SLIDER} guided, patch ${PATCH} latents. ` +
        'MB = MiB. RSS beyond buffers = peak RSS − RSS before the run − the known image and latent buffers (see bench/suites/upscale.ts).',
    );
    printTable(
      'upscale · ×4 refinement, one fresh process per size',
      [
        { title: 'output' },
        { title: 'patches', align: 'right' },
        { title: 'total s', align: 'right' },
        { title: 'upsample s', align: 'right' },
        { title: 'encode s', align: 'right' },
        { title: 'refine s', align: 'right' },
        { title: 'decode s', align: 'right' },
        { title: 'ms/patch', align: 'right' },
        { title: 'UNet ms/patch', align: 'right' },
        { title: 'peak RSS', align: 'right' },
        { title: 'known buffers', align: 'right' },
        { title: 'RSS beyond buffers', align: 'right' },
        { title: 'peak heap+AB', align: 'right' },
        { title: 'RSS peak in' },
      ],
      reports.map((r) => [
        `${r.size}²`,
        String(r.patches),
        (r.totalMs / 1000).toFixed(1),
        (r.phaseMs.upsample / 1000).toFixed(1),
        (r.phaseMs.encode / 1000).toFixed(1),
        (r.phaseMs.refine / 1000).toFixed(1),
        (r.phaseMs.decode / 1000).toFixed(1),
        formatMs(perPatch(r)),
        formatMs(r.unetMs / r.patches),
        mb(r.peakRss),
        mb(r.knownBytes),
        mb(beyond(r)),
        mb(r.peakHeapAb - r.baselineHeapAb),
        r.peakRssPhase,
      ]),
    );
    const first = reports[0], last = reports[reports.length - 1];
    const drift = (beyond(last) - beyond(first)) / MB;
    const flat = Math.abs(drift) <= FLAT_MB;
    const fit = linearFit(reports.map((r) => r.patches), reports.map((r) => r.phaseMs.refine));
    const linear = fit.r2 >= MIN_R2;
    console.log(
      `Memory beyond the buffers: ${reports.map((r) => mb(beyond(r))).join(' → ')} MB from ${first.size}² to ${last.size}² ` +
        `(${drift >= 0 ? '+' : ''}${drift.toFixed(0)} MB over ${(last.size / first.size) ** 2}× the pixels): ${flat ? 'flat' : 'NOT flat'}. ` +
        `Refine time against patches: ${formatMs(fit.slope)} ms per patch + ${formatMs(fit.intercept)} ms, R² ${fit.r2.toFixed(4)}: ` +
        `${linear ? 'linear in the patches' : 'NOT linear'} (${last.patches / first.patches >= 10 ? (last.patches / first.patches).toFixed(0) : (last.patches / first.patches).toFixed(1)}× the patches from ${first.size}² to ${last.size}²).`,
    );
    const memory: TargetResult = {
      suite: 'upscale',
      target: `memory beyond the image buffers flat: ${last.size}² within ${FLAT_MB} MB of ${first.size}²`,
      measured: `${reports.map((r) => mb(beyond(r))).join(' → ')} MB`,
      met: flat,
    };
    const time: TargetResult = {
      suite: 'upscale',
      target: `time linear in patches: refine time = a + b·patches with R² ≥ ${MIN_R2}`,
      measured: `${formatMs(fit.slope)} ms/patch, R² ${fit.r2.toFixed(4)}`,
      met: linear,
    };
    printTarget(memory);
    printTarget(time);
    return [memory, time];
  },
};

/** Least squares y = intercept + slope·x, and R². */
function linearFit(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length, mx = xs.reduce((a, b) => a + b, 0) / n, my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

// ---- the child: one size, async ORT work ------------------------------------------------------

/** What the cascade holds at its largest phase for an output of size² (see the suite's comment). */
function knownBufferBytes(size: number): number {
  const px = size * size, source = px / 16 * 4, half = (px / 4) * 4;
  const latentPx = px / 64;
  const latents = 4 * (4 * latentPx * 4), bookkeeping = 5 * latentPx;
  const upsample = half + px * 4; // the previous stage's result and the upsampled image
  const encode = px * 4 + latentPx * 4 * 4; // the upsampled image and the guidance being built
  const refine = latents + bookkeeping;
  return source + Math.max(upsample, encode, refine);
}

function sourceImage(size: number): RgbaImage {
  const img = createImage(size, size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = 128 + 100 * Math.sin(x / 17) * Math.cos(y / 23), g = 128 + 90 * Math.sin((x + y) / 31), b = (x * y) & 255;
      img.data.set([r, g, b, 255], (y * size + x) * 4);
    }
  }
  return img;
}

function timedRunner(inner: ModelRunner, onTime: (ms: number) => void): ModelRunner {
  return {
    ...inner,
    run: async (feeds, options) => {
      const t0 = performance.now();
      try {
        return await inner.run(feeds, options);
      } finally {
        onTime(performance.now() - t0);
      }
    },
    release: () => inner.release(),
  };
}

async function child(size: number): Promise<ChildReport> {
  const loaded: SdxsModel[] = [];
  const load = async (f: OnnxFixture): Promise<SdxsModel> => {
    const m = { runner: await createOrtWebRunner(f.spec, f.bytes, { preferred: ['wasm'] }), spec: f.spec };
    loaded.push(m);
    return m;
  };
  let unetMs = 0;
  const unet = await load(unetFixture({ flavour: 'optimum' }));
  const refiner = createUpscaleRefiner({
    modelId: 'tiny',
    textEncoder: await load(textEncoderFixture({ flavour: 'optimum', pooler: false })),
    unet: { runner: timedRunner(unet.runner, (ms) => (unetMs += ms)), spec: unet.spec },
    vaeEncoder: await load(taesdEncoderFixture()),
    vaeDecoder: await load(taesdDecoderFixture({ flavour: 'optimum' })),
    tokenizer: tinyTokenizer(),
    patchLatents: PATCH,
  });
  const source = sourceImage(size / 4);
  // A small run first, so the JIT and ORT's first-run costs land outside the figures.
  const refineSettings = { prompt: 'a landscape', steps: STEPS, slider: SLIDER, seed: 1 };
  await upscaleImage(sourceImage(64), { target: { width: 256, height: 256 }, oneStep: false, refiner, learned: null, refine: refineSettings, onBand: () => {} });
  unetMs = 0;

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const memory = () => process.memoryUsage();
  const base = memory();
  let peakRss = base.rss, peakHeapAb = base.heapUsed + base.arrayBuffers, peakRssPhase = 'start';
  let phase: string = 'start';
  const sample = () => {
    const m = memory();
    if (m.rss > peakRss) (peakRss = m.rss), (peakRssPhase = phase);
    peakHeapAb = Math.max(peakHeapAb, m.heapUsed + m.arrayBuffers);
  };
  const timer = setInterval(sample, 20);

  const phaseMs: Record<UpscalePhase, number> = { upsample: 0, encode: 0, refine: 0, decode: 0 };
  let current: UpscalePhase | null = null, since = 0, patches = 0, stages = 0, checksum = 0, rows = 0;
  const t0 = performance.now();
  try {
    await upscaleImage(source, {
      target: { width: size, height: size },
      oneStep: false,
      refiner,
      learned: null,
      refine: refineSettings,
      onProgress: (p) => {
        const now = performance.now();
        if (p.phase !== current) {
          if (current) phaseMs[current] += now - since;
          // What the last phase dropped is freed now, not whenever V8 gets round to it, so the
          // peaks measure what a phase holds (the time this takes is in no phase's figure).
          gc?.();
          current = p.phase;
          since = performance.now();
        }
        phase = `stage ${p.stage} ${p.phase}`;
        patches = p.patchesDone;
        stages = p.stages;
        sample();
      },
      onBand: (_, band) => {
        for (let i = 0; i < band.data.length; i += 4099) checksum = (checksum + band.data[i]) | 0;
        rows += band.height;
        sample();
      },
    });
  } finally {
    clearInterval(timer);
  }
  const totalMs = performance.now() - t0;
  const lastPhase = current as UpscalePhase | null; // assigned in the callback, which TypeScript does not follow
  if (lastPhase) phaseMs[lastPhase] += performance.now() - since;
  if (rows !== size) throw new Error(`streamed ${rows} rows of ${size} (checksum ${checksum})`);
  const backend = [...new Set(loaded.map((m) => m.runner.backend))].join(', ');
  for (const m of loaded) await m.runner.release();
  return {
    size,
    stages,
    patches,
    totalMs,
    phaseMs,
    unetMs,
    baselineRss: base.rss,
    peakRss,
    peakRssPhase,
    baselineHeapAb: base.heapUsed + base.arrayBuffers,
    peakHeapAb,
    knownBytes: knownBufferBytes(size),
    backend: `onnxruntime-web ${backend}`,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  child(Number(process.argv[3])).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
