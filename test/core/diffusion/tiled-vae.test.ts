import { describe, expect, it } from 'vitest';
import { imageToTensor, tensorToImage, type ImageTensor } from '../../../src/core/diffusion/image-tensor.js';
import type { LatentShape } from '../../../src/core/diffusion/latents.js';
import { tiledDecode, tiledEncode } from '../../../src/core/diffusion/tiled-vae.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage, type RgbaImage } from '../../../src/core/image.js';
import { hueSweepImage, noiseImage } from '../../fixtures/images.js';
import { averagePool8, conv3x3, maxAbsDiff, nearestUpsample8, pointwiseConv, randomKernel, randomLatent } from './toy-models.js';

const MIX_3_TO_4 = [[0.5, -0.2, 0.1], [0.3, 0.3, 0.3], [-0.4, 0.2, 0.6], [0.1, -0.7, 0.2]];
const BIAS_4 = [0.1, -0.2, 0, 0.05];
const MIX_4_TO_3 = [[0.4, -0.1, 0.2, 0.3], [-0.3, 0.5, 0.1, 0], [0.2, 0.2, -0.5, 0.4]];
const BIAS_3 = [0.05, 0, -0.1];
const ENCODER_KERNEL = randomKernel(4, 3, 9, 11, 0.2);
const DECODER_KERNEL = randomKernel(3, 4, 9, 12, 0.1);

/** An "encoder" whose every latent pixel depends on its own 8×8 block only. */
function pointwiseEncoder(tensor: ImageTensor): Float32Array {
  const pooled = averagePool8(tensor);
  return pointwiseConv(pooled.data, MIX_3_TO_4, BIAS_4, pooled.height * pooled.width);
}

/** 8×8 pooling, then a 3×3 convolution with zero padding: tiles differ at their edges. */
function convEncoder(tensor: ImageTensor): Float32Array {
  const pooled = averagePool8(tensor);
  return conv3x3(pooled.data, ENCODER_KERNEL, pooled.height, pooled.width);
}

function pointwiseDecoder(latent: Float32Array, shape: LatentShape): ImageTensor {
  return nearestUpsample8(pointwiseConv(latent, MIX_4_TO_3, BIAS_3, shape[2] * shape[3]), 3, shape[2], shape[3]);
}

function convDecoder(latent: Float32Array, shape: LatentShape): ImageTensor {
  return nearestUpsample8(conv3x3(latent, DECODER_KERNEL, shape[2], shape[3]), 3, shape[2], shape[3]);
}

/** Max over output channels of Σ|k| over every tap but the centre: what zero padding can take away from one output. */
function edgeGain(kernel: number[][][]): number {
  return Math.max(...kernel.map((o) => o.reduce((s, taps) => s + taps.reduce((t, k, i) => t + (i === 4 ? 0 : Math.abs(k)), 0), 0)));
}

async function encodeWith(image: RgbaImage, model: (t: ImageTensor) => Float32Array, tile: number, overlap: number, calls: ImageTensor['shape'][] = []) {
  return tiledEncode(image, {
    tile,
    overlap,
    range: 'neg-one-to-one',
    encodeTile: async (t) => {
      calls.push(t.shape);
      return model(t);
    },
  });
}

async function decodeWith(latent: Float32Array, shape: LatentShape, model: typeof pointwiseDecoder, tile: number, overlap: number, calls: LatentShape[] = []) {
  const image = await tiledDecode(latent, shape, {
    tileLatents: tile,
    overlapLatents: overlap,
    range: 'neg-one-to-one',
    decodeTile: async (l, s) => {
      calls.push(s);
      return model(l, s);
    },
  });
  if (!image) throw new Error('expected an image');
  return image;
}

describe('tiledEncode', () => {
  it.each([
    [256, 192, 'several tiles'],
    [136, 64, 'an uneven row of tiles'],
    [48, 24, 'an image smaller than one tile (padded by reflection)'],
    [200, 40, 'a row of tiles, each padded in height'],
    [64, 64, 'exactly one tile'],
    [8, 8, 'one latent pixel'],
  ])('equals the untiled encoder for a pointwise model at %i×%i (%s)', async (width, height) => {
    const image = hueSweepImage(width, height);
    const calls: ImageTensor['shape'][] = [];
    const { data, shape } = await encodeWith(image, pointwiseEncoder, 64, 32, calls);
    expect(shape).toEqual([1, 4, height / 8, width / 8]);
    expect(maxAbsDiff(data, pointwiseEncoder(imageToTensor(image)))).toBeLessThan(1e-5);
    for (const s of calls) expect(s).toEqual([1, 3, 64, 64]);
    if (width <= 64 && height <= 64) expect(calls.length).toBe(1);
  });

  it('stays within the stated bound of the untiled encoder for a 3×3-conv model', async () => {
    // Bound: only a tile's outermost latent ring (on a side with a neighbour) misses conv taps, by
    // at most edgeGain·max|input| (inputs in [−1, 1]); its blend weight there is 0.5/ramp at most, a
    // pixel lies on at most one such ring per axis, and the weights sum to ≥ 1.
    const image = noiseImage(256, 192, 3);
    const ramp = 32 / 8;
    const { data } = await encodeWith(image, convEncoder, 64, 32);
    const error = maxAbsDiff(data, convEncoder(imageToTensor(image)));
    const bound = 2 * (0.5 / ramp) * edgeGain(ENCODER_KERNEL);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThanOrEqual(bound);
  });

  it('calls the encoder once per tile, in rows, and reports progress up to 1', async () => {
    const fractions: number[] = [];
    let calls = 0;
    await tiledEncode(hueSweepImage(256, 192), {
      tile: 128,
      overlap: 64,
      range: 'zero-to-one',
      encodeTile: async (t) => {
        calls++;
        return pointwiseEncoder(t);
      },
      onProgress: (f) => fractions.push(f),
    });
    expect(calls).toBe(3 * 2); // ⌈(256 − 64)/64⌉ × ⌈(192 − 64)/64⌉
    expect(fractions).toEqual([1, 2, 3, 4, 5, 6].map((i) => i / 6));
  });

  it('refuses sizes that are not multiples of 8 and overlaps as large as the tile', async () => {
    await expect(encodeWith(hueSweepImage(20, 16), pointwiseEncoder, 64, 16)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(encodeWith(hueSweepImage(16, 16), pointwiseEncoder, 64, 64)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(encodeWith(hueSweepImage(16, 16), pointwiseEncoder, 60, 8)).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('says model-mismatch when the encoder returns a tile of the wrong size', async () => {
    const error = await encodeWith(hueSweepImage(16, 16), () => new Float32Array(5), 64, 16).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('model-mismatch');
  });

  it('stops at the next tile once cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = tiledEncode(hueSweepImage(256, 192), {
      tile: 64,
      overlap: 16,
      range: 'neg-one-to-one',
      signal: controller.signal,
      encodeTile: async (t) => {
        if (++calls === 2) controller.abort();
        return pointwiseEncoder(t);
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
  });
});

describe('tiledDecode', () => {
  it.each([
    [24, 40, 'several tiles'],
    [16, 16, 'exactly one tile'],
    [5, 11, 'a latent smaller than one tile (padded by reflection)'],
    [5, 40, 'a row of tiles, each padded in height'],
    [1, 1, 'one latent pixel'],
    [17, 33, 'an uneven layout'],
  ])('equals the untiled decoder for a pointwise model at %i×%i latents (%s)', async (h, w) => {
    const shape: LatentShape = [1, 4, h, w];
    const latent = randomLatent(4 * h * w, h * 100 + w, 0.5);
    const calls: LatentShape[] = [];
    const image = await decodeWith(latent, shape, pointwiseDecoder, 16, 8, calls);
    const expected = tensorToImage(pointwiseDecoder(latent, shape));
    expect(image.width).toBe(w * 8);
    expect(image.height).toBe(h * 8);
    // Blending divides by the weight sum, so a value can land on the other side of a rounding edge.
    expect(maxAbsDiff(image.data, expected.data)).toBeLessThanOrEqual(1);
    for (const s of calls) expect(s).toEqual([1, 4, 16, 16]);
    if (h <= 16 && w <= 16) expect(calls.length).toBe(1);
  });

  it('stays within the stated bound of the untiled decoder for a 3×3-conv model', async () => {
    // Bound: a tile's outermost latent ring becomes 8 pixel rows whose blend weight is at most
    // 7.5/ramp; it misses at most edgeGain·max|latent| there; one ring per axis; ×127.5 to bytes, +1
    // for rounding.
    const h = 24, w = 40, shape: LatentShape = [1, 4, h, w];
    const latent = randomLatent(4 * h * w, 5).map((v) => Math.max(-1, Math.min(1, v)));
    const image = await decodeWith(latent, shape, convDecoder, 16, 8);
    const error = maxAbsDiff(image.data, tensorToImage(convDecoder(latent, shape)).data);
    const bound = 127.5 * 2 * (7.5 / 64) * edgeGain(DECODER_KERNEL) + 1;
    expect(error).toBeGreaterThan(1);
    expect(error).toBeLessThanOrEqual(bound);
  });

  it('streams full-width bands top to bottom that make up the same image, and resolves to null', async () => {
    const h = 40, w = 24, shape: LatentShape = [1, 4, h, w];
    const latent = randomLatent(4 * h * w, 9, 0.5);
    const whole = await decodeWith(latent, shape, pointwiseDecoder, 16, 4);
    const bands: { y: number; band: RgbaImage }[] = [];
    const result = await tiledDecode(latent, shape, {
      tileLatents: 16,
      overlapLatents: 4,
      range: 'neg-one-to-one',
      decodeTile: async (l, s) => pointwiseDecoder(l, s),
      onBand: async (y, band) => {
        bands.push({ y, band });
      },
    });
    expect(result).toBeNull();
    expect(bands.length).toBe(3); // one per row of tiles
    const assembled = createImage(w * 8, h * 8);
    let next = 0;
    for (const { y, band } of bands) {
      expect(y).toBe(next);
      expect(band.width).toBe(w * 8);
      assembled.data.set(band.data, y * w * 8 * 4);
      next = y + band.height;
    }
    expect(next).toBe(h * 8);
    expect(Array.from(assembled.data)).toEqual(Array.from(whole.data));
  });

  it('says model-mismatch when the decoder returns a tile of the wrong shape', async () => {
    const run = tiledDecode(new Float32Array(4 * 4 * 4), [1, 4, 4, 4], {
      tileLatents: 8,
      overlapLatents: 2,
      range: 'neg-one-to-one',
      decodeTile: async () => ({ data: new Float32Array(3 * 32 * 32), shape: [1, 3, 32, 32] }),
    });
    await expect(run).rejects.toMatchObject({ code: 'model-mismatch' });
  });

  it('refuses a latent that does not match its shape', async () => {
    const run = tiledDecode(new Float32Array(10), [1, 4, 4, 4], {
      tileLatents: 8,
      overlapLatents: 2,
      range: 'neg-one-to-one',
      decodeTile: async (l, s) => pointwiseDecoder(l, s),
    });
    await expect(run).rejects.toMatchObject({ code: 'invalid-input' });
  });

  it('stops at the next tile once cancelled, without writing a band', async () => {
    const controller = new AbortController();
    let calls = 0, bands = 0;
    const run = tiledDecode(randomLatent(4 * 40 * 40, 1), [1, 4, 40, 40], {
      tileLatents: 16,
      overlapLatents: 8,
      range: 'neg-one-to-one',
      signal: controller.signal,
      decodeTile: async (l, s) => {
        if (++calls === 2) controller.abort();
        return pointwiseDecoder(l, s);
      },
      onBand: () => {
        bands++;
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(2);
    expect(bands).toBe(0);
  });
});
