import { TesseraError } from '../../core/errors.js';
import { createImage, type RgbaImage } from '../../core/image.js';
import { resizeImage } from '../../core/resize.js';
import type { ModelRunner, ModelSpec } from '../model-runner.js';
import { formatDims, float32Tensor } from '../tensor.js';

/** Tensor names of a learned ×2 upsampler (e.g. RDN ×2 converted by tfjs-layers-to-onnx). */
export const UPSAMPLER_INPUT = 'input';
export const UPSAMPLER_OUTPUT = 'output';

/**
 * The I/O contract of a learned ×2 upsampler: NCHW RGB float32, values 0–255 in and out, H and W
 * free. Pass it (with the model's id) to `createOrtWebRunner`.
 */
export function learnedUpsamplerSpec(id: string): ModelSpec {
  return {
    id,
    inputs: [{ name: UPSAMPLER_INPUT, type: 'float32', shape: [1, 3, 'height', 'width'] }],
    outputs: [{ name: UPSAMPLER_OUTPUT, type: 'float32', shape: [1, 3, 'out_height', 'out_width'] }],
  };
}

export interface UpscaleOptions {
  signal?: AbortSignal;
}

/**
 * Doubles `image` with a learned ×2 model: RGB goes through the model (NCHW float 0–255), the
 * result is clamped and rounded; alpha, which the model does not see, is upscaled separately
 * with lanczos3 (skipped when the image is fully opaque). RGB under transparent pixels is fed as
 * it is stored.
 *
 * The whole image goes through the model in one run: no tiling yet, so very large images need a
 * lot of memory (activations are 64 channels × H × W floats); tiling with overlap is future work.
 *
 * Throws `model-mismatch` when the model's output is not [1,3,2h,2w]; `cancelled`-style
 * AbortError from the signal, checked before and after the run.
 */
export async function upscale2x(image: RgbaImage, runner: ModelRunner, options: UpscaleOptions = {}): Promise<RgbaImage> {
  const { width, height, data } = image;
  const signal = options.signal;
  signal?.throwIfAborted();
  const plane = width * height;
  const input = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    input[i] = data[i * 4];
    input[plane + i] = data[i * 4 + 1];
    input[2 * plane + i] = data[i * 4 + 2];
  }
  const outputs = await runner.run({ [UPSAMPLER_INPUT]: float32Tensor(input, [1, 3, height, width]) }, { signal });
  const result = outputs[UPSAMPLER_OUTPUT];
  const ow = width * 2, oh = height * 2;
  if (result === undefined || result.type !== 'float32' || result.dims.length !== 4 || result.dims[0] !== 1 || result.dims[1] !== 3 || result.dims[2] !== oh || result.dims[3] !== ow) {
    const got = result === undefined ? 'nothing' : `${result.type}${formatDims(result.dims)}`;
    throw new TesseraError('model-mismatch', `Model "${runner.id}" is not a ×2 upsampler: for a ${width}×${height} image it returned ${got}, expected float32[1,3,${oh},${ow}].`, {
      details: { model: runner.id, width, height, output: got },
    });
  }
  signal?.throwIfAborted();

  const out = createImage(ow, oh);
  const od = out.data; // Uint8ClampedArray: storing clamps to 0–255 (and NaN to 0)
  const rgb = result.data;
  const outPlane = ow * oh;
  for (let i = 0; i < outPlane; i++) {
    od[i * 4] = Math.round(rgb[i]);
    od[i * 4 + 1] = Math.round(rgb[outPlane + i]);
    od[i * 4 + 2] = Math.round(rgb[2 * outPlane + i]);
  }
  let opaque = true;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] !== 255) {
      opaque = false;
      break;
    }
  }
  if (opaque) {
    for (let i = 3; i < od.length; i += 4) od[i] = 255;
  } else {
    const alpha = resizeImage(image, ow, oh, 'lanczos3').data;
    for (let i = 3; i < od.length; i += 4) od[i] = alpha[i];
  }
  return out;
}
