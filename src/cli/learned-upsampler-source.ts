import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TesseraError } from '../core/errors.js';
import type { TfjsLayersModelJson } from '../runtime/convert/tfjs-layers-to-onnx.js';

/** The npm package the learned ×2 network comes from: RDN ×2, MIT, 0.9 MB of float32 weights. */
export const LEARNED_UPSAMPLER_PACKAGE = '@upscalerjs/default-model';

/** The file name the build gives the converted network, in dist/models/ and beside each page that runs it. */
export const LEARNED_UPSAMPLER_FILE = 'rdn-2x.onnx';

/**
 * Where `npm run build` leaves the converted network, seen from this module once it is bundled
 * into dist/cli/tessera.js: dist/models/rdn-2x.onnx. Run from source (src/cli/), this points at
 * src/models/, which does not exist, and the package is converted instead.
 */
const BUILT_FILE = new URL(`../models/${LEARNED_UPSAMPLER_FILE}`, import.meta.url);

/** The package's model as it ships: model.json, its bytes as read (the build hashes them), and the weight shards joined. */
export interface LearnedUpsamplerPackage {
  readonly version: string;
  readonly modelJson: TfjsLayersModelJson;
  readonly modelJsonBytes: Uint8Array;
  readonly weights: Uint8Array;
}

/**
 * The learned ×2 network's ONNX bytes for the CLI: the file the build made, else (running from
 * source, before a build) the package converted here. Nothing is downloaded either way.
 */
export function packagedLearnedUpsampler(): Promise<Uint8Array> {
  return readLearnedUpsampler(BUILT_FILE);
}

/**
 * `builtFile`'s bytes when it exists; when it does not, @upscalerjs/default-model converted in
 * memory (~250 ms, most of it loading the converter, which only this path imports). A missing
 * package is a `model-missing` error that names `--upsampler lanczos`.
 */
export async function readLearnedUpsampler(builtFile: string | URL): Promise<Uint8Array> {
  const file = typeof builtFile === 'string' ? builtFile : fileURLToPath(builtFile);
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new TesseraError('model-missing', `The learned upsampler ${file} cannot be read (${(e as Error).message}). Run "npm run build" in the Tessera folder, or use --upsampler lanczos.`, {
        details: { file },
        cause: e,
      });
    }
  }
  return convertLearnedUpsampler(await readLearnedUpsamplerPackage());
}

/** The package's model converted to ONNX: the same bytes for the same package (the build relies on it). */
export async function convertLearnedUpsampler(pkg: LearnedUpsamplerPackage): Promise<Uint8Array> {
  const { convertTfjsLayersToOnnx } = await import('../runtime/convert/tfjs-layers-to-onnx.js');
  return convertTfjsLayersToOnnx(pkg.modelJson, pkg.weights).bytes;
}

/** Reads the package from node_modules (resolved like an import from `from`, default this module). */
export async function readLearnedUpsamplerPackage(from: string | URL = import.meta.url): Promise<LearnedUpsamplerPackage> {
  const dir = packageDir(from);
  const modelDir = path.join(dir, 'models');
  try {
    const { version } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    const modelJsonBytes = new Uint8Array(await readFile(path.join(modelDir, 'model.json')));
    const modelJson = JSON.parse(new TextDecoder().decode(modelJsonBytes)) as TfjsLayersModelJson;
    const shards = await Promise.all(modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(path.join(modelDir, p)))));
    return { version, modelJson, modelJsonBytes, weights: new Uint8Array(Buffer.concat(shards)) };
  } catch (e) {
    throw missing(`its model files in ${modelDir} cannot be read (${(e as Error).message})`, e);
  }
}

/** The package's folder: resolved like an import, then up to the folder holding its package.json. */
function packageDir(from: string | URL): string {
  let entry: string;
  try {
    entry = createRequire(from).resolve(LEARNED_UPSAMPLER_PACKAGE);
  } catch (e) {
    throw missing('it is not installed', e);
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'models', 'model.json'))) return dir;
  }
  throw missing(`no models/model.json was found above ${entry}`);
}

function missing(why: string, cause?: unknown): TesseraError {
  return new TesseraError(
    'model-missing',
    `The learned upsampler comes from the npm package ${LEARNED_UPSAMPLER_PACKAGE}, but ${why}. Run "npm install" in the Tessera folder, or use --upsampler lanczos.`,
    { details: { package: LEARNED_UPSAMPLER_PACKAGE, reason: why }, cause },
  );
}
