/**
 * The Photopea plugin page: Photopea opens it in an iframe beside the canvas (Window › Plugins)
 * and runs our scripts on postMessage. The panel fills the frame; there is no editor view, the
 * document lives in Photopea. The only file that knows the panel runs in Photopea.
 *
 * The page keeps no models and bundles no onnxruntime-web (it stays small): Generate, and
 * Upscale's refinement, run on an inference server (the Compute setting, by default a local
 * `tessera serve`), which also gives out the tokenizers the page needs. Without one, Pixelate and
 * Lanczos upscaling still work.
 */
import '../components/tessera-panel.js';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import { PhotopeaClient } from '../../src/hosts/photopea/photopea-client.js';
import { PhotopeaHost } from '../../src/hosts/photopea/photopea-host.js';
import { loadManifest } from '../../src/runtime/models/manifest.js';
import { PanelController } from '../state/panel-controller.js';
import { initialPanelState } from '../state/initial-panel-state.js';
import { createPanelStore } from '../state/panel-store.js';
import { serverModelCache } from '../state/server-model-cache.js';
import { createWorkerCompute } from '../workers/worker-compute.js';
import { localSettingsStorage } from './local-settings.js';

const client = new PhotopeaClient({ parent: window.parent, inbox: window });
const host = new PhotopeaHost(client);
const storage = localSettingsStorage('tessera.panel.v1');
const store = createPanelStore(initialPanelState(host, storage, { modelSource: 'server' }));
const manifest = loadManifest(BUNDLED_MANIFEST);
const workerUrl = new URL('./pixelate-worker.js', import.meta.url);
const startWorker = () => new Worker(workerUrl, { type: 'module', name: 'tessera-pixelate' });
const panelController = new PanelController({
  store,
  host,
  compute: createWorkerCompute(startWorker),
  previewCompute: createWorkerCompute(startWorker),
  storage,
  models: { cache: serverModelCache(() => store.get().compute, { manifest }), manifest },
});

const panel = document.createElement('tessera-panel');
document.body.append(panel);
panel.state = store.get();
store.subscribe((state) => { panel.state = state; });
panelController.connect(panel);
// Say at once whether the server answers, and what it serves.
void panelController.testConnection();

// Photopea tells a plugin nothing when the document changes. The user edits in Photopea and
// comes back to the panel, which focuses this frame: that is when the preview may be stale.
panelController.schedulePreview();
window.addEventListener('focus', () => panelController.schedulePreview());

// For the curious, in the browser devtools: the panel state.
Object.assign(window, { tessera: { store } });
