import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../panels/state/panel-state.js';
import { restoreSettings } from '../../../panels/state/saved-settings.js';

describe('restoreSettings', () => {
  it('gives the defaults for nothing, junk or the wrong shape', () => {
    for (const raw of [null, undefined, 42, 'x', [], { settings: 'no' }]) {
      expect(restoreSettings(raw)).toEqual({ settings: DEFAULT_SETTINGS, customPalettes: [] });
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
});
