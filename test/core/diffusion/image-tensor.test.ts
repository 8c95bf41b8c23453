import { describe, expect, it } from 'vitest';
import {
  imageToTensor,
  latentShapeFor,
  modelSize,
  resizeForModel,
  tensorToImage,
  type ImageTensor,
} from '../../../src/core/diffusion/image-tensor.js';
import { TesseraError } from '../../../src/core/errors.js';
import { createImage } from '../../../src/core/image.js';
import { discSprite, hueSweepImage, noiseImage, pixelAt } from '../../fixtures/images.js';

describe('imageToTensor / tensorToImage', () => {
  it('lays pixels out as [1, 3, h, w] planes in [-1, 1] by default', () => {
    const img = createImage(2, 1, Uint8ClampedArray.of(255, 0, 51, 255, 0, 255, 102, 255));
    const t = imageToTensor(img);
    expect(t.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(t.data)).toEqual([1, -1, -1, 1, 51 / 127.5 - 1, 102 / 127.5 - 1].map(Math.fround));
    const unit = imageToTensor(img, { range: 'zero-to-one' });
    expect(Array.from(unit.data)).toEqual([1, 0, 0, 1, 0.2, 0.4].map(Math.fround));
  });

  it.each(['neg-one-to-one', 'zero-to-one'] as const)('round-trips opaque 8-bit pixels exactly (%s)', (range) => {
    const img = noiseImage(13, 7, 3);
    const back = tensorToImage(imageToTensor(img, { range }), { range });
    expect(back.width).toBe(13);
    expect(back.height).toBe(7);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('composites transparency over the background in linear light', () => {
    const img = createImage(3, 1, Uint8ClampedArray.of(255, 255, 255, 0, 0, 0, 0, 128, 200, 10, 10, 255));
    const t = imageToTensor(img, { range: 'zero-to-one', background: [0, 128, 255] });
    const px = (p: number) => [0, 1, 2].map((c) => t.data[c * 3 + p]);
    expect(px(0)).toEqual([0, 128 / 255, 1].map(Math.fround)); // fully transparent: the background
    const half = px(1); // half-transparent black over the background: darker than it, brighter than a gamma-space mix
    expect(half[0]).toBe(0);
    expect(half[1]).toBeGreaterThan(64 / 255);
    expect(half[1]).toBeLessThan(128 / 255);
    expect(half[2]).toBeCloseTo(0.7341, 3); // linear 1·(1 − 128/255) = 0.498 → sRGB 0.7341
    expect(px(2)).toEqual([200 / 255, 10 / 255, 10 / 255].map(Math.fround));
    const back = tensorToImage(t, { range: 'zero-to-one' });
    expect(pixelAt(back, 0, 0)).toEqual([0, 128, 255, 255]);
    expect(back.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
  });

  it('a sprite on white keeps its colour inside and white outside', () => {
    const t = imageToTensor(discSprite(32, [200, 40, 40]));
    const img = tensorToImage(t);
    expect(pixelAt(img, 16, 16)).toEqual([200, 40, 40, 255]);
    expect(pixelAt(img, 0, 0)).toEqual([255, 255, 255, 255]);
  });

  it('clamps decoder output outside the range', () => {
    const t: ImageTensor = { data: Float32Array.of(-3, 2, 0, Number.NaN, 0.999, 1e9), shape: [1, 3, 1, 2] };
    expect(Array.from(tensorToImage(t).data)).toEqual([0, 128, 255, 255, 255, 0, 255, 255]); // NaN → 0
  });

  it('rejects a tensor whose shape and data disagree', () => {
    const t: ImageTensor = { data: new Float32Array(5), shape: [1, 3, 1, 2] };
    expect(() => tensorToImage(t)).toThrow(TesseraError);
    const four = { data: new Float32Array(8), shape: [1, 4, 1, 2] } as unknown as ImageTensor;
    expect(() => tensorToImage(four)).toThrow(TesseraError);
  });
});

describe('model sizes', () => {
  it('keeps about 512² pixels, the aspect ratio and multiples of 64', () => {
    expect(modelSize(512, 512)).toEqual({ width: 512, height: 512 });
    expect(modelSize(1024, 1024)).toEqual({ width: 512, height: 512 });
    expect(modelSize(100, 100)).toEqual({ width: 512, height: 512 });
    expect(modelSize(1920, 1080)).toEqual({ width: 704, height: 384 });
    expect(modelSize(4000, 10)).toEqual({ width: 10240, height: 64 }); // never below one multiple
    expect(modelSize(300, 200, { targetPixels: 256 * 256, multiple: 8 })).toEqual({ width: 312, height: 208 });
    for (const [w, h] of [[37, 1000], [640, 480], [3000, 2000]]) {
      const s = modelSize(w, h);
      expect(s.width % 64).toBe(0);
      expect(s.height % 64).toBe(0);
    }
    expect(() => modelSize(0, 10)).toThrow(TesseraError);
    expect(() => modelSize(10, 10, { multiple: 12 })).toThrow(TesseraError);
  });

  it('gives [1, 4, h/8, w/8] latents for model-sized images', () => {
    expect(latentShapeFor(512, 512)).toEqual([1, 4, 64, 64]);
    expect(latentShapeFor(704, 384)).toEqual([1, 4, 48, 88]);
    expect(() => latentShapeFor(500, 512)).toThrow(TesseraError);
    expect(() => latentShapeFor(0, 0)).toThrow(TesseraError);
  });

  it('resizes to the model size and back with the right shapes and similar colours', () => {
    const src = hueSweepImage(300, 200);
    const size = modelSize(src.width, src.height);
    const model = resizeForModel(src, size.width, size.height);
    expect([model.width, model.height]).toEqual([640, 448]);
    const t = imageToTensor(model);
    expect(t.shape).toEqual([1, 3, 448, 640]);
    expect(latentShapeFor(model.width, model.height)).toEqual([1, 4, 56, 80]);
    const back = resizeForModel(tensorToImage(t), src.width, src.height);
    expect([back.width, back.height]).toEqual([300, 200]);
    let worst = 0;
    for (let y = 10; y < 190; y += 7) {
      for (let x = 10; x < 290; x += 7) {
        const a = pixelAt(src, x, y), b = pixelAt(back, x, y);
        worst = Math.max(worst, ...[0, 1, 2].map((c) => Math.abs(a[c] - b[c])));
      }
    }
    expect(worst).toBeLessThan(12);
    expect(resizeForModel(src, 300, 200)).toBe(src);
  });
});
