import { TesseraError } from '../errors.js';
import { createImage, cropImage, type RgbaImage } from '../image.js';
import { VAE_SCALE, imageToTensor, latentShapeFor, type ImageTensor, type TensorRange } from './image-tensor.js';
import { latentSize, type LatentShape } from './latents.js';
import { centredOffset, cropPlanes, padReflect, readWindowInto } from './latent-window.js';
import { tilePositions, tileSpan, tileWeights, weightSums } from './tile-layout.js';

/**
 * VAE encode and decode of images larger than the model's tile, one tile at a time with linear
 * blending across overlaps (algorithms.md §2.9; layout and weights in tile-layout.ts). Tiles lie
 * inside the image; only an image smaller than a tile is padded, by reflection, and cropped back.
 * Decoding blends one row of tiles at a time and hands finished rows on, so a caller streaming
 * bands keeps about one row of tiles in memory whatever the image height.
 */
export interface TiledEncodeOptions {
  /** Px, a multiple of 8 (512 for TAESD exports with a fixed 512² input). */
  readonly tile: number;
  /** Px, a multiple of 8, below `tile` (e.g. 128 = 25 %). */
  readonly overlap: number;
  readonly range: TensorRange;
  /** Encodes one tile [1,3,tile,tile] (padded by reflection when the image is smaller) → [1,C,tile/8,tile/8]. */
  readonly encodeTile: (tile: ImageTensor, signal?: AbortSignal) => Promise<Float32Array>;
  readonly signal?: AbortSignal;
  /** 0..1, after each tile. */
  readonly onProgress?: (fraction: number) => void;
}

/** Image width and height must be multiples of 8 (the caller pads). One model call when the image fits one tile. */
export async function tiledEncode(image: RgbaImage, options: TiledEncodeOptions): Promise<{ data: Float32Array; shape: LatentShape }> {
  const { tile, overlap, range, encodeTile, signal, onProgress } = options;
  checkTiling(tile, overlap, VAE_SCALE, 'px');
  const [, , h, w] = latentShapeFor(image.width, image.height);
  const ys = tilePositions(image.height, tile, overlap, VAE_SCALE), xs = tilePositions(image.width, tile, overlap, VAE_SCALE);
  const spanY = tileSpan(image.height, tile), spanX = tileSpan(image.width, tile);
  const latentTile = tile / VAE_SCALE, ramp = overlap / VAE_SCALE;
  const inner = {
    top: centredOffset(spanY, tile, VAE_SCALE) / VAE_SCALE,
    left: centredOffset(spanX, tile, VAE_SCALE) / VAE_SCALE,
    height: spanY / VAE_SCALE,
    width: spanX / VAE_SCALE,
  };
  const weightsX = xs.map((x) => tileWeights(x / VAE_SCALE, inner.width, w, ramp));
  let out: Float32Array | null = null, channels = 0, done = 0;
  for (const y of ys) {
    const weightsY = tileWeights(y / VAE_SCALE, inner.height, h, ramp);
    for (let j = 0; j < xs.length; j++) {
      signal?.throwIfAborted();
      let data = imageToTensor(cropImage(image, { x: xs[j], y, width: spanX, height: spanY }), { range }).data;
      if (spanY < tile || spanX < tile) data = padReflect(data, 3, spanY, spanX, tile, tile, inner.top * VAE_SCALE, inner.left * VAE_SCALE);
      const encoded = await encodeTile({ data, shape: [1, 3, tile, tile] }, signal);
      signal?.throwIfAborted();
      const c = channelsOf(encoded, latentTile * latentTile, 'image encoder', `[1, C, ${latentTile}, ${latentTile}]`);
      if (out === null) {
        channels = c;
        out = new Float32Array(latentSize([1, channels, h, w]));
      } else if (c !== channels) {
        throw mismatch('image encoder', `[1, ${channels}, ${latentTile}, ${latentTile}]`, encoded.length);
      }
      const latent = cropPlanes(encoded, channels, latentTile, latentTile, inner);
      accumulateInto(out, channels, h, w, latent, y / VAE_SCALE, xs[j] / VAE_SCALE, weightsY, weightsX[j]);
      onProgress?.(++done / (ys.length * xs.length));
    }
  }
  const data = out as Float32Array;
  normaliseInto(data, channels, weightSums(ys.map((y) => y / VAE_SCALE), inner.height, h, ramp), weightSums(xs.map((x) => x / VAE_SCALE), inner.width, w, ramp));
  return { data, shape: [1, channels, h, w] };
}

export interface TiledDecodeOptions {
  /** Latent pixels per tile side (64). */
  readonly tileLatents: number;
  /** Latent pixels of overlap between neighbours (16), below tileLatents. */
  readonly overlapLatents: number;
  readonly range: TensorRange;
  /** Decodes one latent tile [1,C,t,t] (padded by reflection when the latent is smaller) → image tensor [1,3,8t,8t]. */
  readonly decodeTile: (latent: Float32Array, shape: LatentShape, signal?: AbortSignal) => Promise<ImageTensor>;
  readonly signal?: AbortSignal;
  /** 0..1, after each tile. */
  readonly onProgress?: (fraction: number) => void;
  /**
   * Streaming: receives the finished output in horizontal bands, top to bottom (opaque RGBA, full
   * width). When given, the function keeps only about one row of tiles in memory and resolves to null.
   */
  readonly onBand?: (y: number, band: RgbaImage) => void | Promise<void>;
}

export async function tiledDecode(latent: Float32Array, shape: LatentShape, options: TiledDecodeOptions): Promise<RgbaImage | null> {
  const { tileLatents: tile, overlapLatents: overlap, range, decodeTile, signal, onProgress, onBand } = options;
  checkTiling(tile, overlap, 1, 'latent pixels');
  if (latentSize(shape) !== latent.length || shape[0] !== 1) {
    throw new TesseraError('invalid-input', 'The latent to decode does not match its shape.', {
      details: { shape: [...shape], values: latent.length },
    });
  }
  const [, channels, h, w] = shape;
  const height = h * VAE_SCALE, width = w * VAE_SCALE;
  const ys = tilePositions(h, tile, overlap), xs = tilePositions(w, tile, overlap);
  const spanY = tileSpan(h, tile), spanX = tileSpan(w, tile);
  const padded = spanY < tile || spanX < tile;
  const inner = { top: centredOffset(spanY, tile), left: centredOffset(spanX, tile), height: spanY, width: spanX };
  const pixelTile = tile * VAE_SCALE, ramp = overlap * VAE_SCALE;
  const pixelInner = { top: inner.top * VAE_SCALE, left: inner.left * VAE_SCALE, height: spanY * VAE_SCALE, width: spanX * VAE_SCALE };
  const weightsX = xs.map((x) => tileWeights(x * VAE_SCALE, pixelInner.width, width, ramp));
  const sumsY = weightSums(ys.map((y) => y * VAE_SCALE), pixelInner.height, height, ramp);
  const sumsX = weightSums(xs.map((x) => x * VAE_SCALE), pixelInner.width, width, ramp);
  const output = onBand ? null : createImage(width, height);
  // The open rows: one tile row high, from `accTop`; rows above the next tile row are final.
  const accRows = pixelInner.height, acc = new Float32Array(3 * accRows * width);
  const box = new Float32Array(channels * spanY * spanX);
  let accTop = 0, done = 0;
  for (let i = 0; i < ys.length; i++) {
    const weightsY = tileWeights(ys[i] * VAE_SCALE, pixelInner.height, height, ramp);
    for (let j = 0; j < xs.length; j++) {
      signal?.throwIfAborted();
      readWindowInto(box, latent, channels, h, w, { top: ys[i], left: xs[j], height: spanY, width: spanX });
      const input = padded ? padReflect(box, channels, spanY, spanX, tile, tile, inner.top, inner.left) : box.slice();
      const decoded = await decodeTile(input, [1, channels, tile, tile], signal);
      signal?.throwIfAborted();
      const [, c, th, tw] = decoded.shape;
      if (c !== 3 || th !== pixelTile || tw !== pixelTile || decoded.data.length !== 3 * pixelTile * pixelTile) {
        throw mismatch('image decoder', `[1, 3, ${pixelTile}, ${pixelTile}]`, decoded.data.length);
      }
      const pixels = cropPlanes(decoded.data, 3, pixelTile, pixelTile, pixelInner);
      accumulateInto(acc, 3, accRows, width, pixels, ys[i] * VAE_SCALE - accTop, xs[j] * VAE_SCALE, weightsY, weightsX[j]);
      onProgress?.(++done / (ys.length * xs.length));
    }
    const nextTop = i + 1 < ys.length ? ys[i + 1] * VAE_SCALE : height;
    const band = finishRows(acc, accRows, width, nextTop - accTop, sumsY.subarray(accTop, nextTop), sumsX, range);
    if (onBand) await onBand(accTop, band);
    else (output as RgbaImage).data.set(band.data, accTop * width * 4);
    shiftRows(acc, accRows, width, nextTop - accTop);
    accTop = nextTop;
  }
  return output;
}

/** out[c, top + y, left + x] += tile[c, y, x]·wy[y]·wx[x] for a channels × wy.length × wx.length tile. */
function accumulateInto(
  out: Float32Array,
  channels: number,
  height: number,
  width: number,
  tile: Float32Array,
  top: number,
  left: number,
  wy: Float64Array,
  wx: Float64Array,
): void {
  const th = wy.length, tw = wx.length;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < th; y++) {
      const o = (c * height + top + y) * width + left, t = (c * th + y) * tw, k = wy[y];
      for (let x = 0; x < tw; x++) out[o + x] += tile[t + x] * k * wx[x];
    }
  }
}

/** data[c, y, x] /= sumsY[y]·sumsX[x]. */
function normaliseInto(data: Float32Array, channels: number, sumsY: Float64Array, sumsX: Float64Array): void {
  const h = sumsY.length, w = sumsX.length;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const o = (c * h + y) * w;
      for (let x = 0; x < w; x++) data[o + x] /= sumsY[y] * sumsX[x];
    }
  }
}

/**
 * The first `rows` rows of the 3 × accRows × width accumulator, normalised and converted to opaque
 * RGBA as tensorToImage does (storing into a Uint8ClampedArray rounds and clamps).
 */
function finishRows(
  acc: Float32Array,
  accRows: number,
  width: number,
  rows: number,
  sumsY: Float64Array,
  sumsX: Float64Array,
  range: TensorRange,
): RgbaImage {
  const band = createImage(width, rows), d = band.data;
  const k = range === 'neg-one-to-one' ? 127.5 : 255, offset = range === 'neg-one-to-one' ? 1 : 0;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < rows; y++) {
      const o = (c * accRows + y) * width, p = y * width * 4 + c;
      for (let x = 0; x < width; x++) d[p + 4 * x] = (acc[o + x] / (sumsY[y] * sumsX[x]) + offset) * k;
    }
  }
  for (let i = 3; i < d.length; i += 4) d[i] = 255;
  return band;
}

/** Moves rows [by, accRows) of each channel to the top and zeroes the rest. */
function shiftRows(acc: Float32Array, accRows: number, width: number, by: number): void {
  for (let c = 0; c < 3; c++) {
    const base = c * accRows * width;
    if (by < accRows) acc.copyWithin(base, base + by * width, base + accRows * width);
    acc.fill(0, base + Math.max(0, accRows - by) * width, base + accRows * width);
  }
}

function checkTiling(tile: number, overlap: number, align: number, unit: string): void {
  if (!Number.isInteger(tile / align) || tile < align || !Number.isInteger(overlap / align) || overlap < 0 || overlap >= tile) {
    throw new TesseraError(
      'invalid-input',
      `VAE tiles must be a multiple of ${align} ${unit} with a smaller overlap that is one too (got tile ${tile}, overlap ${overlap}).`,
      { details: { tile, overlap, align } },
    );
  }
}

/** Channels of a model output holding `plane` values per channel; throws model-mismatch when it does not divide. */
function channelsOf(output: Float32Array, plane: number, model: string, expected: string): number {
  const c = output.length / plane;
  if (!Number.isInteger(c) || c < 1) throw mismatch(model, expected, output.length);
  return c;
}

function mismatch(model: string, expected: string, actual: number): TesseraError {
  return new TesseraError('model-mismatch', `The ${model} returned a tile of an unexpected size.`, {
    details: { expected, values: actual },
  });
}
