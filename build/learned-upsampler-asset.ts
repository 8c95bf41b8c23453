/**
 * The learned ×2 upsampler as a build output: RDN ×2 from the npm package
 * @upscalerjs/default-model (MIT), converted once from its TF.js Layers files into
 * dist/models/rdn-2x.onnx (~0.9 MB: its float32 weights, nothing else). The standalone page
 * serves a copy beside app.js and fetches it only when an Upscale with "Learned ×2" runs; the CLI
 * reads it from dist/models/.
 *
 * The conversion is deterministic (the same package gives the same bytes), so a stamp beside the
 * output records the sha256 of what went in (the package's files, the converter's source) and of
 * what came out; a build whose inputs and output still match it converts nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  convertLearnedUpsampler,
  LEARNED_UPSAMPLER_FILE,
  LEARNED_UPSAMPLER_PACKAGE,
  readLearnedUpsamplerPackage,
  type LearnedUpsamplerPackage,
} from '../src/cli/learned-upsampler-source.js';
import { isTesseraError } from '../src/core/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the build puts the network, relative to the repository. */
export const LEARNED_UPSAMPLER_OUTPUT = `dist/models/${LEARNED_UPSAMPLER_FILE}`;

/** Sources whose change can change the bytes: the converter and the code that feeds it. */
const CONVERTER_SOURCES = ['src/runtime/convert/tfjs-layers-to-onnx.ts', 'src/cli/learned-upsampler-source.ts'];

interface Stamp {
  readonly source: string;
  readonly inputsSha256: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface LearnedUpsamplerBuild {
  /** Absolute path of the .onnx file. */
  readonly file: string;
  readonly bytes: number;
  /** false when the file was already up to date and left alone. */
  readonly converted: boolean;
}

export interface LearnedUpsamplerBuildOptions {
  /** Absolute path of the .onnx to write; default dist/models/rdn-2x.onnx in this repository. */
  readonly output?: string;
  /** Where the package is resolved from (tests point it elsewhere); default this repository. */
  readonly resolveFrom?: string | URL;
}

/**
 * Makes `output` (and `output`.stamp.json) unless both already match the installed package and
 * converter. Writes go to temporary files renamed into place, so an interrupted build never
 * leaves half a model. A missing package fails the build with an error that says to run npm ci.
 */
export async function buildLearnedUpsampler(options: LearnedUpsamplerBuildOptions = {}): Promise<LearnedUpsamplerBuild> {
  const file = options.output ?? path.join(ROOT, LEARNED_UPSAMPLER_OUTPUT);
  const stampFile = `${file}.stamp.json`;
  let pkg: LearnedUpsamplerPackage;
  try {
    pkg = await readLearnedUpsamplerPackage(options.resolveFrom ?? path.join(ROOT, 'package.json'));
  } catch (e) {
    const reason = isTesseraError(e) && typeof e.details?.reason === 'string' ? e.details.reason : (e as Error).message;
    throw new Error(
      `the learned ×2 upsampler (${LEARNED_UPSAMPLER_OUTPUT}) is converted from the npm package ${LEARNED_UPSAMPLER_PACKAGE}, a devDependency, but ${reason}. Run "npm ci" in the Tessera folder.`,
      { cause: e },
    );
  }
  const inputsSha256 = inputsHash(pkg);
  const current = readStamp(stampFile);
  if (current?.inputsSha256 === inputsSha256 && fileSha256(file) === current.sha256) return { file, bytes: current.bytes, converted: false };

  const bytes = await convertLearnedUpsampler(pkg);
  const stamp: Stamp = { source: `${LEARNED_UPSAMPLER_PACKAGE}@${pkg.version}`, inputsSha256, sha256: sha256(bytes), bytes: bytes.length };
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomically(file, bytes);
  writeAtomically(stampFile, new TextEncoder().encode(`${JSON.stringify(stamp, null, 2)}\n`));
  return { file, bytes: bytes.length, converted: true };
}

function inputsHash(pkg: LearnedUpsamplerPackage): string {
  const hash = createHash('sha256');
  hash.update(`${LEARNED_UPSAMPLER_PACKAGE}@${pkg.version}\0`);
  hash.update(pkg.modelJsonBytes).update('\0').update(pkg.weights);
  for (const source of CONVERTER_SOURCES) hash.update('\0').update(readFileSync(path.join(ROOT, source)));
  return hash.digest('hex');
}

/** The stamp, or null on a first build or a damaged stamp (either way: convert again). */
function readStamp(file: string): Stamp | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

function fileSha256(file: string): string | null {
  return existsSync(file) ? sha256(readFileSync(file)) : null;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function writeAtomically(file: string, bytes: Uint8Array): void {
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`; // test workers may build at once
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}
