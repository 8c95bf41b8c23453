import { latentShapeFor, modelSize, VAE_SCALE } from '../../core/diffusion/image-tensor.js';
import { gaussianLatents, latentSize, type LatentShape } from '../../core/diffusion/latents.js';
import { addNoise } from '../../core/diffusion/noise-schedule.js';
import { finishSdxsStep } from '../../core/diffusion/sdxs-step.js';
import { TesseraError } from '../../core/errors.js';
import type { RefinePrior } from '../../core/refine/prior.js';
import { priorImageToTensor, tensorToPriorImage } from '../../core/refine/prior-tensor.js';
import { createTensor, type Tensor } from '../tensor.js';
import { encodePrompt, fixedLatentSize, floatOutput, resolveSdxsIo, timestepTensor } from '../sdxs/sdxs-io.js';
import type { SdxsPipelineModels } from '../sdxs/sdxs-pipeline.js';

export interface SdxsPriorOptions {
  /** What the picture shows, to steer the guesses; '' (default) lets the model guess from the image alone. */
  readonly prompt?: string;
}

/**
 * Refine's diffusion prior on the SDXS models (score distillation by inference only): the soft
 * grid image, upsampled bilinearly to the model's size (512² for SDXS-512), is encoded by TAESD,
 * noised to the request's timestep with noise from its seed, denoised in one UNet step
 * (x̂₀ = (z_t − √(1−ᾱ)·ε̂)/√ᾱ), decoded by TAESD and averaged back to the grid. The text
 * embedding is computed once, on the first request. The signal is checked between model runs.
 * SDXS was distilled for t = 999 only, so its guesses at lower t are outside what it learned
 * (as for Generate's strength below 1); the weight per timestep (core prior.ts) keeps the least
 * informative ones light.
 */
export function createSdxsPrior(models: SdxsPipelineModels, options: SdxsPriorOptions = {}): RefinePrior {
  const { textEncoder, unet, vaeDecoder, vaeEncoder, tokenizer, vaeRange = 'neg-one-to-one', targetPixels = 512 * 512 } = models;
  if (!vaeEncoder) {
    throw new TesseraError('model-missing', 'Refine’s diffusion prior needs the TAESD image encoder, which was not loaded. Install “taesd” and try again.', {
      details: { model: unet.spec.id },
    });
  }
  const io = resolveSdxsIo({ textEncoder: textEncoder.spec, unet: unet.spec, vaeDecoder: vaeDecoder.spec, vaeEncoder: vaeEncoder.spec });
  const fixed = fixedLatentSize(io, unet.spec.id);
  const prompt = options.prompt ?? '';
  let embedding: Tensor | null = null;

  return async (soft, request) => {
    const { signal, timestep, seed } = request;
    signal?.throwIfAborted();
    embedding ??= await encodePrompt(textEncoder, io, tokenizer, prompt, signal);
    const shape = latentShapeOf(fixed, soft.width, soft.height, targetPixels);
    const [, , h, w] = shape;
    const image = priorImageToTensor(soft, w * VAE_SCALE, h * VAE_SCALE, vaeRange);

    signal?.throwIfAborted();
    const encodedOut = await vaeEncoder.runner.run({ [io.encoderInput!.name]: createTensor('float32', image.data, image.shape) }, { signal });
    const encoded = floatOutput(encodedOut, io.encoderOutput!, vaeEncoder.spec.id).data;
    if (encoded.length !== latentSize(shape)) {
      throw new TesseraError('model-mismatch', 'The image encoder returned a latent of the wrong size for this model.', {
        details: { model: vaeEncoder.spec.id, expected: latentSize(shape), actual: encoded.length, shape: [...shape] },
      });
    }
    const zt = addNoise(encoded, gaussianLatents(shape, seed), timestep);

    signal?.throwIfAborted();
    const unetOut = await unet.runner.run(
      {
        [io.unetSample.name]: createTensor('float32', zt, shape),
        [io.unetTimestep.name]: timestepTensor(io.unetTimestep, timestep),
        [io.unetContext.name]: embedding,
      },
      { signal },
    );
    const x0 = finishSdxsStep(zt, floatOutput(unetOut, io.unetOutput, unet.spec.id).data, timestep);

    signal?.throwIfAborted();
    const decodedOut = await vaeDecoder.runner.run({ [io.decoderInput.name]: createTensor('float32', x0, shape) }, { signal });
    const decoded = floatOutput(decodedOut, io.decoderOutput, vaeDecoder.spec.id);
    if (decoded.dims.length !== 4 || decoded.dims[0] !== 1 || decoded.dims[1] !== 3) {
      throw new TesseraError('model-mismatch', `Model "${vaeDecoder.spec.id}" returned an image of shape [${decoded.dims.join(',')}].`, {
        details: { model: vaeDecoder.spec.id, dims: [...decoded.dims] },
      });
    }
    return tensorToPriorImage({ data: decoded.data, shape: [1, 3, decoded.dims[2], decoded.dims[3]] }, soft.width, soft.height, vaeRange);
  };
}

/** The models' fixed latent size, else the grid's aspect at about `targetPixels`. */
function latentShapeOf(fixed: { height: number; width: number } | null, width: number, height: number, targetPixels: number): LatentShape {
  if (fixed) return [1, 4, fixed.height, fixed.width];
  const size = modelSize(width, height, { targetPixels });
  return latentShapeFor(size.width, size.height);
}
