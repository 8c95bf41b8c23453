import { assert } from '../../core/errors.js';
import { createImage, type RgbaImage } from '../../core/image.js';

/**
 * Photoshop's imaging buffers ↔ Tessera's 8-bit straight RGBA. Photoshop hands out chunky
 * components with or without alpha (a background layer has none), 8-bit as 0..255 and 16-bit in
 * its own range 0..32768 (imaging.md, "value range"), which is what `getData()` returns unless
 * asked for `fullRange`.
 */

/** The top of Photoshop's 16-bit range. */
export const PS_16BIT_MAX = 32768;

/** Bit depths whose pixels Tessera reads and writes; 32-bit (linear float) and 1-bit are not among them. */
export type PsBitDepth = 8 | 16;

export interface PsPixelLayout {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA). */
  readonly components: number;
  readonly componentSize: number;
}

/** Chunky RGB or RGBA at 8 or 16 bits → a new 8-bit straight-RGBA image (opaque when there is no alpha). */
export function psPixelsToRgba(data: Uint8Array | Uint16Array | Float32Array, layout: PsPixelLayout): RgbaImage {
  const { width, height, components } = layout;
  assert(components === 3 || components === 4, `RGB pixels have 3 or 4 components, not ${components}`);
  assert(data.length === width * height * components, `pixel buffer holds ${data.length} values for ${width}×${height}×${components}`);
  const to8 = componentTo8Bit(layout.componentSize);
  const image = createImage(width, height);
  const out = image.data;
  for (let i = 0, o = 0; o < out.length; i += components, o += 4) {
    out[o] = to8(data[i]);
    out[o + 1] = to8(data[i + 1]);
    out[o + 2] = to8(data[i + 2]);
    out[o + 3] = components === 4 ? to8(data[i + 3]) : 255;
  }
  return image;
}

/** A one-component selection mask at 8 or 16 bits → 0..255 per pixel. */
export function psMaskTo8Bit(data: Uint8Array | Uint16Array | Float32Array, componentSize: number): Uint8Array {
  const to8 = componentTo8Bit(componentSize);
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = to8(data[i]);
  return out;
}

/** 8-bit RGBA → the chunky RGBA buffer `createImageDataFromBuffer` takes for a document of `depth` bits. */
export function rgbaToPsPixels(image: RgbaImage, depth: PsBitDepth): Uint8Array | Uint16Array {
  if (depth === 8) return new Uint8Array(image.data.buffer.slice(image.data.byteOffset, image.data.byteOffset + image.data.byteLength));
  const out = new Uint16Array(image.data.length);
  // Exact round trip: 8 → 16 → 8 gives back every byte (the 16-bit rounding error is < 0.01 of a step).
  for (let i = 0; i < out.length; i++) out[i] = Math.round((image.data[i] * PS_16BIT_MAX) / 255);
  return out;
}

function componentTo8Bit(componentSize: number): (v: number) => number {
  if (componentSize === 8) return (v) => v;
  assert(componentSize === 16, `8- or 16-bit components, not ${componentSize}`);
  return (v) => (v >= PS_16BIT_MAX ? 255 : Math.round((v * 255) / PS_16BIT_MAX));
}
