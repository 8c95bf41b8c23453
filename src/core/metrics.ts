import { SRGB_TO_LINEAR, linearToOklab, linearToSrgb8, srgb8ToLab, type Vec3 } from './color.js';
import { ciede2000 } from './ciede2000.js';
import { TesseraError } from './errors.js';
import type { RgbaImage } from './image.js';
import { resizeImage } from './resize.js';

/**
 * Quality figures for pixel art, used by tests, the benchmark and the UI
 * (shared/reference/quantization.md §5). Pixels count as opaque at alpha ≥ 128.
 */
export interface QualityReport {
  /** Mean ΔE in OKLab against the reference, over cells opaque in both (JND ≈ 0.02). */
  readonly deltaE: number;
  /** Mean CIEDE2000 against the reference (JND ≈ 1–2). */
  readonly deltaE2000: number;
  /** Mean ΔE in OKLab after a Gaussian blur (σ = 1 cell) of both: fair to dithering, which trades per-cell error for the right average. */
  readonly blurredDeltaE: number;
  /** SSIM (Wang et al. 2004) on luma. */
  readonly ssim: number;
  /** Share of opaque cells whose colour none of their 8 neighbours share. */
  readonly orphanRate: number;
  /** Distinct opaque colours in the result. */
  readonly colors: number;
}

/**
 * Scores `result` (one pixel per cell) against `source`: the reference is the source
 * area-averaged to the result's size in linear light, the most faithful image of that size.
 */
export function measureQuality(source: RgbaImage, result: RgbaImage): QualityReport {
  const reference =
    source.width === result.width && source.height === result.height ? source : resizeImage(source, result.width, result.height, 'area');
  return {
    deltaE: meanDeltaE(reference, result),
    deltaE2000: meanDeltaE2000(reference, result),
    blurredDeltaE: meanDeltaE(gaussianBlur(reference, 1), gaussianBlur(result, 1)),
    ssim: ssim(reference, result),
    orphanRate: orphanRate(result),
    colors: countColors(result),
  };
}

const OPAQUE = 128;

function checkSameSize(a: RgbaImage, b: RgbaImage): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new TesseraError('invalid-input', `Cannot compare a ${a.width}×${a.height} image with a ${b.width}×${b.height} one.`);
  }
}

/** Mean ‖OKLab(a) − OKLab(b)‖ over pixels opaque in both; 0 if none are. */
export function meanDeltaE(a: RgbaImage, b: RgbaImage): number {
  checkSameSize(a, b);
  const la: Vec3 = [0, 0, 0], lb: Vec3 = [0, 0, 0];
  let sum = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i + 3] < OPAQUE || b.data[i + 3] < OPAQUE) continue;
    linearToOklab(SRGB_TO_LINEAR[a.data[i]], SRGB_TO_LINEAR[a.data[i + 1]], SRGB_TO_LINEAR[a.data[i + 2]], la);
    linearToOklab(SRGB_TO_LINEAR[b.data[i]], SRGB_TO_LINEAR[b.data[i + 1]], SRGB_TO_LINEAR[b.data[i + 2]], lb);
    sum += Math.hypot(la[0] - lb[0], la[1] - lb[1], la[2] - lb[2]);
    n++;
  }
  return n ? sum / n : 0;
}

/** Mean CIEDE2000 over pixels opaque in both. */
export function meanDeltaE2000(a: RgbaImage, b: RgbaImage): number {
  checkSameSize(a, b);
  let sum = 0, n = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i + 3] < OPAQUE || b.data[i + 3] < OPAQUE) continue;
    const x = srgb8ToLab(a.data[i], a.data[i + 1], a.data[i + 2]);
    const y = srgb8ToLab(b.data[i], b.data[i + 1], b.data[i + 2]);
    sum += ciede2000(x[0], x[1], x[2], y[0], y[1], y[2]);
    n++;
  }
  return n ? sum / n : 0;
}

/** Separable Gaussian blur in linear light with premultiplied alpha (edges clamp). */
export function gaussianBlur(image: RgbaImage, sigma: number): RgbaImage {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k] /= total;

  const { width, height, data } = image;
  const n = width * height;
  const lin = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3] / 255;
    lin[i * 4] = SRGB_TO_LINEAR[data[i * 4]] * a;
    lin[i * 4 + 1] = SRGB_TO_LINEAR[data[i * 4 + 1]] * a;
    lin[i * 4 + 2] = SRGB_TO_LINEAR[data[i * 4 + 2]] * a;
    lin[i * 4 + 3] = a;
  }
  const pass = (src: Float32Array, dx: number, dy: number): Float32Array => {
    const dst = new Float32Array(n * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let r = 0, g = 0, b = 0, a = 0;
        for (let k = -radius; k <= radius; k++) {
          const sx = Math.min(width - 1, Math.max(0, x + k * dx));
          const sy = Math.min(height - 1, Math.max(0, y + k * dy));
          const p = (sy * width + sx) * 4, w = kernel[k + radius];
          r += src[p] * w; g += src[p + 1] * w; b += src[p + 2] * w; a += src[p + 3] * w;
        }
        const q = (y * width + x) * 4;
        dst[q] = r; dst[q + 1] = g; dst[q + 2] = b; dst[q + 3] = a;
      }
    }
    return dst;
  };
  const blurred = pass(pass(lin, 1, 0), 0, 1);
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const a = blurred[i * 4 + 3];
    if (a <= 1e-6) continue;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = linearToSrgb8(blurred[i * 4 + c] / a);
    out[i * 4 + 3] = Math.round(a * 255);
  }
  return { width, height, data: out };
}

/**
 * SSIM (Wang, Bovik, Sheikh, Simoncelli 2004) on BT.709 luma of the gamma-encoded values,
 * composited over black, with a Gaussian window (σ 1.5, 11×11; 7×7 for images under 64 px).
 */
export function ssim(a: RgbaImage, b: RgbaImage): number {
  checkSameSize(a, b);
  const { width, height } = a;
  const size = Math.min(width, height) < 64 ? 7 : 11;
  const radius = (size - 1) / 2;
  const w = new Float32Array(size);
  let total = 0;
  for (let k = -radius; k <= radius; k++) total += w[k + radius] = Math.exp(-(k * k) / (2 * 1.5 * 1.5));
  for (let k = 0; k < size; k++) w[k] /= total;
  const x = luma(a), y = luma(b);
  const blur = (src: Float64Array) => separable(src, width, height, w, radius);
  const mx = blur(x), my = blur(y);
  const xx = blur(x.map((v) => v * v)), yy = blur(y.map((v) => v * v)), xy = blur(x.map((v, i) => v * y[i]));
  const C1 = (0.01 * 255) ** 2, C2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const sx = xx[i] - mx[i] * mx[i], sy = yy[i] - my[i] * my[i], sxy = xy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + C1) * (2 * sxy + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (sx + sy + C2));
  }
  return sum / x.length;
}

function luma(image: RgbaImage): Float64Array {
  const out = new Float64Array(image.width * image.height);
  const d = image.data;
  for (let i = 0; i < out.length; i++) out[i] = ((0.2126 * d[i * 4] + 0.7152 * d[i * 4 + 1] + 0.0722 * d[i * 4 + 2]) * d[i * 4 + 3]) / 255;
  return out;
}

function separable(src: Float64Array, width: number, height: number, w: Float32Array, radius: number): Float64Array {
  const tmp = new Float64Array(src.length), out = new Float64Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += src[y * width + Math.min(width - 1, Math.max(0, x + k))] * w[k + radius];
      tmp[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += tmp[Math.min(height - 1, Math.max(0, y + k)) * width + x] * w[k + radius];
      out[y * width + x] = s;
    }
  }
  return out;
}

/** Share of opaque pixels whose colour none of their 8 neighbours has (transparent neighbours don't count as matches). */
export function orphanRate(image: RgbaImage): number {
  const { width, height } = image;
  const px = new Uint32Array(image.data.buffer, image.data.byteOffset, width * height);
  const d = image.data;
  let orphans = 0, opaque = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (d[i * 4 + 3] < OPAQUE) continue;
      opaque++;
      let matched = false;
      for (let dy = -1; dy <= 1 && !matched; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if (dx === 0 && dy === 0) continue;
          const nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          if (px[ny * width + nx] === px[i]) { matched = true; break; }
        }
      }
      if (!matched) orphans++;
    }
  }
  return opaque ? orphans / opaque : 0;
}

/** Distinct colours among opaque pixels. */
export function countColors(image: RgbaImage): number {
  const seen = new Set<number>();
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) if (d[i + 3] >= OPAQUE) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
}
