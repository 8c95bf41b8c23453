import path from 'node:path';
import { generateCommand as runGenerate, resolveGenerateOptions, type GenerateCommandResult } from '../commands/generate.js';
import type { CommandProgress } from '../commands/command-context.js';
import { decodeImage } from '../core/codecs/decode-image.js';
import { encodePng } from '../core/codecs/png.js';
import { TesseraError } from '../core/errors.js';
import { MAX_PIXELS, type RgbaImage } from '../core/image.js';
import type { Host, LayerWrite, Target } from '../hosts/host.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import { DEFAULT_SDXS_MODEL, loadSdxsPipeline } from '../runtime/sdxs/load-sdxs-pipeline.js';
import { parseCommandArgs, parseNumberArg, usageError } from './args.js';
import { PIXELATE_FLAGS, pixelateOptionsFromFlags } from './pixelate-flags.js';
import { describeBackends, recordingRunners, runnerSourceFromFlags, SERVER_FLAGS, SERVER_HELP } from './server-option.js';
import type { ModelRunner } from '../runtime/model-runner.js';
import { readInputFile, writeOutputFile, type CliIo } from './io.js';
import { nodeModelDeps, readManifest, type ModelCliDeps } from './model-deps.js';

export const GENERATE_HELP = `Usage: tessera generate IN -o OUT --prompt TEXT [options]

Generate an image with SDXS (one step) over IN, at IN's size and with IN's alpha. Writes PNG.
The models run here on onnxruntime-node (a GPU provider when one works, else the CPU; wasm if
onnxruntime-node does not load), or on an inference server with --server. Needs the model
installed first: tessera models pull ${DEFAULT_SDXS_MODEL} (and tessera models pull taesd for
--strength below 1). Nothing is downloaded by this command.

  -o, --output FILE   where to write the result, a .png (required)
  --prompt TEXT       what to generate (may be empty only with --strength below 1)
  --strength S        0..1: how much of IN is replaced; 1 keeps only its size and alpha   [1]
  --seed N            seed for the noise, a whole number                                  [1]
  --model ID          the text-to-image model (tessera models list)        [${DEFAULT_SDXS_MODEL}]
  --pixelate          "generate as pixel art": pixelate the result in the same run, with the
                      pixelate options (tessera pixelate --help): --grid, --cell, --palette,
                      --dither, --dither-strength (here --strength is the diffusion's),
                      --downscale, --alpha, --cleanup, --refine, --iterations, --faithfulness
${SERVER_HELP}
Example: tessera generate layer.png -o knight.png --prompt "a knight, pixel art" --seed 42
`;

/** What the command reaches outside itself; tests pass their own cache folder and runner. */
export type GenerateCliDeps = ModelCliDeps;
export const nodeGenerateDeps = nodeModelDeps;

export async function generateCommand(argv: string[], io: CliIo, deps: GenerateCliDeps = nodeGenerateDeps()): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    output: { type: 'string', short: 'o' },
    prompt: { type: 'string' },
    strength: { type: 'string' },
    seed: { type: 'string' },
    model: { type: 'string' },
    manifest: { type: 'string' },
    pixelate: { type: 'boolean' },
    'dither-strength': { type: 'string' },
    ...PIXELATE_FLAGS,
    ...SERVER_FLAGS,
  });
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'generate needs an input image.' : 'generate takes one input image.');
  if (!values.output) throw usageError('generate needs an output file: -o OUT.png');
  if (path.extname(values.output).toLowerCase() !== '.png') throw usageError(`The output must be a .png file (it keeps the alpha), not "${values.output}".`);
  if (values.prompt === undefined) throw usageError('generate needs --prompt TEXT.');
  const pixelateFlagsGiven = Object.keys(PIXELATE_FLAGS).some((flag) => flag in values) || 'dither-strength' in values;
  if (pixelateFlagsGiven && !values.pixelate) throw usageError('The pixelate options (--grid, --palette, …) go with --pixelate.');
  if (values.prior !== undefined) throw usageError('--prior works with tessera pixelate, not with generate --pixelate.');
  const seed = values.seed === undefined ? undefined : parseNumberArg('--seed', values.seed);
  const options = resolveGenerateOptions({
    prompt: values.prompt,
    strength: values.strength === undefined ? undefined : parseNumberArg('--strength', values.strength),
    seed,
    pixelate: values.pixelate ? await pixelateOptionsFromFlags(values, io, { strengthFlag: 'dither-strength', seed: seed ?? 1, output: 'original' }) : null,
  });

  const started = performance.now();
  const source = decodeImage(await readInputFile(positionals[0]));
  const manifest = await readManifest(values.manifest);
  const cache = new NodeModelCache(defaultCacheDir(deps.env, deps.homeDir));
  const controller = new AbortController();
  const stopListening = deps.onInterrupt(() => controller.abort());
  const runnerSource = runnerSourceFromFlags(values, { env: deps.env, createRunner: deps.createRunner, fetch: deps.fetch, signal: controller.signal });
  const runners: ModelRunner[] = [];
  let result: GenerateCommandResult;
  let written: RgbaImage;
  try {
    const loaded = await loadSdxsPipeline(cache, manifest, {
      modelId: values.model,
      withImageEncoder: options.strength < 1,
      runnerSource: recordingRunners(runnerSource, runners),
      signal: controller.signal,
    });
    try {
      const host = new ImageHost(source);
      result = await runGenerate(host, loaded.pipeline, options, { signal: controller.signal, onProgress: progressLine(io) });
      written = host.written();
    } finally {
      await loaded.release();
    }
  } finally {
    stopListening();
  }
  await writeOutputFile(values.output, encodePng(written));
  io.stdout(`Wrote ${values.output} (${written.width}×${written.height}, "${result.layerName}") in ${Math.round(performance.now() - started)} ms\n`);
  io.stdout(`Models ran on ${describeBackends(runners)}\n`);
  return 0;
}

/** The input file as a one-layer document: the command reads it and writes one result. */
class ImageHost implements Host {
  // Files have no host limit beyond Tessera's own (2^28 px, MAX_PIXELS).
  readonly capabilities = { name: 'file', singleUndoStep: true, workers: false, maxDocumentPixels: MAX_PIXELS };
  private result: RgbaImage | null = null;

  constructor(private readonly image: RgbaImage) {}

  async readTarget(signal: AbortSignal): Promise<Target> {
    signal.throwIfAborted();
    const { width, height } = this.image;
    return { image: this.image, bounds: { x: 0, y: 0, width, height }, mask: null, documentSize: { width, height }, layerName: 'input' };
  }

  async writeResult(write: LayerWrite, signal: AbortSignal): Promise<{ layerId: string; historySteps: number }> {
    signal.throwIfAborted();
    this.result = write.image;
    return { layerId: 'output', historySteps: 1 };
  }

  async resizeCanvas(): Promise<void> {
    throw new TesseraError('host-failed', 'The CLI writes a new file; it does not resize the input.');
  }

  written(): RgbaImage {
    if (!this.result) throw new TesseraError('internal', 'Generate finished without writing a result.');
    return this.result;
  }
}

function progressLine(io: CliIo): ((p: CommandProgress) => void) | undefined {
  const show = io.progress;
  if (!show) return undefined;
  let last = '';
  return (p) => {
    const line = `generate ${Math.round(p.fraction * 100)}% (${p.stage})`;
    if (line !== last) show((last = line));
  };
}
