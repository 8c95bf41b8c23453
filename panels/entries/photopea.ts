/**
 * The Photopea plugin page: Photopea opens it in an iframe beside the canvas (Window › Plugins)
 * and runs our scripts on postMessage. The panel fills the frame; there is no editor view, the
 * document lives in Photopea. The only file that knows the panel runs in Photopea.
 */
import '../components/tessera-panel.js';
import { PhotopeaClient } from '../../src/hosts/photopea/photopea-client.js';
import { PhotopeaHost } from '../../src/hosts/photopea/photopea-host.js';
import { PanelController, initialPanelState } from '../state/panel-controller.js';
import { createPanelStore } from '../state/panel-store.js';
import { createWorkerCompute } from '../workers/worker-compute.js';
import { localSettingsStorage } from './local-settings.js';

const client = new PhotopeaClient({ parent: window.parent, inbox: window });
const host = new PhotopeaHost(client);
const storage = localSettingsStorage('tessera.panel.v1');
const store = createPanelStore(initialPanelState(host, storage));
const workerUrl = new URL('./pixelate-worker.js', import.meta.url);
const startWorker = () => new Worker(workerUrl, { type: 'module', name: 'tessera-pixelate' });
const panelController = new PanelController({
  store,
  host,
  compute: createWorkerCompute(startWorker),
  previewCompute: createWorkerCompute(startWorker),
  storage,
});

const panel = document.createElement('tessera-panel');
document.body.append(panel);
panel.state = store.get();
store.subscribe((state) => { panel.state = state; });
panelController.connect(panel);

// Photopea tells a plugin nothing when the document changes. The user edits in Photopea and
// comes back to the panel, which focuses this frame: that is when the preview may be stale.
panelController.schedulePreview();
window.addEventListener('focus', () => panelController.schedulePreview());

// For the curious, in the browser devtools: the panel state.
Object.assign(window, { tessera: { store } });
