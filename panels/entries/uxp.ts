/// <reference path="../../types/uxp.d.ts" />
/**
 * The Photoshop UXP plugin: the Tessera panel and the "Pixelate layer" and "Upscale canvas"
 * commands (manifest.json). The only file that requires 'photoshop' and 'uxp'; it wires the
 * PhotoshopHost, the store and the PanelController, and holds no logic of its own. UXP has no
 * Worker, so the pipeline runs in this thread, sliced (computeInThread → runSliced).
 *
 * No WebGPU and no model store here: Generate, and Upscale's refinement, run on an inference
 * server (by default a local `tessera serve` at its default port, which the manifest's network
 * permission allows), which also gives out the tokenizers the panel needs. Nothing here loads
 * onnxruntime-web; the remote runner needs only fetch.
 */
import '../components/tessera-panel.js';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { action, app, core, imaging } from 'photoshop';
import { entrypoints } from 'uxp';
import { computeInThread } from '../../src/commands/pixelate.js';
import { PhotoshopHost } from '../../src/hosts/photoshop/photoshop-host.js';
import { loadManifest } from '../../src/runtime/models/manifest.js';
import { PanelController } from '../state/panel-controller.js';
import { initialPanelState } from '../state/initial-panel-state.js';
import { createPanelStore } from '../state/panel-store.js';
import { serverModelCache } from '../state/server-model-cache.js';
import { localSettingsStorage } from './local-settings.js';

/** Entrypoint ids: the same strings as in manifest.json (a test checks). */
const PANEL_ID = 'tessera';
const COMMAND_IDS = { pixelateLayer: 'pixelateLayer', upscaleCanvas: 'upscaleCanvas' } as const;

/** Photoshop events after which the target may have changed: another layer, document or edit. */
const TARGET_EVENTS = ['select', 'historyStateChanged', 'open', 'close'];

const host = new PhotoshopHost({ app, core, imaging });
const storage = localSettingsStorage('tessera.panel.v1');
// No WebGPU here: models run on a server, by default a local `tessera serve` at its default port.
const store = createPanelStore(initialPanelState(host, storage, { modelSource: 'server' }));
const manifest = loadManifest(BUNDLED_MANIFEST);
const controller = new PanelController({
  store,
  host,
  compute: computeInThread,
  previewCompute: computeInThread,
  storage,
  models: { cache: serverModelCache(() => store.get().compute, { manifest }), manifest },
});
const panel = document.createElement('tessera-panel');

// Called once and first thing: UXP throws if setup comes late or twice (hosts.md §2.2).
entrypoints.setup({
  panels: {
    [PANEL_ID]: {
      create: (rootNode) => mountPanel(rootNode),
      show: () => controller.schedulePreview(),
    },
  },
  commands: {
    [COMMAND_IDS.pixelateLayer]: () => runFromMenu(() => controller.apply()),
    [COMMAND_IDS.upscaleCanvas]: () => runFromMenu(() => upscaleCanvas()),
  },
});

function mountPanel(rootNode: HTMLElement): void {
  if (panel.isConnected) return;
  panel.theme = hostTheme();
  document.theme?.onUpdated?.addListener(() => (panel.theme = hostTheme()));
  panel.state = store.get();
  store.subscribe((state) => (panel.state = state));
  controller.connect(panel);
  rootNode.append(panel);
  // Keep the preview on the current target; failing to listen costs only that, so say it in the panel.
  action.addNotificationListener(TARGET_EVENTS, () => controller.schedulePreview()).catch((e: unknown) => {
    store.update({ notice: `The preview will not follow layer changes by itself (${e instanceof Error ? e.message : String(e)}); change a setting to refresh it.` });
  });
  controller.schedulePreview();
  // Say at once whether the server answers, and what it serves.
  if (store.get().compute.where === 'server') void controller.testConnection();
}

/**
 * A menu command: Pixelate or Upscale with the panel's saved settings, through the same
 * controller as the panel's buttons (one job at a time, progress in the panel if it is open).
 * The panel may be closed, so failures are also shown as a Photoshop alert.
 */
async function runFromMenu(run: () => Promise<void>): Promise<void> {
  if (store.get().job) {
    await app.showAlert('Tessera is already working on a layer. Wait for it to finish, or cancel it in the Tessera panel.');
    return;
  }
  await run();
  const { error } = store.get();
  if (error) await app.showAlert(error.message);
}

/** Upscale canvas: refined on the server when it holds the models (asked first: the panel may never have opened), else Lanczos alone. */
async function upscaleCanvas(): Promise<void> {
  await controller.refreshModels();
  await controller.upscale();
}

/** Photoshop's four UI themes, mapped onto the panel's two; dark where UXP does not say. */
function hostTheme(): 'light' | 'dark' {
  const theme = document.theme?.getCurrent();
  return theme === 'light' || theme === 'lightest' ? 'light' : 'dark';
}
