import { homedir } from 'node:os';
import path from 'node:path';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { generateCommand as runGenerate, resolveGenerateOptions, type GenerateCommandResult } from '../commands/generate.js';
import type { CommandProgress } from '../commands/command-context.js';
import { decodeImage } from '../core/codecs/decode-image.js';
import { encodePng } from '../core/codecs/png.js';
import { TesseraError } from '../core/errors.js';
import type { RgbaImage } from '../core/image.js';
import type { Host, LayerWrite, Target } from '../hosts/host.js';
import { defaultCacheDir, NodeModelCache } from '../runtime/cache/node-model-cache.js';
import type { ModelRunner, ModelSpec } from '../runtime/model-runner.js';
import { loadManifest, type Manifest } from '../runtime/models/manifest.js';
import { createOrtWebRunner } from '../runtime/onnx/ort-web-runner.js';
import { DEFAULT_SDXS_MODEL, loadSdxsPipeline } from '../runtime/sdxs/load-sdxs-pipeline.js';
import { parseCommandArgs, parseNumberArg, usageError } from './args.js';
import { PIXELATE_FLAGS, pixelateOptionsFromFlags } from './pixelate-flags.js';
import { readInputFile, writeOutputFile, type CliIo } from './io.js';

export const GENERATE_HELP = `Usage: tessera generate IN -o OUT --prompt TEXT [options]

Generate an image with SDXS (one step, on the CPU) over IN, at IN's size and with IN's alpha.
Writes PNG. Needs the model installed first: tessera models pull ${DEFAULT_SDXS_MODEL}
(and tessera models pull taesd for --strength below 1). Nothing is downloaded by this command.

  -o, --output FILE   where to write the result, a .png (required)
  --prompt TEXT       what to generate (may be empty only with --strength below 1)
  --strength S        0..1: how much of IN is replaced; 1 keeps only its size and alpha   [1]
  --seed N            seed for the noise, a whole number                                  [1]
  --model ID          the text-to-image model (tessera models list)        [${DEFAULT_SDXS_MODEL}]
  --pixelate          "generate as pixel art": pixelate the result in the same run, with the
                      pixelate options (tessera pixelate --help): --grid, --cell, --palette,
                      --dither, --dither-strength (here --strength is the diffusion's),
                      --downscale, --alpha, --cleanup, --refine, --iterations, --faithfulness

Example: tessera generate layer.png -o knight.png --prompt "a knight, pixel art" --seed 42
`;

/** What the command reaches outside itself; tests pass their own cache folder and runner. */
export interface GenerateCliDeps {
  readonly env: Record<string, string | undefined>;
  readonly homeDir: string;
  readonly createRunner: (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>;
  /** Calls `stop` on Ctrl-C; returns the function that stops listening. */
  readonly onInterrupt: (stop: () => void) => () => void;
}

export function nodeGenerateDeps(): GenerateCliDeps {
  return {
    env: process.env,
    homeDir: homedir(),
    createRunner: (spec, bytes) => createOrtWebRunner(spec, bytes, { preferred: ['wasm'] }),
    onInterrupt: (stop) => {
      process.once('SIGINT', stop);
      return () => process.off('SIGINT', stop);
    },
  };
}

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
  });
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'generate needs an input image.' : 'generate takes one input image.');
  if (!values.output) throw usageError('generate needs an output file: -o OUT.png');
  if (path.extname(values.output).toLowerCase() !== '.png') throw usageError(`The output must be a .png file (it keeps the alpha), not "${values.output}".`);
  if (values.prompt === undefined) throw usageError('generate needs --prompt TEXT.');
  const pixelateFlagsGiven = Object.keys(PIXELATE_FLAGS).some((flag) => flag in values) || 'dither-strength' in values;
  if (pixelateFlagsGiven && !values.pixelate) throw usageError('The pixelate options (--grid, --palette, …) go with --pixelate.');
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
  let result: GenerateCommandResult;
  let written: RgbaImage;
  try {
    const loaded = await loadSdxsPipeline(cache, manifest, {
      modelId: values.model,
      withImageEncoder: options.strength < 1,
      createRunner: deps.createRunner,
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
  return 0;
}

/** The input file as a one-layer document: the command reads it and writes one result. */
class ImageHost implements Host {
  readonly capabilities = { name: 'file', singleUndoStep: true, workers: false };
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

/** The bundled manifest, or `--manifest FILE` (as `tessera models` takes it, for tests and mirrors). */
async function readManifest(file: string | undefined): Promise<Manifest> {
  if (file === undefined) return loadManifest(BUNDLED_MANIFEST);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await readInputFile(file)));
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw new TesseraError('invalid-input', `${file} is not a JSON model manifest: ${(e as Error).message}`, { cause: e });
  }
  return loadManifest(json);
}
