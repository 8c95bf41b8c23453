import { paletteToHex } from '../../src/core/palette/palette.js';
import { PALETTE_PRESETS } from '../../src/core/palette/presets.js';
import type { Host } from '../../src/hosts/host.js';
import { DEFAULT_SETTINGS, type PaletteEntry, type PanelState } from './panel-state.js';
import { restoreSettings, type SettingsStorage } from './saved-settings.js';

export const PRESET_ENTRIES: readonly PaletteEntry[] = PALETTE_PRESETS.map((p) => ({
  id: p.id,
  name: p.name,
  colors: paletteToHex(p.palette),
  source: 'preset',
}));

/** The panel's first state: saved settings and palettes restored, nothing running. */
export function initialPanelState(
  host: Host,
  storage: SettingsStorage,
  {
    models = false,
    localCompute = true,
    learnedUpsampler = false,
    modelSource = 'cache',
  }: { models?: boolean; localCompute?: boolean; learnedUpsampler?: boolean; /** 'server': the models are a server's (PanelCapabilities.modelSource). */ modelSource?: 'cache' | 'server' } = {},
): PanelState {
  const { settings, customPalettes, generate, upscale, compute } = restoreSettings(storage.load());
  const palettes = [...PRESET_ENTRIES, ...customPalettes];
  const fromServer = modelSource === 'server';
  return {
    capabilities: {
      hostName: host.capabilities.name,
      singleUndoStep: host.capabilities.singleUndoStep,
      models: models || fromServer,
      learnedUpsampler,
      ...(fromServer ? { modelSource } : {}),
    },
    settings: palettes.some((p) => p.id === settings.paletteId) ? settings : { ...settings, paletteId: DEFAULT_SETTINGS.paletteId },
    palettes,
    preview: { kind: 'none', reason: 'Select a layer to see a preview.' },
    job: null,
    error: null,
    notice: null,
    models: [],
    generate,
    upscale,
    // A host that cannot run models itself (Photoshop, Photopea) runs them on a server.
    compute: localCompute && !fromServer ? compute : { ...compute, where: 'server' },
    computeStatus: { kind: 'idle' },
  };
}
