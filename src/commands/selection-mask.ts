import { TesseraError } from '../core/errors.js';
import { createImage, type RgbaImage } from '../core/image.js';

/** A copy in which pixels outside a non-rectangular selection are transparent (the mask is binarised at half). */
export function applySelectionMask(image: RgbaImage, mask: Uint8Array): RgbaImage {
  if (mask.length !== image.width * image.height) {
    throw new TesseraError('internal', 'The selection mask does not match the selected pixels.', { details: { mask: mask.length, pixels: image.width * image.height } });
  }
  const out = createImage(image.width, image.height, new Uint8ClampedArray(image.data));
  for (let i = 0; i < mask.length; i++) if (mask[i] < 128) out.data[i * 4 + 3] = 0;
  return out;
}
