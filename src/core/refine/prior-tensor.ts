import { linearToSrgb, linearToSrgb8 } from '../color.js';
import { imageToTensor, tensorToImage, type ImageTensor, type TensorRange } from '../diffusion/image-tensor.js';
import { createImage } from '../image.js';
import { resampleLinear, resizeImage } from '../resize.js';
import type { PriorImage } from './prior.js';

/**
 * The prior's soft image as the VAE encoder's input, width × height: bilinear in sRGB with
 * half-pixel centres and clamped edges, as SD-πXL upsamples its [0, 1] render
 * (`F.interpolate(mode='bilinear', align_corners=False)`, algorithms.md §1.4 item 2), so soft
 * colour transitions reach the model as gradients rather than blocks. A model smaller than the grid
 * on either side gets an area downscale instead (bilinear would skip cells).
 */
export function priorImageToTensor(soft: PriorImage, width: number, height: number, range: TensorRange): ImageTensor {
  const { width: sw, height: sh, linear } = soft;
  if (width < sw || height < sh) {
    const img = createImage(sw, sh);
    for (let i = 0; i < sw * sh; i++) {
      img.data[i * 4] = linearToSrgb8(linear[i * 3]);
      img.data[i * 4 + 1] = linearToSrgb8(linear[i * 3 + 1]);
      img.data[i * 4 + 2] = linearToSrgb8(linear[i * 3 + 2]);
      img.data[i * 4 + 3] = 255;
    }
    return imageToTensor(resizeImage(img, width, height, 'area'), { range });
  }
  const plane = sw * sh;
  const srgb = new Float32Array(3 * plane); // planar, for the row loops below
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) srgb[c * plane + i] = linearToSrgb(clamp01(linear[i * 3 + c]));
  const xs = bilinearTaps(sw, width), ys = bilinearTaps(sh, height);
  const scale = range === 'neg-one-to-one' ? 2 : 1, shift = range === 'neg-one-to-one' ? -1 : 0;
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    const src = c * plane, dst = c * width * height;
    for (let y = 0; y < height; y++) {
      const r0 = src + ys.lo[y] * sw, r1 = src + ys.hi[y] * sw, fy = ys.f[y];
      for (let x = 0; x < width; x++) {
        const lo = xs.lo[x], hi = xs.hi[x], fx = xs.f[x];
        const top = srgb[r0 + lo] + (srgb[r0 + hi] - srgb[r0 + lo]) * fx;
        const bottom = srgb[r1 + lo] + (srgb[r1 + hi] - srgb[r1 + lo]) * fx;
        data[dst + y * width + x] = (top + (bottom - top) * fy) * scale + shift;
      }
    }
  }
  return { data, shape: [1, 3, height, width] };
}

/**
 * The decoder's picture back at grid size: an area average in linear light (each cell the mean
 * light of the pixels it covers, fractional coverage exact), as the pixelate pipeline downscales.
 */
export function tensorToPriorImage(tensor: ImageTensor, width: number, height: number, range: TensorRange): PriorImage {
  const rgba = resampleLinear(tensorToImage(tensor, { range }), width, height, 'area');
  const linear = new Float32Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    linear[i * 3] = rgba[i * 4];
    linear[i * 3 + 1] = rgba[i * 4 + 1];
    linear[i * 3 + 2] = rgba[i * 4 + 2];
  }
  return { width, height, linear };
}

/** Per output index: the two source indices and the weight of the second, for n → size. */
function bilinearTaps(n: number, size: number): { lo: Int32Array; hi: Int32Array; f: Float32Array } {
  const lo = new Int32Array(size), hi = new Int32Array(size), f = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const s = Math.min(n - 1, Math.max(0, ((i + 0.5) * n) / size - 0.5));
    lo[i] = Math.floor(s);
    hi[i] = Math.min(n - 1, lo[i] + 1);
    f[i] = s - lo[i];
  }
  return { lo, hi, f };
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}
