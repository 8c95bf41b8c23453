import { decode as decodePngRaw, encode as encodePngRaw, type DecodedPng } from 'fast-png';
import { TesseraError } from '../errors.js';
import { checkImageSize, createImage, type RgbaImage } from '../image.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function hasPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * PNG bytes → RGBA8. Every colour type and bit depth PNG allows (grey, grey+alpha, RGB, RGBA,
 * indexed; 1–16 bits; tRNS colour keys) ends up as 8-bit straight-alpha RGBA.
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!hasPngSignature(bytes)) throw corrupt('it does not start with the PNG signature');
  // Read the size from IHDR before decoding, so a forged header cannot make us allocate gigabytes.
  if (bytes.length < 33) throw corrupt('the file ends inside its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkImageSize(view.getUint32(16), view.getUint32(20));

  let png: DecodedPng;
  try {
    png = decodePngRaw(bytes);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e), e);
  }
  checkImageSize(png.width, png.height);
  return toRgba(png);
}

export interface PngEncodeOptions {
  /** zlib level 0..9; 6 by default (9 is ~3× slower for a few per cent). */
  readonly compressionLevel?: number;
}

/** RGBA8 → PNG bytes (8-bit RGBA). */
export function encodePng(image: RgbaImage, options: PngEncodeOptions = {}): Uint8Array {
  return encodePngRaw(
    { width: image.width, height: image.height, data: image.data, channels: 4, depth: 8 },
    { zlib: { level: clampLevel(options.compressionLevel ?? 6) } },
  );
}

function clampLevel(level: number): 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 {
  return Math.max(0, Math.min(9, Math.round(level))) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

function toRgba(png: DecodedPng): RgbaImage {
  const { width, height, depth, channels } = png;
  const out = createImage(width, height);
  const px = out.data;
  const n = width * height;
  const samples = unpackSamples(png);
  const max = depth === 16 ? 65535 : (1 << depth) - 1;
  const to8 = depth === 8 ? (v: number) => v : (v: number) => Math.round((v * 255) / max);

  if (png.palette) {
    const pal = png.palette;
    for (let i = 0; i < n; i++) {
      const entry = pal[samples[i]];
      if (!entry) throw corrupt(`a pixel uses palette entry ${samples[i]}, but the palette has ${pal.length}`);
      px[i * 4] = entry[0];
      px[i * 4 + 1] = entry[1];
      px[i * 4 + 2] = entry[2];
      px[i * 4 + 3] = entry.length > 3 ? entry[3] : 255;
    }
    return out;
  }

  const key = png.transparency; // tRNS colour key for grey / RGB images
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    let r: number, g: number, b: number, a = 255;
    if (channels === 1 || channels === 2) {
      r = g = b = to8(samples[s]);
      if (channels === 2) a = to8(samples[s + 1]);
      else if (key && key.length >= 1 && samples[s] === key[0]) a = 0;
    } else {
      r = to8(samples[s]);
      g = to8(samples[s + 1]);
      b = to8(samples[s + 2]);
      if (channels === 4) a = to8(samples[s + 3]);
      else if (key && key.length >= 3 && samples[s] === key[0] && samples[s + 1] === key[1] && samples[s + 2] === key[2]) a = 0;
    }
    px[i * 4] = r;
    px[i * 4 + 1] = g;
    px[i * 4 + 2] = b;
    px[i * 4 + 3] = a;
  }
  return out;
}

/** One number per sample: fast-png leaves depths below 8 packed, with each row padded to a byte. */
function unpackSamples(png: DecodedPng): ArrayLike<number> {
  const { width, height, depth, channels, data } = png;
  const perRow = width * channels;
  if (depth >= 8) {
    if (data.length < perRow * height) throw corrupt('the image data is shorter than its size says');
    return data;
  }
  const rowBytes = Math.ceil((perRow * depth) / 8);
  if (data.length < rowBytes * height) throw corrupt('the image data is shorter than its size says');
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < perRow; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)];
      out[y * perRow + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

function corrupt(why: string, cause?: unknown): TesseraError {
  return new TesseraError('unsupported-format', `This PNG file is damaged or not a PNG (${why}).`, {
    details: { format: 'png' },
    cause,
  });
}
