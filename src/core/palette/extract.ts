import { SRGB_TO_LINEAR, linearToOklab, oklabToSrgb8, type Vec3 } from '../color.js';
import { TesseraError } from '../errors.js';
import type { RgbaImage } from '../image.js';
import type { Steps } from '../progress.js';
import { createRng } from '../random.js';
import { MAX_PALETTE_COLORS, createPalette, dedupePalette, type Palette } from './palette.js';

export interface ExtractOptions {
  /** How many colours, 1..256. */
  readonly colors: number;
  readonly seed: number;
  /** Pixels with alpha below this (0..1) are not part of the picture and never shape the palette. */
  readonly alphaThreshold?: number;
  /** Lloyd iterations at most (stops earlier once centres settle). */
  readonly maxIterations?: number;
  readonly name?: string;
}

/** 5 bits per channel: 32,768 bins hold a photo's colours within one ΔEOK JND or so, and make k-means cheap. */
const BIN_BITS = 5;

/**
 * k colours that represent the opaque pixels of `image`: k-means++ seeding (Arthur &
 * Vassilvitskii 2007) then Lloyd iterations, in OKLab, over a weighted histogram of colours
 * binned at 5 bits per channel (bin colour = linear-light mean of its pixels). Seeded and
 * deterministic. The result is sorted by lightness then hue, as palette UIs show it.
 */
export function* extractPaletteSteps(image: RgbaImage, options: ExtractOptions): Steps<Palette> {
  const k = options.colors;
  if (!Number.isInteger(k) || k < 1 || k > MAX_PALETTE_COLORS) {
    throw new TesseraError('invalid-input', `The number of colours to extract must be a whole number from 1 to ${MAX_PALETTE_COLORS}.`, {
      details: { colors: k },
    });
  }
  const histogram = yield* buildHistogram(image, options.alphaThreshold ?? 0.5);
  if (histogram.count === 0) {
    throw new TesseraError('invalid-input', 'The image has no opaque pixels to take colours from.');
  }
  const centres = seedCentres(histogram, k, options.seed);
  yield* lloyd(histogram, centres, options.maxIterations ?? 30);
  yield* refineOnPixels(image, centres, options.alphaThreshold ?? 0.5);
  const rgb: number[] = [];
  for (let c = 0; c < centres.length / 3; c++) rgb.push(...oklabToSrgb8(centres[c * 3], centres[c * 3 + 1], centres[c * 3 + 2]));
  const sorted = sortByLightness(rgb);
  // Centres that land on the same 8-bit colour are one colour.
  return dedupePalette(createPalette(options.name ?? 'Extracted', sorted)).palette;
}

interface Histogram {
  /** Distinct bins in use. */
  readonly count: number;
  /** OKLab of each bin's mean colour. */
  readonly oklab: Float64Array;
  /** Sum of alpha (0..1) of the pixels in each bin. */
  readonly weight: Float64Array;
}

function* buildHistogram(image: RgbaImage, alphaThreshold: number): Steps<Histogram> {
  const sums = new Float64Array((1 << (3 * BIN_BITS)) * 4); // linear r, g, b weighted by alpha; then alpha
  const minAlpha = Math.max(1, Math.ceil(alphaThreshold * 255));
  const rowsPerStep = Math.max(1, Math.ceil(65536 / image.width));
  for (let y = 0; y < image.height; y += rowsPerStep) {
    const end = Math.min(image.height, y + rowsPerStep);
    accumulateBins(image.data, y * image.width * 4, end * image.width * 4, minAlpha, sums);
    yield { stage: 'extract', fraction: (0.3 * end) / image.height };
  }
  return binsToHistogram(sums);
}

function accumulateBins(d: Uint8ClampedArray, from: number, to: number, minAlpha: number, sums: Float64Array): void {
  const shift = 8 - BIN_BITS;
  for (let i = from; i < to; i += 4) {
    const alpha = d[i + 3];
    if (alpha < minAlpha) continue;
    const r = d[i], g = d[i + 1], b = d[i + 2];
    const bin = (((r >> shift) << (2 * BIN_BITS)) | ((g >> shift) << BIN_BITS) | (b >> shift)) * 4;
    const w = alpha / 255;
    sums[bin] += SRGB_TO_LINEAR[r] * w;
    sums[bin + 1] += SRGB_TO_LINEAR[g] * w;
    sums[bin + 2] += SRGB_TO_LINEAR[b] * w;
    sums[bin + 3] += w;
  }
}

function binsToHistogram(sums: Float64Array): Histogram {
  const bins = sums.length / 4;
  let count = 0;
  for (let i = 0; i < bins; i++) if (sums[i * 4 + 3] > 0) count++;
  const oklab = new Float64Array(count * 3);
  const weight = new Float64Array(count);
  const lab: Vec3 = [0, 0, 0];
  for (let i = 0, j = 0; i < bins; i++) {
    const w = sums[i * 4 + 3];
    if (w === 0) continue;
    linearToOklab(sums[i * 4] / w, sums[i * 4 + 1] / w, sums[i * 4 + 2] / w, lab);
    oklab[j * 3] = lab[0];
    oklab[j * 3 + 1] = lab[1];
    oklab[j * 3 + 2] = lab[2];
    weight[j] = w;
    j++;
  }
  return { count, oklab, weight };
}

/** k-means++: each next centre drawn with probability ∝ weight × squared distance to the nearest centre so far. */
function seedCentres(h: Histogram, k: number, seed: number): Float64Array {
  const rng = createRng(seed).fork('kmeans++');
  const kk = Math.min(k, h.count);
  const centres = new Float64Array(kk * 3);
  const nearestD = new Float64Array(h.count).fill(Infinity);
  let first = pickWeighted(h.weight, h.weight, rng.next());
  for (let c = 0; c < kk; c++) {
    const p = first;
    centres[c * 3] = h.oklab[p * 3];
    centres[c * 3 + 1] = h.oklab[p * 3 + 1];
    centres[c * 3 + 2] = h.oklab[p * 3 + 2];
    const scores = new Float64Array(h.count);
    for (let i = 0; i < h.count; i++) {
      const dL = h.oklab[i * 3] - centres[c * 3], da = h.oklab[i * 3 + 1] - centres[c * 3 + 1], db = h.oklab[i * 3 + 2] - centres[c * 3 + 2];
      const dist = dL * dL + da * da + db * db;
      if (dist < nearestD[i]) nearestD[i] = dist;
      scores[i] = nearestD[i] * h.weight[i];
    }
    first = pickWeighted(scores, h.weight, rng.next());
  }
  return centres;
}

/** Index drawn in proportion to `scores`; if they are all zero (every point is a centre), by `fallback`. */
function pickWeighted(scores: Float64Array, fallback: Float64Array, u: number): number {
  let total = 0;
  for (let i = 0; i < scores.length; i++) total += scores[i];
  const w = total > 0 ? scores : fallback;
  if (total <= 0) for (let i = 0; i < w.length; i++) total += w[i];
  let target = u * total;
  for (let i = 0; i < w.length; i++) {
    target -= w[i];
    if (target < 0) return i;
  }
  return w.length - 1;
}

function* lloyd(h: Histogram, centres: Float64Array, maxIterations: number): Steps<void> {
  const sums = new Float64Array((centres.length / 3) * 4);
  for (let iter = 0; iter < maxIterations; iter++) {
    const moved = lloydIteration(h, centres, sums);
    yield { stage: 'extract', fraction: 0.3 + (0.6 * (iter + 1)) / maxIterations };
    if (moved < 1e-5) break; // well under one 8-bit step in OKLab
  }
}

/** Assign every bin to its nearest centre, move each centre to its bins' weighted mean; returns the largest move. */
function lloydIteration(h: Histogram, centres: Float64Array, sums: Float64Array): number {
  const k = centres.length / 3;
  sums.fill(0);
  for (let i = 0; i < h.count; i++) {
    const L = h.oklab[i * 3], a = h.oklab[i * 3 + 1], b = h.oklab[i * 3 + 2];
    let best = 0, bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dL = L - centres[c * 3], da = a - centres[c * 3 + 1], db = b - centres[c * 3 + 2];
      const d = dL * dL + da * da + db * db;
      if (d < bestD) { bestD = d; best = c; }
    }
    const w = h.weight[i];
    sums[best * 4] += L * w;
    sums[best * 4 + 1] += a * w;
    sums[best * 4 + 2] += b * w;
    sums[best * 4 + 3] += w;
  }
  let moved = 0;
  for (let c = 0; c < k; c++) {
    const w = sums[c * 4 + 3];
    if (w === 0) continue; // an empty cluster keeps its centre
    for (let j = 0; j < 3; j++) {
      const v = sums[c * 4 + j] / w;
      moved = Math.max(moved, Math.abs(v - centres[c * 3 + j]));
      centres[c * 3 + j] = v;
    }
  }
  return moved;
}

/** Lloyd passes over real pixels after the histogram's k-means (see refineOnPixels). */
const PIXEL_PASSES = 3;
/** Every 7th pixel (7 is coprime with the usual widths, so columns are sampled evenly): as good as all of them, measured. */
const PIXEL_STRIDE = 7;
/** Below this many pixels, every pixel is used. */
const SMALL_IMAGE = 1 << 16;

/**
 * The histogram assigns whole 5-bit bins to a cluster, so cluster borders fall at bin
 * granularity; that costs most on narrow-gamut pictures (a sepia photo fills a few hundred bins).
 * A few Lloyd passes over a sample of the actual pixels move the centres to where the pixels
 * are (mean ΔE after mapping: colour photo 0.0336 → 0.0298, sepia photo 0.0104 → 0.0101).
 */
function* refineOnPixels(image: RgbaImage, centres: Float64Array, alphaThreshold: number): Steps<void> {
  const samples = samplePixelsOklab(image, image.width * image.height < SMALL_IMAGE ? 1 : PIXEL_STRIDE, Math.max(1, Math.ceil(alphaThreshold * 255)));
  const sums = new Float64Array((centres.length / 3) * 4);
  for (let pass = 0; pass < PIXEL_PASSES; pass++) {
    pixelLloydPass(samples, centres, sums);
    yield { stage: 'extract', fraction: 0.9 + (0.1 * (pass + 1)) / PIXEL_PASSES };
  }
}

/** OKLab of every `stride`-th opaque pixel. */
function samplePixelsOklab(image: RgbaImage, stride: number, minAlpha: number): Float32Array {
  const d = image.data, n = image.width * image.height;
  const out = new Float32Array(Math.ceil(n / stride) * 3);
  const lab: Vec3 = [0, 0, 0];
  let m = 0;
  for (let p = 0; p < n; p += stride) {
    if (d[p * 4 + 3] < minAlpha) continue;
    linearToOklab(SRGB_TO_LINEAR[d[p * 4]], SRGB_TO_LINEAR[d[p * 4 + 1]], SRGB_TO_LINEAR[d[p * 4 + 2]], lab);
    out[m++] = lab[0];
    out[m++] = lab[1];
    out[m++] = lab[2];
  }
  return out.subarray(0, m);
}

function pixelLloydPass(samples: Float32Array, centres: Float64Array, sums: Float64Array): void {
  const k = centres.length / 3;
  sums.fill(0);
  for (let i = 0; i < samples.length; i += 3) {
    const L = samples[i], a = samples[i + 1], b = samples[i + 2];
    let best = 0, bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dL = L - centres[c * 3], da = a - centres[c * 3 + 1], db = b - centres[c * 3 + 2];
      const dist = dL * dL + da * da + db * db;
      if (dist < bestD) { bestD = dist; best = c; }
    }
    sums[best * 4] += L;
    sums[best * 4 + 1] += a;
    sums[best * 4 + 2] += b;
    sums[best * 4 + 3] += 1;
  }
  for (let c = 0; c < k; c++) {
    const w = sums[c * 4 + 3];
    if (w > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sums[c * 4 + j] / w;
  }
}

function sortByLightness(rgb: number[]): number[] {
  const entries: { L: number; h: number; c: Vec3 }[] = [];
  for (let i = 0; i < rgb.length; i += 3) {
    const lab = linearToOklab(SRGB_TO_LINEAR[rgb[i]], SRGB_TO_LINEAR[rgb[i + 1]], SRGB_TO_LINEAR[rgb[i + 2]]);
    entries.push({ L: lab[0], h: Math.atan2(lab[2], lab[1]), c: [rgb[i], rgb[i + 1], rgb[i + 2]] });
  }
  entries.sort((x, y) => x.L - y.L || x.h - y.h);
  return entries.flatMap((e) => e.c);
}
