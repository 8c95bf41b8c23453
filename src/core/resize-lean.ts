import { SRGB_TO_LINEAR, linearToSrgb8 } from './color.js';
import { createImage, type RgbaImage } from './image.js';
import { runSync, type Steps } from './progress.js';
import { lanczosContributions } from './resize.js';

/**
 * `resizeImage(src, width, height, 'lanczos3')`, bit for bit, with working memory of a few rows
 * instead of 24 bytes per output pixel: resizeImage keeps the horizontally resampled image and
 * the whole premultiplied result as floats (1.5 GiB beside an 8192² output); here each source
 * row is resampled horizontally when an output row first needs it, kept only while the vertical
 * kernel still reads it (7 rows when enlarging), and each output row goes straight to 8 bits.
 * Upscale's cascade enlarges whole canvases, where that difference decides whether it fits.
 */
export function resizeLanczosLean(src: RgbaImage, width: number, height: number): RgbaImage {
  return runSync(resizeLanczosLeanSteps(src, width, height));
}

/** Output rows between progress reports (and chances to cancel, under runSliced). */
const ROWS_PER_STEP = 16;

/**
 * The same as steps, yielding `upscale` progress every 16 output rows, for runSliced: an 8192²
 * output takes seconds, which a panel must be able to cancel and must not freeze for.
 */
export function* resizeLanczosLeanSteps(src: RgbaImage, width: number, height: number): Steps<RgbaImage> {
  const out = createImage(width, height);
  const cx = lanczosContributions(src.width, width);
  const cy = lanczosContributions(src.height, height);
  const rowLen = width * 4;
  const rows = new Map<number, Float32Array>();
  const linearRow = new Float32Array(src.width * 4);
  const acc = new Float32Array(rowLen);
  let oldest = 0;
  for (let y = 0; y < height; y++) {
    const s0 = cy.start[y], n = cy.count[y], o = cy.offset[y];
    // Source rows above this kernel are never read again (starts only grow): recycle them.
    for (; oldest < s0; oldest++) rows.delete(oldest);
    acc.fill(0);
    for (let k = 0; k < n; k++) {
      let row = rows.get(s0 + k);
      if (!row) {
        row = new Float32Array(rowLen);
        resampleRowInto(row, src, s0 + k, cx, linearRow);
        rows.set(s0 + k, row);
      }
      accumulateRow(acc, row, cy.weights[o + k]);
    }
    writeRow(out.data, y * rowLen, acc);
    if ((y + 1) % ROWS_PER_STEP === 0) yield { stage: 'upscale', fraction: (y + 1) / height };
  }
  return out;
}

/** Source row `y` → premultiplied linear floats → resampled to the output width (as resizeImage's first pass). */
function resampleRowInto(
  into: Float32Array,
  src: RgbaImage,
  y: number,
  cx: ReturnType<typeof lanczosContributions>,
  row: Float32Array,
): void {
  const sw = src.width, sd = src.data;
  let si = y * sw * 4;
  for (let x = 0; x < sw; x++, si += 4) {
    const a = sd[si + 3] / 255;
    row[x * 4] = SRGB_TO_LINEAR[sd[si]] * a;
    row[x * 4 + 1] = SRGB_TO_LINEAR[sd[si + 1]] * a;
    row[x * 4 + 2] = SRGB_TO_LINEAR[sd[si + 2]] * a;
    row[x * 4 + 3] = a;
  }
  const width = into.length / 4;
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
    const t = x * 4;
    into[t] = r;
    into[t + 1] = g;
    into[t + 2] = b;
    into[t + 3] = a;
  }
}

function accumulateRow(acc: Float32Array, row: Float32Array, w: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += row[i] * w;
}

/** Premultiplied linear floats → straight 8-bit sRGB, exactly as resizeImage converts. */
function writeRow(od: Uint8ClampedArray, offset: number, acc: Float32Array): void {
  for (let i = 0; i < acc.length; i += 4) {
    const a = acc[i + 3];
    const j = offset + i;
    if (a <= 1e-6) {
      od[j] = od[j + 1] = od[j + 2] = od[j + 3] = 0;
      continue;
    }
    od[j] = linearToSrgb8(acc[i] / a);
    od[j + 1] = linearToSrgb8(acc[i + 1] / a);
    od[j + 2] = linearToSrgb8(acc[i + 2] / a);
    od[j + 3] = Math.round(Math.min(1, a) * 255);
  }
}
