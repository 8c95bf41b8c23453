/**
 * The standalone editor page that `npm start` serves: our own small editor (document, layers,
 * selection, history) with the Tessera panel docked on the right. The only file that knows
 * which host the panel runs in.
 */
import '../components/tessera-panel.js';
import '../editor/tessera-editor.js';
import BUNDLED_MANIFEST from '../../models/manifest.json';
import type { TesseraError } from '../../src/core/errors.js';
import { EditorDocument } from '../../src/hosts/standalone/editor-document.js';
import { StandaloneHost } from '../../src/hosts/standalone/standalone-host.js';
import { BrowserModelCache } from '../../src/runtime/cache/browser-model-cache.js';
import type { ModelSpec } from '../../src/runtime/model-runner.js';
import type { OrtModule } from '../../src/runtime/onnx/ort-module.js';
import { createOrtWebRunner } from '../../src/runtime/onnx/ort-web-runner.js';
import { loadManifest } from '../../src/runtime/models/manifest.js';
import { fetchLearnedUpsampler } from '../../src/runtime/upsample/fetch-learned-upsampler.js';
import { EditorController } from '../editor/editor-controller.js';
import { PanelController } from '../state/panel-controller.js';
import { initialPanelState } from '../state/initial-panel-state.js';
import { createPanelStore } from '../state/panel-store.js';
import { createWorkerCompute } from '../workers/worker-compute.js';
import { localSettingsStorage } from './local-settings.js';

const doc = new EditorDocument();
const host = new StandaloneHost(doc);
const storage = localSettingsStorage('tessera.panel.v1');
// Generate runs on onnxruntime-web, loaded on the first Generate: WebGPU where the browser has an
// adapter, else wasm. Its .wasm is copied beside app.js by the build; the JS glue is in the bundle.
let ortModule: Promise<OrtModule> | null = null;
const loadOrt = (): Promise<OrtModule> =>
  (ortModule ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.wasmPaths = { wasm: new URL('./ort-wasm-simd-threaded.jsep.wasm', import.meta.url).href };
    return ort as unknown as OrtModule;
  }));
const createRunner = async (spec: ModelSpec, bytes: Uint8Array) => createOrtWebRunner(spec, bytes, { preferred: ['webgpu', 'wasm'], ort: await loadOrt() });
// Models live in this origin's private storage (OPFS); they are fetched only when the user asks.
// The learned ×2 upsampler (RDN ×2, ~0.9 MB) is a build output copied beside app.js: fetched only
// when an Upscale with "Learned ×2" runs, and run on the same onnxruntime-web.
const pageFetch = globalThis.fetch.bind(globalThis);
const models = BrowserModelCache.available()
  ? {
      cache: new BrowserModelCache(),
      manifest: loadManifest(BUNDLED_MANIFEST),
      fetch: pageFetch,
      createRunner,
      learnedUpsamplerBytes: fetchLearnedUpsampler(new URL('./rdn-2x.onnx', import.meta.url).href, pageFetch),
    }
  : undefined;
const store = createPanelStore(initialPanelState(host, storage, { models: models !== undefined, learnedUpsampler: models !== undefined }));
const workerUrl = new URL('./pixelate-worker.js', import.meta.url);
const startWorker = () => new Worker(workerUrl, { type: 'module', name: 'tessera-pixelate' });
const panelController = new PanelController({
  store,
  host,
  compute: createWorkerCompute(startWorker),
  previewCompute: createWorkerCompute(startWorker),
  storage,
  models,
});

const editor = document.createElement('tessera-editor');
const panel = document.createElement('tessera-panel');
editor.append(panel);
document.body.append(editor);

panel.state = store.get();
store.subscribe((state) => { panel.state = state; });
panelController.connect(panel);

const showError = (error: TesseraError) => store.update({ error: { code: error.code, message: error.userMessage } });
const editorController = new EditorController({ document: doc, view: editor, showError });
editorController.connect();
// The preview follows the target: another layer, another selection, an undo.
doc.subscribe(() => panelController.schedulePreview());

// A sample photo, so a newcomer sees something at once.
void fetch('./sample.jpg')
  .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(`sample: HTTP ${response.status}`))))
  .then((blob) => editorController.openFile(new File([blob], 'coffee.jpg', { type: 'image/jpeg' }), 'open'))
  .catch(() => panelController.schedulePreview()); // no sample: the empty canvas explains how to open one

// For the browser tests and the curious: the live document and panel state.
Object.assign(window, { tessera: { document: doc, store } });
