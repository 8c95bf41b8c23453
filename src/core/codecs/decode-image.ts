import { TesseraError } from '../errors.js';
import type { RgbaImage } from '../image.js';
import { decodeJpeg, hasJpegSignature } from './jpeg.js';
import { decodePng, hasPngSignature } from './png.js';

export type ImageFormat = 'png' | 'jpeg';

/** Which format these bytes are, by their signature (never by file name); null if neither. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (hasPngSignature(bytes)) return 'png';
  if (hasJpegSignature(bytes)) return 'jpeg';
  return null;
}

/** PNG or JPEG bytes → RGBA8, with a typed error for anything else. */
export function decodeImage(bytes: Uint8Array): RgbaImage {
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(bytes);
  if (format === 'jpeg') return decodeJpeg(bytes);
  throw new TesseraError(
    'unsupported-format',
    bytes.length === 0 ? 'The file is empty.' : 'This file is neither a PNG nor a JPEG image. Tessera reads PNG and JPEG.',
    { details: { bytes: bytes.length } },
  );
}
