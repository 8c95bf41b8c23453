import type { SdxsModel } from '../../../src/runtime/sdxs/sdxs-pipeline.js';
import { createUpscaleRefiner, type UpscaleRefiner } from '../../../src/runtime/upscale/upscale-refiner.js';
import { taesdDecoderFixture, taesdEncoderFixture, textEncoderFixture, unetFixture } from '../../fixtures/onnx/index.js';
import { counted, loadFixture, releaseAll, tinyTokenizer } from '../sdxs/sdxs-test-models.js';

/**
 * Tiny refiners made of the ONNX fixtures, run by onnxruntime-web's wasm backend:
 * - 'free': optimum-flavour UNet and decoder with free sizes, patch 8 latents ('up-to' patches);
 * - 'fixed': the SDXS WebGPU export's shapes shrunk to 8×8 latents (UNet sample and decoder
 *   input fixed at [1, 4, 8, 8]), so patches and decoder tiles are padded to 8.
 * The encoder is the optimum TAESD encoder (free sizes, 512-px tiles) in both.
 */
export interface TinyRefiner {
  readonly refiner: UpscaleRefiner;
  /** UNet calls so far. */
  unetCalls(): number;
  release(): Promise<void>;
}

export async function loadTinyRefiner(kind: 'free' | 'fixed', options: { seed?: number } = {}): Promise<TinyRefiner> {
  const flavour = kind === 'free' ? 'optimum' : 'sdxs-webgpu';
  const models: SdxsModel[] = [];
  const load = async (fixture: Parameters<typeof loadFixture>[0]) => {
    const m = await loadFixture(fixture);
    models.push(m);
    return m;
  };
  const textEncoder = await load(textEncoderFixture({ pooler: false }));
  const unet = counted(await load(unetFixture({ flavour, latentSize: 8, seed: options.seed })));
  const vaeEncoder = await load(taesdEncoderFixture());
  const vaeDecoder = await load(taesdDecoderFixture({ flavour, latentSize: 8 }));
  const refiner = createUpscaleRefiner({ modelId: `tiny-${kind}`, textEncoder, unet, vaeEncoder, vaeDecoder, tokenizer: tinyTokenizer(), patchLatents: 8 });
  return { refiner, unetCalls: () => unet.feeds.length, release: () => releaseAll(models) };
}
