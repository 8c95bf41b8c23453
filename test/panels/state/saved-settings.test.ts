import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATE, DEFAULT_SETTINGS, DEFAULT_UPSCALE } from '../../../panels/state/panel-state.js';
import { restoreSettings } from '../../../panels/state/saved-settings.js';
import { DEFAULT_COMPUTE } from '../../../panels/state/compute-settings.js';

describe('restoreSettings', () => {
  it('gives the defaults for nothing, junk or the wrong shape', () => {
    for (const raw of [null, undefined, 42, 'x', [], { settings: 'no' }]) {
      expect(restoreSettings(raw)).toEqual({ settings: DEFAULT_SETTINGS, customPalettes: [], generate: DEFAULT_GENERATE, upscale: DEFAULT_UPSCALE, compute: DEFAULT_COMPUTE });
    }
  });

  it('keeps valid fields and replaces invalid ones one at a time', () => {
    const { settings } = restoreSettings({ settings: { cells: 48, dither: 'sparkle', ditherStrength: 3, gridMode: 'cell-size', cleanup: true, cellSize: 2.5 } });
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, cells: 48, gridMode: 'cell-size', cleanup: true });
  });

  it('keeps only well-formed custom palettes', () => {
    const good = { id: 'custom-1', name: 'Mine', colors: ['#112233'], source: 'imported' };
    const { customPalettes } = restoreSettings({
      customPalettes: [good, { ...good, colors: ['red'] }, { ...good, source: 'preset' }, { ...good, colors: [] }, null],
    });
    expect(customPalettes).toEqual([good]);
  });

  it('restores the Generate values field by field; the backend is never restored', () => {
    const { generate } = restoreSettings({
      generate: { prompt: 'a red fox', strength: 0.6, seed: 4294967295, asPixelArt: true, modelId: 'my-model', backend: 'WebGPU (old)' },
    });
    expect(generate).toEqual({ prompt: 'a red fox', strength: 0.6, seed: 4294967295, asPixelArt: true, modelId: 'my-model', backend: null });
    const bad = restoreSettings({ generate: { prompt: 7, strength: 1.5, seed: 2.5, asPixelArt: 'yes' } }).generate;
    expect(bad).toEqual(DEFAULT_GENERATE);
    expect(restoreSettings({ generate: { seed: -1, strength: 0 } }).generate).toEqual({ ...DEFAULT_GENERATE, strength: 0 });
  });

  it('restores the Upscale values field by field, the Slider held to the saved steps', () => {
    const good = { scale: 'custom', customWidth: 3000, customHeight: 2000, oneStep: true, slider: 12, steps: 30, prompt: 'fox', seed: 4294967295, upsampler: 'learned', scope: 'layer', modelId: 'my-model' };
    expect(restoreSettings({ upscale: good }).upscale).toEqual(good);
    const bad = { scale: 3, customWidth: 0, customHeight: 2.5, oneStep: 'yes', slider: -1, steps: 0, prompt: null, seed: -1, upsampler: 'bicubic', scope: 'all', modelId: '' };
    expect(restoreSettings({ upscale: bad }).upscale).toEqual(DEFAULT_UPSCALE);
    // A Slider past the steps it was saved with falls back, no higher than those steps.
    expect(restoreSettings({ upscale: { steps: 5, slider: 9 } }).upscale).toMatchObject({ steps: 5, slider: 5 });
    expect(restoreSettings({ upscale: { customWidth: 65537 } }).upscale.customWidth).toBe(DEFAULT_UPSCALE.customWidth);
    // Entries saved before the model choice existed refine with the default model.
    expect(restoreSettings({ upscale: { steps: 30 } }).upscale.modelId).toBe('sdxs-512-dreamshaper');
    expect(restoreSettings({ upscale: { modelId: 42 } }).upscale.modelId).toBe(DEFAULT_UPSCALE.modelId);
  });
});
