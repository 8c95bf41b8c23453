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
  const header = readPngHeader(bytes);
  let png: DecodedPng;
  try {
    png = decodePngRaw(bytes);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e), e);
  }
  checkImageSize(png.width, png.height);
  return toRgba(png, header.colorType === INDEXED_COLOR_TYPE);
}

interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly colorType: number;
}

const INDEXED_COLOR_TYPE = 3;
const CHANNELS_BY_COLOR_TYPE: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/**
 * Deflate turns each 2-bit length/distance pair into at most 258 bytes, so no zlib stream
 * inflates more than ~1032:1 (zlib's FAQ; 50 MB of zeros at level 9 gives 1028:1). Headroom added.
 */
const MAX_DEFLATE_RATIO = 1100;

/**
 * Checks the chunk layout before fast-png allocates anything: exactly one IHDR, first, with a
 * size we accept, and enough IDAT bytes to possibly hold that many pixels. fast-png itself
 * reads any later IHDR and sizes its buffers from the header alone, so a flipped bit in the
 * width of a tiny file would otherwise cost half a gigabyte before failing.
 */
function readPngHeader(bytes: Uint8Array): PngHeader {
  if (!hasPngSignature(bytes)) throw corrupt('it does not start with the PNG signature');
  if (bytes.length < 33) throw corrupt('the file ends inside its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8) !== 13 || chunkType(bytes, 12) !== 'IHDR') throw corrupt('it does not start with an IHDR chunk');
  const header = { width: view.getUint32(16), height: view.getUint32(20), colorType: bytes[25] };
  checkImageSize(header.width, header.height);

  let idatBytes = 0;
  for (let at = 33; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = chunkType(bytes, at + 4);
    if (type === 'IHDR') throw corrupt('it has a second IHDR chunk');
    if (type === 'IEND') break;
    if (type === 'IDAT') idatBytes += length;
    at += 12 + length;
  }
  const bitsPerPixel = bytes[24] * (CHANNELS_BY_COLOR_TYPE[header.colorType] ?? 1);
  const minDataBytes = Math.floor((header.width * header.height * bitsPerPixel) / 8);
  if (minDataBytes > idatBytes * MAX_DEFLATE_RATIO + 1024) {
    throw corrupt(`it is ${header.width}×${header.height} but holds only ${idatBytes} bytes of image data`);
  }
  return header;
}

function chunkType(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
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

/**
 * `indexed` comes from IHDR's colour type, not from the presence of a PLTE chunk: RGB images may
 * carry a PLTE as a suggested palette (PNG spec §11.2.3), and their samples are not indices.
 */
function toRgba(png: DecodedPng, indexed: boolean): RgbaImage {
  const { width, height, depth, channels } = png;
  const out = createImage(width, height);
  const px = out.data;
  const n = width * height;
  const samples = unpackSamples(png);
  const max = depth === 16 ? 65535 : (1 << depth) - 1;
  const to8 = depth === 8 ? (v: number) => v : (v: number) => Math.round((v * 255) / max);

  if (indexed) {
    if (!png.palette) throw corrupt('an indexed-colour image has no PLTE chunk');
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
