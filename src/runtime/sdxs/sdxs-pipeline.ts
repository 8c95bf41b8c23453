import type { ClipTokenizer } from '../../core/diffusion/clip-tokenizer.js';
import { imageToTensor, latentShapeFor, modelSize, resizeForModel, tensorToImage, VAE_SCALE, type TensorRange } from '../../core/diffusion/image-tensor.js';
import { latentSize, type LatentShape } from '../../core/diffusion/latents.js';
import { finishSdxsStep, planSdxsStep } from '../../core/diffusion/sdxs-step.js';
import { TesseraError } from '../../core/errors.js';
import { createImage, type RgbaImage } from '../../core/image.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import { createTensor, type Tensor } from '../tensor.js';
import { encodePrompt, fixedLatentSize, floatOutput, resolveSdxsIo, timestepTensor } from './sdxs-io.js';

/** A loaded model and the spec it was loaded against (the spec says which tensor is which, and its dtype). */
export interface SdxsModel {
  readonly runner: ModelRunner;
  readonly spec: ModelSpec;
}

export interface SdxsPipelineModels {
  readonly textEncoder: SdxsModel;
  readonly unet: SdxsModel;
  readonly vaeDecoder: SdxsModel;
  /** TAESD encoder; needed only for image-conditioned runs (strength below 1). */
  readonly vaeEncoder?: SdxsModel;
  readonly tokenizer: ClipTokenizer;
  /** Value range of the VAE's images (algorithms.md §4.3). Default 'neg-one-to-one'. */
  readonly vaeRange?: TensorRange;
  /** Pixels to aim for when the models leave the size free (multiples of 64). Default 512². */
  readonly targetPixels?: number;
}

export type SdxsStage = 'text-encode' | 'image-encode' | 'denoise' | 'image-decode';

export interface SdxsProgress {
  readonly stage: SdxsStage;
  /** 0..1 within the stage. */
  readonly fraction: number;
}

export interface SdxsGenerateInput {
  /** The layer to start from; its size is the output's size and its alpha is kept. */
  readonly image?: RgbaImage;
  readonly prompt: string;
  /** 0..1: 1 ignores the image's colours (text-to-image from pure noise at t = 999). */
  readonly strength: number;
  readonly seed: number;
}

export interface SdxsRunContext {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SdxsProgress) => void;
}

export interface SdxsPipeline {
  /**
   * One SDXS step (algorithms.md §3.2–3.3): tokenize → text encoder (cached for the last
   * prompt) → [TAESD encode when image-conditioned] → planSdxsStep → UNet → finishSdxsStep →
   * TAESD decode → back to the source's size. The signal is checked between model runs; a run
   * that has started finishes first.
   *
   * Alpha: the result has the source's alpha (the generated colour under it), so a sprite on a
   * transparent layer stays a sprite; without a source image the result is opaque.
   */
  generate(input: SdxsGenerateInput, ctx?: SdxsRunContext): Promise<RgbaImage>;
}

export function createSdxsPipeline(models: SdxsPipelineModels): SdxsPipeline {
  const { textEncoder, unet, vaeDecoder, vaeEncoder, tokenizer, vaeRange = 'neg-one-to-one', targetPixels = 512 * 512 } = models;
  const io = resolveSdxsIo({ textEncoder: textEncoder.spec, unet: unet.spec, vaeDecoder: vaeDecoder.spec, vaeEncoder: vaeEncoder?.spec });
  const fixed = fixedLatentSize(io, unet.spec.id);
  let lastText: { prompt: string; embedding: Tensor } | null = null;

  const encodeText = async (prompt: string, signal: AbortSignal | undefined): Promise<Tensor> => {
    if (lastText?.prompt === prompt) return lastText.embedding;
    const embedding = await encodePrompt(textEncoder, io, tokenizer, prompt, signal);
    lastText = { prompt, embedding };
    return embedding;
  };

  const encodeImage = async (image: RgbaImage, shape: LatentShape, signal: AbortSignal | undefined): Promise<Float32Array> => {
    if (!vaeEncoder || !io.encoderInput || io.encoderOutput === undefined) {
      throw new TesseraError('invalid-input', 'Starting from the layer (strength below 1) needs the TAESD image encoder, which was not loaded.', {
        details: { model: unet.spec.id },
      });
    }
    const [, , h, w] = shape;
    const tensor = imageToTensor(resizeForModel(image, w * VAE_SCALE, h * VAE_SCALE), { range: vaeRange });
    signal?.throwIfAborted();
    const out = await vaeEncoder.runner.run({ [io.encoderInput.name]: createTensor('float32', tensor.data, tensor.shape) }, { signal });
    return floatOutput(out, io.encoderOutput, vaeEncoder.spec.id).data;
  };

  return {
    async generate(input, ctx = {}) {
      const { image, prompt, strength, seed } = input;
      const { signal, onProgress } = ctx;
      signal?.throwIfAborted();
      const shape = latentShapeOf(fixed, image, targetPixels);
      const imageConditioned = image !== undefined && strength < 1;

      onProgress?.({ stage: 'text-encode', fraction: 0 });
      const embedding = await encodeText(prompt, signal);
      onProgress?.({ stage: 'text-encode', fraction: 1 });

      let encoded: Float32Array | undefined;
      if (imageConditioned) {
        onProgress?.({ stage: 'image-encode', fraction: 0 });
        encoded = await encodeImage(image, shape, signal);
        onProgress?.({ stage: 'image-encode', fraction: 1 });
      }
      const plan = planSdxsStep({ strength, seed, latentShape: shape, encoded });

      signal?.throwIfAborted();
      onProgress?.({ stage: 'denoise', fraction: 0 });
      const unetOut = await unet.runner.run(
        {
          [io.unetSample.name]: createTensor('float32', plan.zt, shape),
          [io.unetTimestep.name]: timestepTensor(io.unetTimestep, plan.timestep),
          [io.unetContext.name]: embedding,
        },
        { signal },
      );
      const x0 = finishSdxsStep(plan.zt, floatOutput(unetOut, io.unetOutput, unet.spec.id).data, plan.timestep);
      onProgress?.({ stage: 'denoise', fraction: 1 });

      signal?.throwIfAborted();
      onProgress?.({ stage: 'image-decode', fraction: 0 });
      const decodedOut = await vaeDecoder.runner.run({ [io.decoderInput.name]: createTensor('float32', x0, shape) }, { signal });
      const decoded = floatOutput(decodedOut, io.decoderOutput, vaeDecoder.spec.id);
      if (decoded.dims.length !== 4 || decoded.dims[0] !== 1) {
        throw new TesseraError('model-mismatch', `Model "${vaeDecoder.spec.id}" returned an image of shape [${decoded.dims.join(',')}].`, {
          details: { model: vaeDecoder.spec.id, dims: [...decoded.dims] },
        });
      }
      const generated = tensorToImage({ data: decoded.data, shape: [1, 3, decoded.dims[2], decoded.dims[3]] }, { range: vaeRange });
      const result = image ? withSourceAlpha(resizeForModel(generated, image.width, image.height), image) : generated;
      onProgress?.({ stage: 'image-decode', fraction: 1 });
      return result;
    },
  };
}

/** The models' fixed latent size, else the source's aspect at about `targetPixels` (square without a source). */
function latentShapeOf(fixed: { height: number; width: number } | null, image: RgbaImage | undefined, targetPixels: number): LatentShape {
  if (fixed) {
    const shape: LatentShape = [1, 4, fixed.height, fixed.width];
    latentSize(shape);
    return shape;
  }
  const side = Math.sqrt(targetPixels);
  const size = modelSize(image?.width ?? side, image?.height ?? side, { targetPixels });
  return latentShapeFor(size.width, size.height);
}

/** The generated colour with the source's alpha, as a new image. */
function withSourceAlpha(generated: RgbaImage, source: RgbaImage): RgbaImage {
  const out = createImage(generated.width, generated.height, new Uint8ClampedArray(generated.data));
  for (let i = 3; i < out.data.length; i += 4) out.data[i] = source.data[i];
  return out;
}
