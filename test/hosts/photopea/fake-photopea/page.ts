import { pngDataUrl } from '../../../../src/core/codecs/base64.js';
import { encodePng } from '../../../../src/core/codecs/png.js';
import { hueSweepImage } from '../../../fixtures/images.js';
import { FakePhotopea } from './fake-photopea.js';

/**
 * The fake Photopea as a web page: the plugin runs in an iframe, exactly as Photopea opens it
 * (Window › Plugins), and talks to this window with postMessage. `?plugin=URL` is the plugin
 * page; `?scenario=` picks the document: `photo` (a 160×120 photo layer, a 64×48 selection at
 * (16, 8)), `no-document`, or `broken-export` (the photo, but `layer.duplicate()` throws).
 * Noise pings every 15 ms, and a placed image arrives 250 ms after its "done" (long enough that
 * the plugin must poll for it). Tests read the documents through `window.fakePhotopea.snapshot()`.
 */

export interface LayerSnapshot {
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly visible: boolean;
  readonly pixels: number[];
}

export interface PhotopeaSnapshot {
  readonly documents: { readonly name: string; readonly history: string[]; readonly layers: LayerSnapshot[] }[];
  readonly activeDocument: string | null;
  readonly noiseSent: number;
  readonly scriptsRun: number;
  readonly scriptsWhilePlacing: number;
  readonly uncaught: string[];
}

const params = new URLSearchParams(location.search);
const scenario = params.get('scenario') ?? 'photo';
const frame = document.createElement('iframe');
frame.id = 'plugin';
frame.title = 'Tessera';
frame.style.cssText = 'width: 320px; height: 720px; border: 0; float: right;';

const fake = new FakePhotopea({
  send: (message) => frame.contentWindow?.postMessage(message, '*'),
  placeDelayMs: 250,
  failDuplicate: scenario === 'broken-export',
});
if (scenario !== 'no-document') {
  fake.openDocument({
    name: 'photo.jpg',
    width: 160,
    height: 120,
    layers: [{ name: 'Photo', pixels: hueSweepImage(160, 120) }],
    selection: { x: 16, y: 8, width: 64, height: 48 },
  });
}

window.addEventListener('message', (event) => {
  if (event.source === frame.contentWindow) fake.receive(event.data);
});
frame.addEventListener('load', () => fake.ready());
setInterval(() => fake.ping(), 15);
frame.src = params.get('plugin') ?? 'about:blank';
document.body.append(frame);

// The canvas, for people looking at screenshots: the active document, 3× and crisp.
const canvas = document.createElement('img');
canvas.alt = 'Document';
canvas.style.cssText = 'margin: 16px; image-rendering: pixelated; background: repeating-conic-gradient(#ccc 0 25%, #fff 0 50%) 0 0 / 12px 12px;';
let shown = '';
setInterval(() => {
  const doc = fake.active;
  const key = doc ? `${doc.name} ${doc.history.length} ${doc.layers.length}` : '';
  if (key === shown) return;
  shown = key;
  canvas.src = doc ? pngDataUrl(encodePng(doc.composite())) : '';
  canvas.style.width = doc ? `${doc.width * 3}px` : '0';
}, 100);
document.body.append(canvas);

function snapshot(): PhotopeaSnapshot {
  return {
    documents: fake.documents.map((doc) => ({
      name: doc.name,
      history: [...doc.history],
      layers: doc.layers.map((l) => ({
        name: l.name, x: l.x, y: l.y, visible: l.visible,
        width: l.pixels?.width ?? 0, height: l.pixels?.height ?? 0, pixels: l.pixels ? Array.from(l.pixels.data) : [],
      })),
    })),
    activeDocument: fake.active?.name ?? null,
    noiseSent: fake.noiseSent,
    scriptsRun: fake.scriptsRun,
    scriptsWhilePlacing: fake.scriptsWhilePlacing,
    uncaught: [...fake.uncaught],
  };
}

Object.assign(window, { fakePhotopea: { snapshot } });
