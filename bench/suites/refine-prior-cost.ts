import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createPaletteMatcher } from '../../src/core/palette/matcher.js';
import { getPreset } from '../../src/core/palette/presets.js';
import { DOWNSCALERS } from '../../src/core/pixelate/downscale.js';
import { runSliced, runSync } from '../../src/core/progress.js';
import type { RefinePrior } from '../../src/core/refine/prior.js';
import { refineSteps } from '../../src/core/refine/refine.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { createSdxsPrior } from '../../src/runtime/refine-prior/sdxs-prior.js';
import type { SdxsModel } from '../../src/runtime/sdxs/sdxs-pipeline.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture, type OnnxFixture } from '../../test/fixtures/onnx/index.js';
import { tinyTokenizer } from '../../test/runtime/sdxs/sdxs-test-models.js';
import { syntheticImage } from '../synthetic.js';
import { formatMs, printTable } from '../table.js';
import { summarise, type Timing } from '../timing.js';
import { timedModel } from '../timed-model.js';

/**
 * What Refine's diffusion prior costs besides the model runs: Refine at 64² for 500 iterations
 * with the prior every 10 (50 requests), on the tiny fixture models (optimum flavour, so the prior
 * sizes the model image at 512² as for SDXS-512) on onnxruntime-web wasm in Node. Every
 * ModelRunner is timed, so "prior's own" is the prior calls' wall time minus the models': the
 * bilinear upsample, tensor conversions, noise, x̂₀ and the area downscale that a real model adds
 * its own time to. ORT is async and suites are synchronous, so this runs in a child process.
 */

const GRID = 64;
const ITERATIONS = 500;
const EVERY = 10;

interface ChildReport {
  readonly withoutPrior: Timing;
  readonly withPrior: Timing;
  readonly modelPerRequest: Timing;
  readonly ownPerRequest: Timing;
  readonly requests: number;
}

/** Prints the cost table; a failed child prints why and nothing else (the refine targets do not depend on it). */
export function printRefinePriorCost(runs: number): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(runs)], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
    timeout: 600_000,
  });
  const lastLine = child.stdout?.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !lastLine.startsWith('{')) {
    const why = child.error?.message ?? `exit ${child.status}: ${(child.stderr ?? '').trim().split('\n').slice(-5).join(' / ')}`;
    console.log(`refine · diffusion prior cost: not measured (${why})`);
    return;
  }
  const r = JSON.parse(lastLine) as ChildReport;
  const row = (name: string, t: Timing) => [name, formatMs(t.medianMs), formatMs(t.p90Ms), String(t.runs)];
  printTable(
    `refine · with the diffusion prior every ${EVERY} iterations (${r.requests} requests), tiny models at a 512² model image, wasm; ${GRID}², ${ITERATIONS} iterations, hue sweep`,
    [{ title: 'what' }, { title: 'median ms', align: 'right' }, { title: 'p90', align: 'right' }, { title: 'runs', align: 'right' }],
    [
      row('Refine without the prior', r.withoutPrior),
      row('Refine with the prior (all)', r.withPrior),
      row('per request: tiny models', r.modelPerRequest),
      row('per request: the prior’s own work', r.ownPerRequest),
    ],
  );
  console.log(
    `A real model adds its own time per request on top (SDXS-512 UNet alone ≈ 0.5 s in browser WebGPU, algorithms.md §3.4): ` +
      `${r.requests} requests ≈ ${r.requests * 0.5} s or more of model time.`,
  );
}

// ---- the child: async ORT work ----------------------------------------------------------------

async function child(runs: number): Promise<ChildReport> {
  const modelLog = { ms: 0 };
  const priorLog = { ms: 0, calls: 0 };
  const loaded: SdxsModel[] = [];
  const load = async (f: OnnxFixture): Promise<SdxsModel> => {
    const m = { runner: await createOrtWebRunner(f.spec, f.bytes, { preferred: ['wasm'] }), spec: f.spec };
    loaded.push(m);
    return timedModel(m, (_id, ms) => (modelLog.ms += ms));
  };
  const inner = createSdxsPrior({
    textEncoder: await load(textEncoderFixture({ flavour: 'optimum' })),
    unet: await load(unetFixture({ flavour: 'optimum' })),
    vaeDecoder: await load(taesdDecoderFixture({ flavour: 'optimum' })),
    vaeEncoder: await load(taesdEncoderFixture()),
    tokenizer: tinyTokenizer(),
  });
  const prior: RefinePrior = async (soft, request) => {
    const t0 = performance.now();
    try {
      return await inner(soft, request);
    } finally {
      priorLog.ms += performance.now() - t0;
      priorLog.calls++;
    }
  };
  const matcher = createPaletteMatcher(getPreset('pico-8').palette);
  const grid = runSync(DOWNSCALERS.area(syntheticImage('hue-sweep', 1024, 1024), GRID, GRID, matcher));
  const opaque = new Uint8Array(GRID * GRID).fill(1);

  const without: number[] = [], withPrior: number[] = [], model: number[] = [], own: number[] = [];
  let requests = 0;
  for (let i = 0; i < runs + 1; i++) {
    let t0 = performance.now();
    runSync(refineSteps(grid, opaque, matcher, { iterations: ITERATIONS }));
    const plain = performance.now() - t0;
    modelLog.ms = 0;
    priorLog.ms = 0;
    priorLog.calls = 0;
    t0 = performance.now();
    await runSliced(refineSteps(grid, opaque, matcher, { iterations: ITERATIONS, prior, priorEvery: EVERY }), {}, { sliceMs: Infinity });
    const total = performance.now() - t0;
    if (i === 0) continue; // warm-up: JIT, ORT sessions, the prompt's embedding
    requests = priorLog.calls;
    without.push(plain);
    withPrior.push(total);
    model.push(modelLog.ms / priorLog.calls);
    own.push((priorLog.ms - modelLog.ms) / priorLog.calls);
  }
  for (const m of loaded) await m.runner.release();
  return { withoutPrior: summarise(without), withPrior: summarise(withPrior), modelPerRequest: summarise(model), ownPerRequest: summarise(own), requests };
}

if (process.argv[2] === '--child') {
  child(Number(process.argv[3])).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
