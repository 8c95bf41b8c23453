import jpeg from 'jpeg-js';
import { TesseraError } from '../errors.js';
import { MAX_PIXELS, checkImageSize, createImage, type RgbaImage } from '../image.js';

export function hasJpegSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** JPEG bytes → RGBA8 (opaque). Greyscale and CMYK JPEGs come out as RGB. */
export function decodeJpeg(bytes: Uint8Array): RgbaImage {
  if (!hasJpegSignature(bytes)) throw corrupt('it does not start with the JPEG signature');
  checkFrameSize(bytes);
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      // jpeg-js's own guards, set to our limits so a forged header fails before it allocates.
      maxResolutionInMP: MAX_PIXELS / 1e6,
      maxMemoryUsageInMB: MAX_DECODE_MEMORY_MB,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    // jpeg-js reports its limits only as message text; this is the one place that has to read it.
    if (/maxResolutionInMP/.test(why)) {
      throw new TesseraError('invalid-input', `This JPEG is too large for Tessera to open (over ${MAX_PIXELS / 2 ** 20} megapixels).`, { cause: e });
    }
    if (/maxMemoryUsage|Could not allocate/.test(why)) {
      throw new TesseraError('invalid-input', `This JPEG needs more than ${MAX_DECODE_MEMORY_MB} MB to decode. Scale it down first.`, { cause: e });
    }
    throw corrupt(why, e);
  }
  checkImageSize(raw.width, raw.height);
  const data = new Uint8ClampedArray(raw.data.buffer, raw.data.byteOffset, raw.width * raw.height * 4);
  return createImage(raw.width, raw.height, data);
}

const MAX_DECODE_MEMORY_MB = 2048;

/**
 * Every 8×8 block of every component costs at least one bit of entropy-coded data (its DC
 * code), and with sampling factors of at most 4 a block covers at most 64 × 16 pixels. A header
 * claiming more pixels than that allows is forged or cut short.
 */
const MAX_PIXELS_PER_BYTE = 8 * 64 * 16;

/**
 * Reads the frame size from the SOF marker and refuses it before jpeg-js allocates: jpeg-js
 * makes one Int32Array per 8×8 block up front, so a 700-byte file claiming 16000×16000 took
 * 37 s and 5 GB before failing on its memory limit.
 */
function checkFrameSize(bytes: Uint8Array): void {
  const size = readFrameSize(bytes);
  if (!size) return; // no SOF before the scan data: jpeg-js will say what is wrong
  checkImageSize(size.width, size.height);
  if (size.width * size.height > bytes.length * MAX_PIXELS_PER_BYTE) {
    throw corrupt(`it says it is ${size.width}×${size.height}, but the file is far too short for that`);
  }
}

/** Walks the marker segments up to the first SOFn (ITU T.81 §B.1.1); null if none is found. */
function readFrameSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda) return null; // start of scan
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[at + 5] << 8) | bytes[at + 6], width: (bytes[at + 7] << 8) | bytes[at + 8] };
    }
    const standalone = marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
    at += standalone ? 2 : 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  return null;
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
