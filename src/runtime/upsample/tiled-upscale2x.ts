import { createImage, cropImage, type RgbaImage } from '../../core/image.js';
import type { ModelRunner } from '../model-runner.js';
import { upscale2x } from './learned-upsampler.js';

export interface TiledUpscale2xOptions {
  /** Side of the square of input pixels each run produces the ×2 of. Default 256. */
  readonly tile?: number;
  /**
   * Input pixels of context around each tile, cut off again after the run. Default 16: measured
   * on a photo, RDN ×2's tiles reproduce the whole-image run byte for byte from 12 px of context
   * on (8 px: max 1 level off; 4 px: 3 levels), so 16 leaves room (test/runtime/upsample).
   */
  readonly margin?: number;
  readonly signal?: AbortSignal;
  /** 0..1, after each tile. */
  readonly onProgress?: (fraction: number) => void;
}

/**
 * The learned ×2 network over `image` in tiles, so memory stays at one tile's activations (64
 * channels × (tile + 2·margin)² floats per feature map, ≈ 21 MB by default) whatever the image
 * size; a whole 4096² image in one run would need over 16 GB. Each tile runs with `margin`
 * pixels of context (fewer at the image's edges) and only its own ×2 square is kept, so tiles
 * meet without seams. Alpha goes through upscale2x's Lanczos path per tile, whose 3-px kernel
 * the margin covers.
 */
export async function upscale2xTiled(image: RgbaImage, runner: ModelRunner, options: TiledUpscale2xOptions = {}): Promise<RgbaImage> {
  const { tile = 256, margin = 16, signal, onProgress } = options;
  const { width, height } = image;
  const out = createImage(width * 2, height * 2);
  const cols = Math.ceil(width / tile), rows = Math.ceil(height / tile);
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      signal?.throwIfAborted();
      const x0 = tx * tile, y0 = ty * tile;
      const x1 = Math.min(width, x0 + tile), y1 = Math.min(height, y0 + tile);
      const cx0 = Math.max(0, x0 - margin), cy0 = Math.max(0, y0 - margin);
      const cx1 = Math.min(width, x1 + margin), cy1 = Math.min(height, y1 + margin);
      const context = cropImage(image, { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 });
      const doubled = await upscale2x(context, runner, { signal });
      copyRect(doubled, out, 2 * (x0 - cx0), 2 * (y0 - cy0), 2 * x0, 2 * y0, 2 * (x1 - x0), 2 * (y1 - y0));
      onProgress?.((ty * cols + tx + 1) / (rows * cols));
    }
  }
  return out;
}

function copyRect(from: RgbaImage, to: RgbaImage, fx: number, fy: number, tx: number, ty: number, w: number, h: number): void {
  const bytes = w * 4;
  for (let y = 0; y < h; y++) {
    const src = ((fy + y) * from.width + fx) * 4;
    to.data.set(from.data.subarray(src, src + bytes), ((ty + y) * to.width + tx) * 4);
  }
}
