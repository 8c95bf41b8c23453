import { TesseraError } from '../errors.js';
import { createRng } from '../random.js';

/** An NCHW latent shape: batch, channels (4 for SD-family VAEs and TAESD), height, width. */
export type LatentShape = readonly [batch: number, channels: number, height: number, width: number];

/** The largest latent we draw: 2^26 floats (256 MiB), far past any patch or one-step image. */
const MAX_LATENT_VALUES = 2 ** 26;

/** Number of values in `shape`; throws `invalid-input` unless every dimension is a positive integer. */
export function latentSize(shape: LatentShape): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new TesseraError('invalid-input', `The latent shape [${shape.join(', ')}] is not usable.`, {
        details: { shape: [...shape] },
      });
    }
    n *= d;
  }
  if (n > MAX_LATENT_VALUES) {
    throw new TesseraError('invalid-input', `The latent [${shape.join(', ')}] is too large; use a smaller image or tiles.`, {
      details: { shape: [...shape], values: n, maxValues: MAX_LATENT_VALUES },
    });
  }
  return n;
}

/**
 * Standard-normal noise of `shape`, drawn on the CPU from `createRng(seed).fork('latents')` in
 * NCHW order, so WebGPU, wasm and Node runs see the same latents for the same seed (STYLE.md,
 * Determinism). The values are exactly the rng's float64 draws rounded to float32.
 */
export function gaussianLatents(shape: LatentShape, seed: number): Float32Array {
  const out = new Float32Array(latentSize(shape));
  const rng = createRng(seed).fork('latents');
  for (let i = 0; i < out.length; i++) out[i] = rng.normal();
  return out;
}
