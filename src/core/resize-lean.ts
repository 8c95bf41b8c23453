import { createImage, type RgbaImage } from './image.js';
import { runSync, type Steps } from './progress.js';
import { lanczosContributions, premultipliedToSrgb8, resampleRowInto } from './resize.js';

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
        resampleRowInto(row, 0, width, src, s0 + k, cx, linearRow);
        rows.set(s0 + k, row);
      }
      accumulateRow(acc, row, cy.weights[o + k]);
    }
    premultipliedToSrgb8(out.data, y * rowLen, acc);
    if ((y + 1) % ROWS_PER_STEP === 0) yield { stage: 'upscale', fraction: (y + 1) / height };
  }
  return out;
}

function accumulateRow(acc: Float32Array, row: Float32Array, w: number): void {
  for (let i = 0; i < acc.length; i++) acc[i] += row[i] * w;
}
