import jpeg from 'jpeg-js';
import { TesseraError } from '../errors.js';
import { MAX_PIXELS, checkImageSize, createImage, type RgbaImage } from '../image.js';

export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** JPEG bytes → RGBA8 (opaque). Greyscale and CMYK JPEGs come out as RGB. */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
  if (!hasJpegSignature(bytes)) throw corrupt('it does not start with the JPEG signature');
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // jpeg-js's own guards, set to our limits so a forged header fails before it allocates.
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: 2048,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (/maxResolutionInMP|maxMemoryUsage/.test(why)) {
      throw new TesseraError('invalid-input', 'This JPEG is too large for Tessera to open (over 268 megapixels).', { cause: e });
    }
    throw corrupt(why, e);
  }
  checkImageSize(raw.width, raw.height);
  const data = new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.width * raw.height * 4);
  return createImage(raw.width, raw.height, data);
}

/** RGBA8 → baseline JPEG (alpha dropped). `quality` 1..100. */
export function encodeJpeg(image: RgbaImage, quality = 92): Uint8Array {
  const out = jpeg.encode({ width: image.width, height: image.height, data: image.data }, Math.max(1, Math.min(100, quality)));
  // jpeg-js hands back a Node Buffer where one exists; callers get a plain Uint8Array view either way.
  const bytes = out.data as Uint8Array;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function corrupt(why: string, cause?: unknown): TesseraError {
  return new TesseraError('unsupported-format', `This JPEG file is damaged or not a JPEG (${why}).`, {
    details: { format: 'jpeg' },
    cause,
  });
}
