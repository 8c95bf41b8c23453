import { SRGB_TO_LINEAR, linearToSrgb } from '../color.js';
import { TesseraError } from '../errors.js';
import { createImage, type RgbaImage } from '../image.js';
import { resizeImage } from '../resize.js';
import type { LatentShape } from './latents.js';

/**
 * Pixels ↔ the NCHW float tensors the VAE takes and returns. The diffusers/optimum exports of
 * TAESD (AutoencoderTiny) take `sample` in [−1, 1] (the encoder maps it to [0, 1] inside) and
 * return [−1, 1] (`out·2−1`), as does the SDXS WebGPU decoder (algorithms.md §3.2, §4.2, §4.3);
 * madebyollin's raw TAESD works in [0, 1], and §4.3 flags julienkay/taesd's range as unverified.
 * The range is therefore an option, 'neg-one-to-one' by default; the runtime should take it from
 * the model manifest.
 */
export type TensorRange = 'neg-one-to-one' | 'zero-to-one';

export interface ImageTensor {
  readonly data: Float32Array;
  /** [1, 3, height, width]. */
  readonly shape: readonly [1, 3, number, number];
}

export interface ImageToTensorOptions {
  range?: TensorRange;
  /** 8-bit sRGB colour that transparent pixels are composited over. Default white. */
  background?: readonly [number, number, number];
}

/** The VAE downsamples by 8: one latent pixel per 8×8 image pixels. */
export const VAE_SCALE = 8;

/**
 * RGBA → [1, 3, h, w] sRGB floats, alpha composited over `background` in linear light (so a
 * half-transparent edge blends like the host shows it, without a dark fringe).
 */
export function imageToTensor(image: RgbaImage, options: ImageToTensorOptions = {}): ImageTensor {
  const { range = 'neg-one-to-one', background = [255, 255, 255] } = options;
  const { width, height, data: src } = image;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  const scale = range === 'neg-one-to-one' ? 2 : 1, shift = range === 'neg-one-to-one' ? -1 : 0;
  const bgLinear = background.map((c) => SRGB_TO_LINEAR[clampByte(c)]);
  const bgUnit = background.map((c) => clampByte(c) / 255);
  for (let p = 0; p < plane; p++) {
    const a = src[p * 4 + 3];
    for (let c = 0; c < 3; c++) {
      let v: number;
      if (a === 255) v = src[p * 4 + c] / 255;
      else if (a === 0) v = bgUnit[c];
      else {
        const w = a / 255;
        v = linearToSrgb(SRGB_TO_LINEAR[src[p * 4 + c]] * w + bgLinear[c] * (1 - w));
      }
      data[c * plane + p] = v * scale + shift;
    }
  }
  return { data, shape: [1, 3, height, width] };
}

/** [1, 3, h, w] floats in `range` → an opaque RgbaImage, clamped and rounded to 8 bits. */
export function tensorToImage(tensor: ImageTensor, options: { range?: TensorRange } = {}): RgbaImage {
  const { range = 'neg-one-to-one' } = options;
  const [, channels, height, width] = tensor.shape;
  const plane = width * height;
  if (channels !== 3 || tensor.data.length !== 3 * plane) {
    throw new TesseraError('model-mismatch', 'The image decoder returned an image of an unexpected shape.', {
      details: { shape: [...tensor.shape], values: tensor.data.length },
    });
  }
  const out = createImage(width, height);
  const d = out.data, t = tensor.data;
  const k = range === 'neg-one-to-one' ? 127.5 : 255, offset = range === 'neg-one-to-one' ? 1 : 0;
  // One plane at a time reads the tensor contiguously; storing into a Uint8ClampedArray rounds to
  // the nearest integer and clamps (NaN → 0) by itself, so no Math.round per value (it was ~12 ms
  // per 512² image, the largest share of the pipeline's own time).
  for (let c = 0; c < 3; c++) {
    for (let p = 0, base = c * plane, i = c; p < plane; p++, i += 4) d[i] = (t[base + p] + offset) * k;
  }
  for (let i = 3; i < d.length; i += 4) d[i] = 255;
  return out;
}

export interface ModelSizeOptions {
  /** Aim for about this many pixels (SDXS-512 is trained at 512×512). Default 512². */
  targetPixels?: number;
  /** Both sides become multiples of this many image pixels (64 px = 8 latent pixels). Default 64. */
  multiple?: number;
}

/**
 * The size to run the model at for a width × height layer: same aspect ratio, about
 * `targetPixels`, each side rounded to the nearest multiple of `multiple` (at least one multiple).
 */
export function modelSize(width: number, height: number, options: ModelSizeOptions = {}): { width: number; height: number } {
  const { targetPixels = 512 * 512, multiple = 64 } = options;
  if (!(width >= 1 && height >= 1 && targetPixels >= 1) || !Number.isInteger(multiple) || multiple < VAE_SCALE || multiple % VAE_SCALE !== 0) {
    throw new TesseraError('invalid-input', `Cannot size a ${width}×${height} image for the model.`, {
      details: { width, height, targetPixels, multiple },
    });
  }
  const s = Math.sqrt(targetPixels / (width * height));
  const round = (v: number) => Math.max(multiple, Math.round((v * s) / multiple) * multiple);
  return { width: round(width), height: round(height) };
}

/**
 * `image` resampled to width × height for the model and back: area averaging when both sides
 * shrink, Lanczos-3 otherwise (both in linear light with premultiplied alpha, resize.ts). An
 * image already at that size is returned as it is (it is never written to).
 */
export function resizeForModel(image: RgbaImage, width: number, height: number): RgbaImage {
  if (image.width === width && image.height === height) return image;
  const shrinking = width <= image.width && height <= image.height;
  return resizeImage(image, width, height, shrinking ? 'area' : 'lanczos3');
}

/** [1, 4, h/8, w/8] for a model-sized image; throws unless both sides are multiples of 8. */
export function latentShapeFor(width: number, height: number): LatentShape {
  if (!Number.isInteger(width / VAE_SCALE) || !Number.isInteger(height / VAE_SCALE) || width < VAE_SCALE || height < VAE_SCALE) {
    throw new TesseraError('invalid-input', `The model needs an image whose sides are multiples of ${VAE_SCALE} (got ${width}×${height}).`, {
      details: { width, height },
    });
  }
  return [1, 4, height / VAE_SCALE, width / VAE_SCALE];
}

function clampByte(v: number): number {
  return Math.min(255, Math.max(0, Math.round(v)));
}
