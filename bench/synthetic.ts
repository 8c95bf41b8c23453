import { createImage, type RgbaImage } from '../src/core/image.js';

/** Test pictures made by code (no files): smooth ramps are where dithering and palettes show their flaws. */
export type SyntheticKind = 'gradient' | 'hue-sweep' | 'soft-checker';

export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['gradient', 'hue-sweep', 'soft-checker'];

type PixelFn = (u: number, v: number) => readonly [number, number, number];

const PIXEL_FNS: Record<SyntheticKind, PixelFn> = {
  // Red along x, green along y, blue falling along the diagonal: every pixel a different colour.
  gradient: (u, v) => [u * 255, v * 255, (1 - (u + v) / 2) * 255],
  // Full-saturation hue along x, value from 1 (top) down to 0.3 (bottom).
  'hue-sweep': (u, v) => hsvToRgb(u * 360, 1, 1 - 0.7 * v),
  // 8 × 8 checker of teal and orange whose squares blend into each other over a soft edge.
  'soft-checker': (u, v) => {
    const s = Math.sin(Math.PI * 8 * u) * Math.sin(Math.PI * 8 * v);
    const t = 0.5 + 0.5 * Math.tanh(6 * s);
    return [42 + t * (231 - 42), 157 + t * (111 - 157), 143 + t * (81 - 143)];
  },
};

export function syntheticImage(kind: SyntheticKind, width: number, height: number): RgbaImage {
  const image = createImage(width, height);
  const fn = PIXEL_FNS[kind];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fn(x / Math.max(1, width - 1), y / Math.max(1, height - 1));
      const i = (y * width + x) * 4;
      image.data[i] = r;
      image.data[i + 1] = g;
      image.data[i + 2] = b;
      image.data[i + 3] = 255;
    }
  }
  return image;
}

/** hue in degrees, saturation and value 0..1 → 8-bit-range r, g, b. */
function hsvToRgb(hue: number, saturation: number, value: number): [number, number, number] {
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6;
    return 255 * value * (1 - saturation * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}
