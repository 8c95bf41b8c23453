import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../src/core/palette/presets.js';
import { resolveGrid, resolvePixelateOptions } from '../../../src/core/pixelate/options.js';

const pico = { kind: 'fixed', palette: getPreset('pico-8').palette } as const;

describe('resolveGrid', () => {
  it('keeps the aspect for "longest side N cells"', () => {
    expect(resolveGrid({ kind: 'longest', cells: 64 }, 1024, 768)).toEqual({ width: 64, height: 48 });
    expect(resolveGrid({ kind: 'longest', cells: 64 }, 300, 1000)).toEqual({ width: 19, height: 64 });
    expect(resolveGrid({ kind: 'longest', cells: 10 }, 1000, 20)).toEqual({ width: 10, height: 1 });
  });

  it('takes an exact grid and a cell size in pixels', () => {
    expect(resolveGrid({ kind: 'exact', width: 32, height: 20 }, 640, 480)).toEqual({ width: 32, height: 20 });
    expect(resolveGrid({ kind: 'cell-size', px: 8 }, 1001, 640)).toEqual({ width: 125, height: 80 });
  });

  it('refuses a grid with more cells than the image has pixels, saying the limit', () => {
    expect(() => resolveGrid({ kind: 'longest', cells: 64 }, 32, 32)).toThrowError(/64×64 grid.*32×32 image.*up to 32×32/);
    expect(() => resolveGrid({ kind: 'cell-size', px: 500 }, 100, 80)).toThrowError(/larger than the 100×80 image/);
  });
});

describe('resolvePixelateOptions', () => {
  it('fills the defaults', () => {
    const o = resolvePixelateOptions({ grid: { kind: 'longest', cells: 32 }, palette: pico });
    expect(o).toMatchObject({ downscale: 'area', dither: 'none', ditherStrength: 1, alphaThreshold: 0.5, cleanup: false, output: 'original', seed: 1 });
  });

  it.each([
    [{ dither: 'ordered' }, /Unknown dither "ordered"/],
    [{ downscale: 'median' }, /Unknown downscale method/],
    [{ ditherStrength: 1.5 }, /dither strength must be between 0 and 1/],
    [{ alphaThreshold: -0.1 }, /alpha threshold/],
    [{ output: 0 }, /output scale must be a whole number from 1 to 64/],
    [{ seed: 1.5 }, /seed/],
    [{ grid: { kind: 'longest', cells: 0 } }, /grid size must be a whole number/],
    [{ palette: { kind: 'extract', colors: 300 } }, /number of colours/],
  ])('refuses %o with a message that names the field', (patch, message) => {
    expect(() => resolvePixelateOptions({ grid: { kind: 'longest', cells: 32 }, palette: pico, ...(patch as object) })).toThrowError(message);
  });
});
