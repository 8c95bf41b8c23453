import { describe, expect, it } from 'vitest';
import { createImage } from '../../../src/core/image.js';
import { PS_16BIT_MAX, psMaskTo8Bit, psPixelsToRgba, rgbaToPsPixels } from '../../../src/hosts/photoshop/pixel-conversion.js';
import { placeMask, rectFromPsBounds } from '../../../src/hosts/photoshop/read-layer-pixels.js';

describe('Photoshop pixel conversion', () => {
  it('maps Photoshop\'s 16-bit range 0..32768 onto 0..255', () => {
    const data = Uint16Array.from([0, 16384, 32768, 32768, 128, 129, 32767, 0]);
    const image = psPixelsToRgba(data, { width: 2, height: 1, components: 4, componentSize: 16 });
    expect([...image.data]).toEqual([0, 128, 255, 255, 1, 1, 255, 0]);
  });

  it('makes RGB (no alpha) opaque', () => {
    const image = psPixelsToRgba(Uint8Array.from([1, 2, 3, 4, 5, 6]), { width: 2, height: 1, components: 3, componentSize: 8 });
    expect([...image.data]).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });

  it('writes 8-bit as a copy and 16-bit in Photoshop\'s range, and every byte survives the round trip', () => {
    const image = createImage(256, 1);
    for (let v = 0; v < 256; v++) image.data.set([v, 255 - v, v, v], v * 4);
    const eight = rgbaToPsPixels(image, 8);
    expect(eight).toBeInstanceOf(Uint8Array);
    expect([...eight]).toEqual([...image.data]);
    expect(eight.buffer).not.toBe(image.data.buffer);
    const sixteen = rgbaToPsPixels(image, 16);
    expect(sixteen).toBeInstanceOf(Uint16Array);
    expect(Math.max(...sixteen)).toBe(PS_16BIT_MAX);
    expect(psPixelsToRgba(sixteen, { width: 256, height: 1, components: 4, componentSize: 16 }).data).toEqual(image.data);
  });

  it('rejects layouts it does not know', () => {
    expect(() => psPixelsToRgba(new Float32Array(4), { width: 1, height: 1, components: 4, componentSize: 32 })).toThrow(/8- or 16-bit/);
    expect(() => psPixelsToRgba(new Uint8Array(2), { width: 1, height: 1, components: 2, componentSize: 8 })).toThrow(/3 or 4 components/);
    expect(() => psPixelsToRgba(new Uint8Array(3), { width: 2, height: 1, components: 3, componentSize: 8 })).toThrow(/holds 3 values/);
  });

  it('converts masks and places them over the target, unselected outside', () => {
    expect([...psMaskTo8Bit(Uint16Array.from([0, 16384, 32768]), 16)]).toEqual([0, 128, 255]);
    const mask = placeMask({ bounds: { x: 1, y: 1, width: 2, height: 1 }, values: Uint8Array.from([7, 9]) }, { x: 0, y: 0, width: 3, height: 2 });
    expect([...mask]).toEqual([0, 0, 0, 0, 7, 9]);
  });

  it('rounds bounds outwards and treats empty bounds as none', () => {
    expect(rectFromPsBounds({ left: 0.5, top: 1, right: 3.2, bottom: 4 })).toEqual({ x: 0, y: 1, width: 4, height: 3 });
    expect(rectFromPsBounds({ left: 0, top: 0, right: 0, bottom: 0 })).toBeNull();
  });
});
