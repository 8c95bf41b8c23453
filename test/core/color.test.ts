import { describe, expect, it } from 'vitest';
import { SRGB_TO_LINEAR, linearToOklab, linearToSrgb8, oklabToLinear, oklabToSrgb8, parseHexColor, srgb8ToOklab, srgbToLinear, toHexColor } from '../../src/core/color.js';
import { ciede2000 } from '../../src/core/ciede2000.js';
import { SHARMA_2005_PAIRS } from '../fixtures/ciede2000-sharma-2005.js';

describe('sRGB transfer', () => {
  it('matches IEC 61966-2-1 at the breakpoints and ends', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(1)).toBeCloseTo(1, 12);
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 12);
    expect(SRGB_TO_LINEAR[128]).toBeCloseTo(0.2158605, 6);
  });

  it('round-trips every 8-bit code through linear light exactly', () => {
    for (let c = 0; c < 256; c++) expect(linearToSrgb8(SRGB_TO_LINEAR[c])).toBe(c);
  });

  it('clamps out-of-range linear values', () => {
    expect(linearToSrgb8(-0.2)).toBe(0);
    expect(linearToSrgb8(1.7)).toBe(255);
    expect(linearToSrgb8(Number.NaN)).toBe(0);
  });
});

describe('OKLab', () => {
  // Reference values from shared/reference/quantization.md §2.2 (they reproduce Ottosson's table).
  const cases: [number, number, number, number, number, number][] = [
    [255, 255, 255, 1, 0, 0],
    [0, 0, 0, 0, 0, 0],
    [128, 128, 128, 0.599871, 0, 0],
    [255, 0, 0, 0.627955, 0.224863, 0.125846],
    [0, 255, 0, 0.86644, -0.233888, 0.179498],
    [0, 0, 255, 0.452014, -0.032457, -0.311528],
  ];
  it.each(cases)('sRGB (%i, %i, %i) → OKLab (%f, %f, %f)', (r, g, b, L, a, bb) => {
    const lab = srgb8ToOklab(r, g, b);
    expect(lab[0]).toBeCloseTo(L, 4);
    expect(lab[1]).toBeCloseTo(a, 4);
    expect(lab[2]).toBeCloseTo(bb, 4);
  });

  it('inverts exactly enough to give back every 8-bit grey and the primaries', () => {
    for (const [r, g, b] of [[0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [17, 130, 250], ...Array.from({ length: 256 }, (_, v) => [v, v, v])]) {
      const lab = srgb8ToOklab(r, g, b);
      expect(oklabToSrgb8(lab[0], lab[1], lab[2])).toEqual([r, g, b]);
    }
  });

  it('oklabToLinear is the inverse of linearToOklab', () => {
    const lin = oklabToLinear(...linearToOklab(0.2, 0.5, 0.7));
    expect(lin[0]).toBeCloseTo(0.2, 6);
    expect(lin[1]).toBeCloseTo(0.5, 6);
    expect(lin[2]).toBeCloseTo(0.7, 6);
  });
});

describe('CIEDE2000', () => {
  it.each(SHARMA_2005_PAIRS.map((p, i) => [i + 1, ...p] as const))('Sharma 2005 pair %i', (_n, L1, a1, b1, L2, a2, b2, expected) => {
    expect(Math.abs(ciede2000(L1, a1, b1, L2, a2, b2) - expected)).toBeLessThan(1e-4);
  });

  it('is symmetric and zero for identical colours', () => {
    expect(ciede2000(50, 2.5, -80, 50, 2.5, -80)).toBe(0);
    expect(ciede2000(50, 2.5, -80, 60, 0, -82)).toBeCloseTo(ciede2000(60, 0, -82, 50, 2.5, -80), 12);
  });
});

describe('hex colours', () => {
  it('parses with or without # and writes lowercase #rrggbb', () => {
    expect(parseHexColor('#1D2B53')).toEqual([0x1d, 0x2b, 0x53]);
    expect(parseHexColor(' ff004d ')).toEqual([255, 0, 77]);
    expect(parseHexColor('#12345')).toBeNull();
    expect(parseHexColor('zzzzzz')).toBeNull();
    expect(toHexColor(29, 43, 83)).toBe('#1d2b53');
  });
});
