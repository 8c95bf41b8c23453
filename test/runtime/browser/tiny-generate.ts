import { createImage, type RgbaImage } from '../../../src/core/image.js';
import type { ModelRunner, ModelSpec } from '../../../src/runtime/model-runner.js';
import { createSdxsPipeline, type SdxsModel } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { tinyTokenizer } from '../sdxs/sdxs-test-models.js';

/**
 * The same tiny SDXS generate, run in Node and in the browser page (tiny-generate-page.ts). No
 * onnx-proto here: the models arrive as bytes (built in Node by test/fixtures/onnx), so this file
 * bundles for the browser.
 */

export type TinyRole = 'textEncoder' | 'unet' | 'vaeDecoder' | 'vaeEncoder';
export const TINY_ROLES: readonly TinyRole[] = ['textEncoder', 'unet', 'vaeDecoder', 'vaeEncoder'];

export interface TinyModel {
  readonly spec: ModelSpec;
  readonly bytes: Uint8Array;
}

/** The generates every backend runs: text-to-image and an image-conditioned one. */
export const TINY_CASES = [
  { name: 'strength 1', prompt: 'a cat', strength: 1, seed: 7, withImage: false },
  { name: 'strength 0.5 from a layer', prompt: 'a knight', strength: 0.5, seed: 3, withImage: true },
] as const;

export interface TinyCaseResult {
  readonly name: string;
  /** The TAESD decoder's float output (before tensorToImage's 8-bit rounding). */
  readonly decoded: number[];
  readonly rgba: number[];
  readonly width: number;
  readonly height: number;
}

export interface TinyGenerateResult {
  readonly backends: Record<TinyRole, string>;
  readonly backendReasons: Record<TinyRole, string>;
  readonly cases: TinyCaseResult[];
}

/** A 64×64 opaque layer of 8×8 blocks in fixed colours (deterministic; no RNG). */
export function tinySourceImage(): RgbaImage {
  const img = createImage(64, 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const bx = x >> 3, by = y >> 3;
      img.data.set([(bx * 37 + by * 11) % 256, (bx * 5 + by * 53) % 256, (bx * by * 29 + 40) % 256, 255], (y * 64 + x) * 4);
    }
  }
  return img;
}

/** Loads the four models through `makeRunner`, runs TINY_CASES, releases the runners. */
export async function runTinyGenerate(
  models: Readonly<Record<TinyRole, TinyModel>>,
  makeRunner: (spec: ModelSpec, bytes: Uint8Array) => Promise<ModelRunner>,
): Promise<TinyGenerateResult> {
  const loaded = {} as Record<TinyRole, SdxsModel>;
  try {
    for (const role of TINY_ROLES) loaded[role] = { spec: models[role].spec, runner: await makeRunner(models[role].spec, models[role].bytes) };
    let lastDecoded: Float32Array | null = null;
    const decoderOutput = models.vaeDecoder.spec.outputs[0].name;
    const decoder = loaded.vaeDecoder.runner;
    const capturing: ModelRunner = {
      id: decoder.id,
      backend: decoder.backend,
      backendReason: decoder.backendReason,
      inputNames: decoder.inputNames,
      outputNames: decoder.outputNames,
      run: async (feeds, options) => {
        const out = await decoder.run(feeds, options);
        const t = out[decoderOutput];
        if (t?.type === 'float32') lastDecoded = Float32Array.from(t.data);
        return out;
      },
      release: () => decoder.release(),
    };
    const pipeline = createSdxsPipeline({
      textEncoder: loaded.textEncoder,
      unet: loaded.unet,
      vaeDecoder: { spec: loaded.vaeDecoder.spec, runner: capturing },
      vaeEncoder: loaded.vaeEncoder,
      tokenizer: tinyTokenizer(),
    });
    const cases: TinyCaseResult[] = [];
    for (const c of TINY_CASES) {
      lastDecoded = null;
      const out = await pipeline.generate({ prompt: c.prompt, strength: c.strength, seed: c.seed, image: c.withImage ? tinySourceImage() : undefined });
      const decoded: Float32Array | null = lastDecoded;
      if (!decoded) throw new Error(`${c.name}: the decoder output was not captured`);
      cases.push({ name: c.name, decoded: Array.from(decoded), rgba: Array.from(out.data), width: out.width, height: out.height });
    }
    const backends = {} as Record<TinyRole, string>;
    const backendReasons = {} as Record<TinyRole, string>;
    for (const role of TINY_ROLES) {
      backends[role] = loaded[role].runner.backend;
      backendReasons[role] = loaded[role].runner.backendReason;
    }
    return { backends, backendReasons, cases };
  } finally {
    for (const role of TINY_ROLES) await loaded[role]?.runner.release();
  }
}

export function maxDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
