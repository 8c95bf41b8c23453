import { SRGB_TO_LINEAR, linearToSrgb8 } from './color.js';
import { createImage, type RgbaImage } from './image.js';

export type ResizeMethod = 'area' | 'lanczos3' | 'nearest';

/**
 * Resample to width × height. `area` (box filter with exact fractional coverage) and `lanczos3`
 * work in linear light with premultiplied alpha, so bright/dark edges keep their tone and
 * transparent pixels never darken their neighbours; `nearest` copies pixels.
 */
export function resizeImage(src: RgbaImage, width: number, height: number, method: ResizeMethod): RgbaImage {
  if (method === 'nearest') return resizeNearest(src, width, height);
  const premultiplied = resampleLinear(src, width, height, method);
  const out = createImage(width, height);
  premultipliedToSrgb8(out.data, 0, premultiplied);
  return out;
}

/**
 * Premultiplied linear RGBA floats → straight 8-bit sRGB into `od` from `offset`; fully
 * transparent pixels become 0,0,0,0.
 */
export function premultipliedToSrgb8(od: Uint8ClampedArray, offset: number, premultiplied: Float32Array): void {
  for (let i = 0; i < premultiplied.length; i += 4) {
    const a = premultiplied[i + 3];
    const j = offset + i;
    if (a <= 1e-6) {
      od[j] = od[j + 1] = od[j + 2] = od[j + 3] = 0;
      continue;
    }
    od[j] = linearToSrgb8(premultiplied[i] / a);
    od[j + 1] = linearToSrgb8(premultiplied[i + 1] / a);
    od[j + 2] = linearToSrgb8(premultiplied[i + 2] / a);
    od[j + 3] = Math.round(Math.min(1, a) * 255);
  }
}

/**
 * Resample to width × height and return premultiplied linear RGBA floats (alpha 0..1), for
 * callers that keep working in linear light (pixelate's area downscale feeds dithering from it).
 */
export function resampleLinear(src: RgbaImage, width: number, height: number, method: 'area' | 'lanczos3'): Float32Array {
  createImage(width, height); // validates the size before any work
  if (method === 'area' && width <= src.width && height <= src.height) return boxDownscale(src, width, height);
  const kernel = method === 'area' ? areaContributions : lanczosContributions;
  return resampleSeparable(src, kernel(src.width, width), kernel(src.height, height), width, height);
}

/** Nearest neighbour, sampling each output pixel's centre. */
export function resizeNearest(src: RgbaImage, width: number, height: number): RgbaImage {
  const out = createImage(width, height);
  const s32 = new Uint32Array(src.data.buffer, src.data.byteOffset, src.width * src.height);
  const o32 = new Uint32Array(out.data.buffer, out.data.byteOffset, width * height);
  const xs = new Int32Array(width);
  for (let x = 0; x < width; x++) xs[x] = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / width));
  let prevSy = -1;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / height));
    const row = y * width;
    if (sy === prevSy) {
      o32.copyWithin(row, row - width, row); // same source row as the line above
      continue;
    }
    const srow = sy * src.width;
    for (let x = 0; x < width; x++) o32[row + x] = s32[srow + xs[x]];
    prevSy = sy;
  }
  return out;
}

/**
 * Area downscale as a box filter. Per source row, each cell sums its run of pixels in registers
 * (interior pixels with weight 1, the two edge pixels with their exact overlap), then the row
 * is added into the cells it overlaps vertically. Same result as the general separable path,
 * several times faster on large images.
 */
function boxDownscale(src: RgbaImage, width: number, height: number): Float32Array {
  const xs = boxSpans(src.width, width), ys = boxSpans(src.height, height);
  const out = new Float32Array(width * height * 4);
  const row = new Float64Array(width * 4);
  const d = src.data;
  const lin = SRGB_TO_LINEAR;
  const norm = (width / src.width) * (height / src.height);
  for (let cy = 0; cy < height; cy++) {
    const outRow = cy * width * 4;
    for (let y = ys.lo[cy]; y < ys.hi[cy]; y++) {
      const wy = (y === ys.lo[cy] ? ys.wLo[cy] : y === ys.hi[cy] - 1 ? ys.wHi[cy] : 1) * norm;
      const base = y * src.width * 4;
      for (let cx = 0; cx < width; cx++) {
        const lo = xs.lo[cx], hi = xs.hi[cx], k = cx * 4;
        // Interior pixels count fully; the first and last carry their overlap (added below).
        let r = 0, g = 0, b = 0, a = 0;
        for (let i = base + (lo + 1) * 4, end = base + (hi - 1) * 4; i < end; i += 4) {
          const alpha = d[i + 3];
          if (alpha === 255) {
            r += lin[d[i]]; g += lin[d[i + 1]]; b += lin[d[i + 2]]; a += 1;
          } else if (alpha !== 0) {
            const w = alpha / 255;
            r += lin[d[i]] * w; g += lin[d[i + 1]] * w; b += lin[d[i + 2]] * w; a += w;
          }
        }
        row[k] = r; row[k + 1] = g; row[k + 2] = b; row[k + 3] = a;
        addWeightedPixel(row, k, d, base + lo * 4, xs.wLo[cx]);
        if (hi - lo > 1) addWeightedPixel(row, k, d, base + (hi - 1) * 4, xs.wHi[cx]);
      }
      for (let k = 0; k < row.length; k++) out[outRow + k] += row[k] * wy;
    }
  }
  return out;
}

/** Adds pixel `i` of `d` (premultiplied, linear) into `row` at `k` with weight `w`. */
function addWeightedPixel(row: Float64Array, k: number, d: Uint8ClampedArray, i: number, w: number): void {
  const alpha = d[i + 3];
  if (alpha === 0) return;
  const wa = (w * alpha) / 255;
  row[k] += SRGB_TO_LINEAR[d[i]] * wa;
  row[k + 1] += SRGB_TO_LINEAR[d[i + 1]] * wa;
  row[k + 2] += SRGB_TO_LINEAR[d[i + 2]] * wa;
  row[k + 3] += wa;
}

/**
 * For each cell along one axis: the source pixels it overlaps, [lo, hi), and how much of the
 * first and last of them lies inside it (1 when the edge falls on a pixel boundary).
 */
function boxSpans(srcSize: number, cells: number): { lo: Int32Array; hi: Int32Array; wLo: Float64Array; wHi: Float64Array } {
  const scale = srcSize / cells;
  const lo = new Int32Array(cells), hi = new Int32Array(cells);
  const wLo = new Float64Array(cells), wHi = new Float64Array(cells);
  for (let c = 0; c < cells; c++) {
    const start = c * scale, end = Math.min(srcSize, (c + 1) * scale);
    lo[c] = Math.floor(start + 1e-9);
    hi[c] = Math.min(srcSize, Math.ceil(end - 1e-9));
    wLo[c] = Math.min(end, lo[c] + 1) - start;
    wHi[c] = end - Math.max(start, hi[c] - 1);
    if (hi[c] - lo[c] === 1) wLo[c] = wHi[c] = end - start;
  }
  return { lo, hi, wLo, wHi };
}

/** For each output index: the first source index and the weights of the source pixels it reads. */
export interface Contributions {
  readonly start: Int32Array;
  readonly count: Int32Array;
  readonly offset: Int32Array;
  readonly weights: Float32Array;
}

function buildContributions(
  srcSize: number,
  dstSize: number,
  support: number,
  weightAt: (srcCentre: number, dstCentre: number, scale: number) => number,
): Contributions {
  const scale = srcSize / dstSize;
  const start = new Int32Array(dstSize);
  const count = new Int32Array(dstSize);
  const offset = new Int32Array(dstSize);
  const all: number[] = [];
  for (let d = 0; d < dstSize; d++) {
    const centre = (d + 0.5) * scale;
    const lo = Math.max(0, Math.floor(centre - support));
    const hi = Math.min(srcSize - 1, Math.ceil(centre + support));
    let sum = 0;
    const ws: number[] = [];
    for (let s = lo; s <= hi; s++) {
      const w = weightAt(s + 0.5, centre, scale);
      ws.push(w);
      sum += w;
    }
    // Trim zero weights at both ends so the inner loops stay short.
    let a = 0, b = ws.length - 1;
    while (a < b && ws[a] === 0) a++;
    while (b > a && ws[b] === 0) b--;
    start[d] = lo + a;
    count[d] = b - a + 1;
    offset[d] = all.length;
    for (let i = a; i <= b; i++) all.push(sum !== 0 ? ws[i] / sum : 0);
  }
  return { start, count, offset, weights: Float32Array.from(all) };
}

function areaContributions(srcSize: number, dstSize: number): Contributions {
  const scale = srcSize / dstSize;
  // Overlap of source pixel [s-0.5, s+0.5] (around its centre) with the output cell [c - scale/2, c + scale/2].
  const half = Math.max(scale, 1) / 2;
  return buildContributions(srcSize, dstSize, half + 1, (sc, dc) => {
    const overlap = Math.min(sc + 0.5, dc + half) - Math.max(sc - 0.5, dc - half);
    return overlap > 0 ? overlap : 0;
  });
}

export function lanczosContributions(srcSize: number, dstSize: number): Contributions {
  const scale = srcSize / dstSize;
  const stretch = Math.max(1, scale); // widen the kernel when shrinking, to avoid aliasing
  return buildContributions(srcSize, dstSize, 3 * stretch, (sc, dc) => lanczos3((sc - dc) / stretch));
}

function lanczos3(x: number): number {
  if (x === 0) return 1;
  if (x <= -3 || x >= 3) return 0;
  const px = Math.PI * x;
  return (3 * Math.sin(px) * Math.sin(px / 3)) / (px * px);
}

/**
 * Source row `y` → premultiplied linear floats (in `scratch`, src.width × 4) → resampled
 * horizontally to `width` pixels, written into `into` from `offset`.
 */
export function resampleRowInto(
  into: Float32Array,
  offset: number,
  width: number,
  src: RgbaImage,
  y: number,
  cx: Contributions,
  scratch: Float32Array,
): void {
  const sw = src.width, sd = src.data, row = scratch;
  let si = y * sw * 4;
  for (let x = 0; x < sw; x++, si += 4) {
    const a = sd[si + 3] / 255;
    row[x * 4] = SRGB_TO_LINEAR[sd[si]] * a;
    row[x * 4 + 1] = SRGB_TO_LINEAR[sd[si + 1]] * a;
    row[x * 4 + 2] = SRGB_TO_LINEAR[sd[si + 2]] * a;
    row[x * 4 + 3] = a;
  }
  for (let x = 0; x < width; x++) {
    let r = 0, g = 0, b = 0, a = 0;
    const s0 = cx.start[x], n = cx.count[x], o = cx.offset[x];
    for (let k = 0; k < n; k++) {
      const w = cx.weights[o + k];
      const p = (s0 + k) * 4;
      r += row[p] * w;
      g += row[p + 1] * w;
      b += row[p + 2] * w;
      a += row[p + 3] * w;
    }
    const t = offset + x * 4;
    into[t] = r;
    into[t + 1] = g;
    into[t + 2] = b;
    into[t + 3] = a;
  }
}

function resampleSeparable(src: RgbaImage, cx: Contributions, cy: Contributions, width: number, height: number): Float32Array {
  const sh = src.height;
  // Pass 1: each source row → premultiplied linear floats → horizontally resampled row.
  const tmp = new Float32Array(sh * width * 4);
  const row = new Float32Array(src.width * 4);
  for (let y = 0; y < sh; y++) resampleRowInto(tmp, y * width * 4, width, src, y, cx, row);
  // Pass 2: vertical; accumulating whole rows keeps memory access contiguous.
  const out = new Float32Array(width * height * 4);
  const rowLen = width * 4;
  for (let y = 0; y < height; y++) {
    const s0 = cy.start[y], n = cy.count[y], o = cy.offset[y];
    const dst = y * rowLen;
    for (let k = 0; k < n; k++) {
      const w = cy.weights[o + k];
      const base = (s0 + k) * rowLen;
      for (let i = 0; i < rowLen; i++) out[dst + i] += tmp[base + i] * w;
    }
  }
  return out;
}
