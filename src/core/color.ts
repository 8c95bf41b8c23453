/**
 * Colour spaces. Averaging and error diffusion happen in linear light; nearest-colour search and
 * clustering in OKLab (Ottosson 2020, bottosson.github.io/posts/oklab); CIEDE2000 lives in
 * ciede2000.ts and is a metric only.
 */

/** sRGB 8-bit code value → linear light 0..1 (IEC 61966-2-1), as a 256-entry table. */
export const SRGB_TO_LINEAR: Float32Array = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = srgbToLinear(i / 255);
  return t;
})();

/**
 * Linear → 8-bit sRGB table. 65,536 steps keep every lookup within 0.05 of a code value even near
 * black, where the curve is steepest, so the round trip 8-bit → linear → 8-bit is exact (tested).
 */
const LINEAR_LUT_STEPS = 65535;
const LINEAR_TO_SRGB8: Uint8Array = (() => {
  const t = new Uint8Array(LINEAR_LUT_STEPS + 1);
  for (let i = 0; i <= LINEAR_LUT_STEPS; i++) t[i] = Math.round(linearToSrgb(i / LINEAR_LUT_STEPS) * 255);
  return t;
})();

export function srgbToLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function linearToSrgb(l: number): number {
  return l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055;
}

/** Linear 0..1 (clamped) → 8-bit sRGB code through the table: fast enough for per-pixel loops. */
export function linearToSrgb8(l: number): number {
  if (!(l > 0)) return 0;
  if (l >= 1) return 255;
  return LINEAR_TO_SRGB8[(l * LINEAR_LUT_STEPS + 0.5) | 0];
}

export type Vec3 = [number, number, number];

/** Linear sRGB → OKLab. `out` is reused when given, to keep hot loops allocation-free. */
export function linearToOklab(r: number, g: number, b: number, out: Vec3 = [0, 0, 0]): Vec3 {
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  out[0] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return out;
}

export function oklabToLinear(L: number, a: number, b: number, out: Vec3 = [0, 0, 0]): Vec3 {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  out[0] = 4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s;
  out[1] = -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s;
  out[2] = -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s;
  return out;
}

export function srgb8ToOklab(r: number, g: number, b: number, out: Vec3 = [0, 0, 0]): Vec3 {
  return linearToOklab(SRGB_TO_LINEAR[r], SRGB_TO_LINEAR[g], SRGB_TO_LINEAR[b], out);
}

/** OKLab → 8-bit sRGB, clamped into the gamut channel by channel. */
export function oklabToSrgb8(L: number, a: number, b: number): Vec3 {
  const lin = oklabToLinear(L, a, b);
  return [linearToSrgb8(lin[0]), linearToSrgb8(lin[1]), linearToSrgb8(lin[2])];
}

/** D65 reference white for CIE Lab (Xn, Yn, Zn). */
const D65 = [0.95047, 1, 1.08883] as const;
const LAB_EPSILON = 216 / 24389;
const LAB_KAPPA = 24389 / 27;

/** 8-bit sRGB → CIE L*a*b* (D65), for CIEDE2000. */
export function srgb8ToLab(r: number, g: number, b: number): Vec3 {
  const R = SRGB_TO_LINEAR[r], G = SRGB_TO_LINEAR[g], B = SRGB_TO_LINEAR[b];
  const x = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / D65[0];
  const y = (0.2126729 * R + 0.7151522 * G + 0.072175 * B) / D65[1];
  const z = (0.0193339 * R + 0.119192 * G + 0.9503041 * B) / D65[2];
  const f = (t: number) => (t > LAB_EPSILON ? Math.cbrt(t) : (LAB_KAPPA * t + 16) / 116);
  const fx = f(x), fy = f(y), fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** '#rrggbb' or 'rrggbb' → [r, g, b]; null if it is not six hex digits. */
export function parseHexColor(text: string): Vec3 | null {
  const m = /^#?([0-9a-fA-F]{6})$/.exec(text.trim());
  if (!m) return null;
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export function toHexColor(r: number, g: number, b: number): string {
  return '#' + ((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1);
}
