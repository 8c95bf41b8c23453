import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TesseraError } from '../core/errors.js';
import type { TfjsLayersModelJson } from '../runtime/convert/tfjs-layers-to-onnx.js';

/** The npm package the learned ×2 network comes from: RDN ×2, MIT, 1.2 MB of weights. */
export const LEARNED_UPSAMPLER_PACKAGE = '@upscalerjs/default-model';

/**
 * The learned ×2 network's ONNX bytes, converted (in ~15 ms) from the TF.js Layers model that
 * @upscalerjs/default-model ships: nothing is downloaded. The package is installed with
 * Tessera's dependencies; if it is not there, a `model-missing` error says so and names
 * `--upsampler lanczos`. The converter (and onnx-proto with it) is loaded only when asked for.
 */
export async function packagedLearnedUpsampler(): Promise<Uint8Array> {
  const dir = packageDir();
  const modelDir = path.join(dir, 'models');
  let json: TfjsLayersModelJson;
  let weights: Uint8Array;
  try {
    json = JSON.parse(await readFile(path.join(modelDir, 'model.json'), 'utf8')) as TfjsLayersModelJson;
    const shards = await Promise.all(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFile(path.join(modelDir, p)))));
    weights = new Uint8Array(Buffer.concat(shards));
  } catch (e) {
    throw missing(`its model files in ${modelDir} cannot be read (${(e as Error).message})`, e);
  }
  const { convertTfjsLayersToOnnx } = await import('../runtime/convert/tfjs-layers-to-onnx.js');
  return convertTfjsLayersToOnnx(json, weights).bytes;
}

/** The package's folder: resolved like an import, then up to the folder holding its package.json. */
function packageDir(): string {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(LEARNED_UPSAMPLER_PACKAGE);
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
    { details: { package: LEARNED_UPSAMPLER_PACKAGE }, cause },
  );
}
