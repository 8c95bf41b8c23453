import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/core/random.js';
import { compositeLayers } from '../../../src/hosts/standalone/composite-layers.js';
import { imageFromRows, solidImage, CLEAR, RED } from '../../fixtures/documents.js';
import { pixelAt } from '../../fixtures/images.js';

describe('compositeLayers: source over, straight alpha, layer opacity', () => {
  it('is transparent with no layers', () => {
    const out = compositeLayers(2, 2, []);
    expect([...out.data]).toEqual(new Array(16).fill(0));
  });

  it('blends a half-transparent layer at 50% opacity over opaque red', () => {
    // as = 128/255 · 0.5 = 64/255; opaque below, so a = 1 and c = cs·as + cd·(1 − as):
    // R = 255 · 191/255 = 191, B = 255 · 64/255 = 64.
    const out = compositeLayers(1, 1, [
      { pixels: solidImage(1, 1, RED), x: 0, y: 0, opacity: 1 },
      { pixels: solidImage(1, 1, [0, 0, 255, 128]), x: 0, y: 0, opacity: 0.5 },
    ]);
    expect(pixelAt(out, 0, 0)).toEqual([191, 0, 64, 255]);
  });

  it('blends partial alpha over partial alpha', () => {
    // as = 128/255, ad' = 128/255 · 127/255, a = 48896/65025 → A = 191.75 → 192;
    // R = 200·ad'/a = 66.49 → 66; B = 200·as/a = 133.51 → 134; G stays 100.
    const out = compositeLayers(1, 1, [
      { pixels: solidImage(1, 1, [200, 100, 0, 128]), x: 0, y: 0, opacity: 1 },
      { pixels: solidImage(1, 1, [0, 100, 200, 128]), x: 0, y: 0, opacity: 1 },
    ]);
    expect(pixelAt(out, 0, 0)).toEqual([66, 100, 134, 192]);
  });

  it('keeps the colour and scales the alpha of a layer over nothing', () => {
    const out = compositeLayers(1, 1, [{ pixels: solidImage(1, 1, [10, 20, 30, 200]), x: 0, y: 0, opacity: 0.5 }]);
    expect(pixelAt(out, 0, 0)).toEqual([10, 20, 30, 100]);
  });

  it('lets an opaque layer at full opacity replace, and skips transparent pixels and 0% layers', () => {
    const top = imageFromRows([[[9, 8, 7, 255], CLEAR]]);
    const out = compositeLayers(2, 1, [
      { pixels: solidImage(2, 1, RED), x: 0, y: 0, opacity: 1 },
      { pixels: top, x: 0, y: 0, opacity: 1 },
      { pixels: solidImage(2, 1, [0, 255, 0, 255]), x: 0, y: 0, opacity: 0 },
    ]);
    expect(pixelAt(out, 0, 0)).toEqual([9, 8, 7, 255]);
    expect(pixelAt(out, 1, 0)).toEqual([255, 0, 0, 255]);
  });

  it('places layers at their position and clips them to the canvas', () => {
    const sprite = imageFromRows([
      [[1, 1, 1, 255], [2, 2, 2, 255]],
      [[3, 3, 3, 255], [4, 4, 4, 255]],
    ]);
    const out = compositeLayers(3, 2, [
      { pixels: sprite, x: -1, y: -1, opacity: 1 },
      { pixels: sprite, x: 2, y: 1, opacity: 1 },
    ]);
    expect(pixelAt(out, 0, 0)).toEqual([4, 4, 4, 255]);
    expect(pixelAt(out, 1, 0)).toEqual([0, 0, 0, 0]);
    expect(pixelAt(out, 2, 1)).toEqual([1, 1, 1, 255]);
  });

  it('does not modify the layers it reads', () => {
    const pixels = solidImage(2, 2, [0, 0, 255, 128]);
    const before = new Uint8ClampedArray(pixels.data);
    compositeLayers(2, 2, [{ pixels: solidImage(2, 2, RED), x: 0, y: 0, opacity: 1 }, { pixels, x: 0, y: 0, opacity: 0.5 }]);
    expect(pixels.data).toEqual(before);
  });

  it('agrees with the textbook formula on random pixels, to within one level', () => {
    const rng = createRng(2024);
    const channel = () => (rng.next() < 0.2 ? [0, 255][rng.int(2)] : rng.int(256));
    for (let trial = 0; trial < 2000; trial++) {
      const below: [number, number, number, number] = [rng.int(256), rng.int(256), rng.int(256), channel()];
      const above: [number, number, number, number] = [rng.int(256), rng.int(256), rng.int(256), channel()];
      const opacity = rng.next() < 0.3 ? 1 : rng.next();
      const out = pixelAt(
        compositeLayers(1, 1, [
          { pixels: solidImage(1, 1, below), x: 0, y: 0, opacity: 1 },
          { pixels: solidImage(1, 1, above), x: 0, y: 0, opacity },
        ]),
        0,
        0,
      );
      const as = (above[3] / 255) * opacity;
      const ad = below[3] / 255;
      const a = as + ad * (1 - as);
      const expected = below.slice(0, 3).map((cd, c) => (a === 0 ? 0 : (above[c] * as + cd * ad * (1 - as)) / a));
      const expectedAlpha = Math.round(a * 255);
      expect(Math.abs(out[3] - expectedAlpha)).toBeLessThanOrEqual(expectedAlpha === 0 ? 0 : 1);
      if (out[3] === 0) continue;
      for (let c = 0; c < 3; c++) expect(Math.abs(out[c] - expected[c])).toBeLessThanOrEqual(1);
    }
  });
});
