import path from 'node:path';
import { DEFAULT_UPSCALE_STEPS, resolveUpscaleOptions, upscaleProgressDetail, type UpscaleOptions } from '../commands/upscale.js';
import { decodeImage } from '../core/codecs/decode-image.js';
import { TesseraError } from '../core/errors.js';
import { checkImageSize, type RgbaImage } from '../core/image.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import type { ModelRunner } from '../runtime/model-runner.js';
import { defaultUpscaleModel, loadUpscaleModels } from '../runtime/upscale/load-upscale-models.js';
import { isOpaque } from '../runtime/upscale/stage-image.js';
import { UPSAMPLERS, type Upsampler } from '../runtime/upscale/upsample.js';
import { upscaleImage, type UpscaleProgress } from '../runtime/upscale/upscale-image.js';
import { checkUpscaleTarget, planStages, type Size } from '../runtime/upscale/upscale-plan.js';
import { parseCommandArgs, parseNumberArg, usageError } from './args.js';
import { readInputFile, type CliIo } from './io.js';
import { packagedLearnedUpsampler } from './learned-upsampler-source.js';
import { nodeModelDeps, readManifest, type ModelCliDeps } from './model-deps.js';
import { PngFileWriter } from './png-file-writer.js';
import { describeBackends, recordingRunners, runnerSourceFromFlags, SERVER_FLAGS, SERVER_HELP } from './server-option.js';

export const UPSCALE_HELP = `Usage: tessera upscale IN -o OUT [options]

Upscale a PNG or JPEG ×2, ×4 or to a size, adding detail Pixelsmith's way (the diffusion model
refines the upsampled image patch by patch, guided by it) when the model is installed; without
it, the upsampler alone. Writes PNG, streamed to disk as it is decoded, so memory stays bounded
by the patch and tile sizes plus the image itself: 8192×8192 works. Nothing is downloaded.
Refinement needs: tessera models pull sdxs-512-dreamshaper && tessera models pull taesd

  -o, --output FILE    where to write the result, a .png (required)
  --scale 2|4|WxH      twice, four times, or an exact size such as 3000x2000          [2]
  --slider N           guided steps of --steps, 0..steps: more keeps the structure,
                       fewer invents detail                  [20 of 50 rescaled: 8 of 20]
  --steps N            DDIM steps per stage                                           [${DEFAULT_UPSCALE_STEPS}]
  --prompt TEXT        what the picture shows (optional)
  --upsampler NAME     ${UPSAMPLERS.join(' | ')}: Lanczos-3, or the RDN ×2 network from the npm
                       package @upscalerjs/default-model (far slower; see README)      [lanczos]
  --seed N             seed for the noise and the patch order                         [1]
  --one-step           ×4 (or any factor over 2) in one refinement stage, not ×2 then ×2
  --model ID           the diffusion model (tessera models list)       [sdxs-512-dreamshaper]
${SERVER_HELP}
Example: tessera upscale photo.jpg -o photo-4x.png --scale 4 --prompt "a cat on a sofa"
`;

/** What the command reaches outside itself; tests pass their own cache folder and runner. */
export interface UpscaleCliDeps extends ModelCliDeps {
  /** The learned network's ONNX bytes (default: converted from @upscalerjs/default-model). */
  readonly learnedUpsamplerBytes: () => Promise<Uint8Array>;
}

export function nodeUpscaleDeps(): UpscaleCliDeps {
  return { ...nodeModelDeps(), learnedUpsamplerBytes: packagedLearnedUpsampler };
}

export async function upscaleCommand(argv: string[], io: CliIo, deps: UpscaleCliDeps = nodeUpscaleDeps()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string', short: 'o' },
    scale: { type: 'string' },
    slider: { type: 'string' },
    steps: { type: 'string' },
    prompt: { type: 'string' },
    upsampler: { type: 'string' },
    seed: { type: 'string' },
    'one-step': { type: 'boolean' },
    model: { type: 'string' },
    manifest: { type: 'string' },
    ...SERVER_FLAGS,
  });
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'upscale needs an input image.' : 'upscale takes one input image.');
  if (!values.output) throw usageError('upscale needs an output file: -o OUT.png');
  if (path.extname(values.output).toLowerCase() !== '.png') throw usageError(`The output must be a .png file (it keeps the alpha), not "${values.output}".`);
  const number = (flag: string, text: string | undefined) => (text === undefined ? undefined : parseNumberArg(flag, text));
  const options = resolveUpscaleOptions({
    scale: parseScaleArg(values.scale ?? '2'),
    slider: number('--slider', values.slider),
    steps: number('--steps', values.steps),
    prompt: values.prompt,
    seed: number('--seed', values.seed),
    upsampler: values.upsampler as Upsampler | undefined,
    oneStep: values['one-step'] ?? false,
  });

  const started = performance.now();
  const source = decodeImage(await readInputFile(positionals[0]));
  const target: Size = typeof options.scale === 'number' ? { width: source.width * options.scale, height: source.height * options.scale } : options.scale;
  checkUpscaleTarget(source, target);
  checkImageSize(target.width, target.height);
  const manifest = await readManifest(values.manifest);
  const cache = new NodeModelCache(defaultCacheDir(deps.env, deps.homeDir));
  const controller = new AbortController();
  const stopListening = deps.onInterrupt(() => controller.abort());
  const runnerSource = runnerSourceFromFlags(values, { env: deps.env, createRunner: deps.createRunner, fetch: deps.fetch, signal: controller.signal });
  const runners: ModelRunner[] = [];
  let report: { refined: boolean; patches: number; stages: number; learned: boolean };
  try {
    const loaded = await loadUpscaleModels(cache, manifest, {
      modelId: values.model,
      learnedUpsampler: options.upsampler === 'learned',
      learnedUpsamplerBytes: deps.learnedUpsamplerBytes,
      createRunner: async (spec, bytes) => keep(runners, await deps.createRunner(spec, bytes)),
      runnerSource: recordingRunners(runnerSource, runners),
      signal: controller.signal,
    });
    try {
      if (loaded.missing) {
        const pulls = loaded.missingModelIds.map((id) => `tessera models pull ${id}`).join(' && ');
        io.stderr(`tessera upscale: refinement needs the diffusion model (${pulls}); upscaling with ${options.upsampler === 'learned' ? 'the learned ×2 network' : 'Lanczos'} only.\n`);
      }
      const { refiner, learned } = loaded.models;
      let patches = 0;
      const show = progressLine(io);
      await writePng(values.output, target, isOpaque(source) ? 3 : 4, (onBand) =>
        upscaleImage(source, {
          target,
          oneStep: options.oneStep,
          refiner,
          learned,
          refine: { prompt: options.prompt, steps: options.steps, slider: options.slider, seed: options.seed },
          signal: controller.signal,
          onProgress: (p) => {
            patches = p.patchesDone;
            show?.(p);
          },
          onBand,
        }),
      );
      report = { refined: refiner !== null, patches, stages: refiner ? planStages(source, target, options.oneStep).length : 1, learned: learned !== null };
    } finally {
      await loaded.release();
    }
  } finally {
    stopListening();
  }
  io.stdout(`Wrote ${values.output} (${target.width}×${target.height}, ${describeRun(options, report, values.model ?? defaultUpscaleModel(manifest).id)}) in ${Math.round(performance.now() - started)} ms\n`);
  if (runners.length > 0) io.stdout(`Models ran on ${describeBackends(runners)}\n`);
  return 0;
}

/** Runs `produce` with a sink that streams bands into OUT; the file appears only when every row is in. */
async function writePng(
  file: string,
  size: Size,
  channels: 3 | 4,
  produce: (onBand: (y: number, band: RgbaImage) => Promise<void>) => Promise<unknown>,
): Promise<void> {
  const writer = await PngFileWriter.create(file, { ...size, channels });
  try {
    await produce((_, band) => writer.writeRows(band));
    await writer.finish();
  } catch (e) {
    await writer.abort();
    throw e;
  }
}

/** "2", "4", or "WxH" (also "W×H"). */
export function parseScaleArg(text: string): 2 | 4 | Size {
  const t = text.trim();
  if (t === '2' || t === '4') return Number(t) as 2 | 4;
  const size = /^(\d+)\s*[x×]\s*(\d+)$/i.exec(t);
  if (size) return { width: Number(size[1]), height: Number(size[2]) };
  throw new TesseraError('invalid-input', `--scale takes 2, 4 or a size WxH (like 3000x2000), not "${text}".`, { details: { field: 'scale' } });
}

/** "upscale 37% (refine) · stage 1 of 2 · patch 37 of 256 · about 40 s left" on a terminal; nothing when piped. */
function progressLine(io: CliIo): ((p: UpscaleProgress) => void) | undefined {
  const show = io.progress;
  if (!show) return undefined;
  let last = '';
  return (p) => {
    const detail = upscaleProgressDetail(p);
    const line = `upscale ${Math.round(p.fraction * 100)}% (${p.phase})${detail ? ` · ${detail}` : ''}`;
    if (line !== last) show((last = line));
  };
}

function describeRun(options: UpscaleOptions, r: { refined: boolean; patches: number; stages: number; learned: boolean }, modelId: string): string {
  const upsampler = r.learned ? 'learned ×2' : 'Lanczos';
  if (!r.refined) return `${upsampler} only`;
  const stages = `${r.stages} stage${r.stages === 1 ? '' : 's'}`;
  return `${upsampler} + ${modelId}: ${stages}, ${r.patches} patches, slider ${options.slider}/${options.steps}, seed ${options.seed}`;
}

function keep(opened: ModelRunner[], runner: ModelRunner): ModelRunner {
  opened.push(runner);
  return runner;
}
