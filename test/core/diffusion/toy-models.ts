import type { ImageTensor } from '../../../src/core/diffusion/image-tensor.js';
import { ddimSchedule } from '../../../src/core/diffusion/ddim-schedule.js';
import { ddimStep } from '../../../src/core/diffusion/noise-schedule.js';
import { createRng } from '../../../src/core/random.js';

/**
 * Tiny models written in TypeScript for the Pixelsmith and tiled-VAE tests: a "pointwise" model
 * (a 1×1 convolution: every output pixel depends on its own input pixel only), where patch-wise
 * or tiled evaluation must equal full-frame evaluation, and a 3×3 convolution, where it differs
 * only near tile edges.
 */

/** out[o, y, x] = Σ_i w[o][i]·in[i, y, x] + b[o] over planes of `plane` values, summed in float64. */
export function pointwiseConv(input: Float32Array, weights: readonly (readonly number[])[], bias: readonly number[], plane: number): Float32Array {
  const inChannels = weights[0].length, outChannels = weights.length;
  const out = new Float32Array(outChannels * plane);
  for (let o = 0; o < outChannels; o++) {
    for (let p = 0; p < plane; p++) {
      let s = bias[o];
      for (let i = 0; i < inChannels; i++) s += weights[o][i] * input[i * plane + p];
      out[o * plane + p] = s;
    }
  }
  return out;
}

/** A 3×3 convolution with zero padding (as a conv layer of a real network pads), `weights[o][i]` a 9-tap kernel. */
export function conv3x3(input: Float32Array, weights: readonly (readonly (readonly number[])[])[], height: number, width: number): Float32Array {
  const inChannels = weights[0].length, outChannels = weights.length, plane = height * width;
  const out = new Float32Array(outChannels * plane);
  for (let o = 0; o < outChannels; o++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let i = 0; i < inChannels; i++) {
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = y + dy, xx = x + dx;
              if (yy >= 0 && yy < height && xx >= 0 && xx < width) s += weights[o][i][(dy + 1) * 3 + dx + 1] * input[i * plane + yy * width + xx];
            }
          }
        }
        out[o * plane + y * width + x] = s;
      }
    }
  }
  return out;
}

/** Random weights in [−scale, scale] from a seed, shaped outChannels × inChannels × taps. */
export function randomKernel(outChannels: number, inChannels: number, taps: number, seed: number, scale = 0.5): number[][][] {
  const rng = createRng(seed);
  return Array.from({ length: outChannels }, () =>
    Array.from({ length: inChannels }, () => Array.from({ length: taps }, () => (rng.next() * 2 - 1) * scale)));
}

/** Mean over 8×8 blocks: [3, H, W] → [3, H/8, W/8] (the VAE's downsampling, in its simplest form). */
export function averagePool8(tensor: ImageTensor): { data: Float32Array; height: number; width: number } {
  const [, channels, height, width] = tensor.shape;
  const h = height / 8, w = width / 8;
  const out = new Float32Array(channels * h * w);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[(c * h + (y >> 3)) * w + (x >> 3)] += tensor.data[(c * height + y) * width + x] / 64;
    }
  }
  return { data: out, height: h, width: w };
}

/** Nearest-neighbour ×8: [C, h, w] → [C, 8h, 8w] (the decoder's upsampling, in its simplest form). */
export function nearestUpsample8(data: Float32Array, channels: number, h: number, w: number): ImageTensor {
  const height = h * 8, width = w * 8;
  const out = new Float32Array(channels * height * width);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[(c * height + y) * width + x] = data[(c * h + (y >> 3)) * w + (x >> 3)];
    }
  }
  return { data: out, shape: [1, 3, height, width] };
}

/**
 * The plain full-frame DDIM loop Pixelsmith reduces to without guidance: z ← ddimStep(z, ε̂(z)) over
 * the leading timesteps, ε̂ from `model` on the whole latent at once.
 */
export function fullFrameDdim(start: Float32Array, steps: number, model: (z: Float32Array, t: number) => Float32Array): Float32Array {
  const { timesteps, previous } = ddimSchedule(steps);
  let z: Float32Array = start.slice();
  for (let k = 0; k < steps; k++) z = ddimStep(z, model(z, timesteps[k]), timesteps[k], previous[k]);
  return z;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

export function randomLatent(length: number, seed: number, scale = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length }, () => rng.normal() * scale);
}
