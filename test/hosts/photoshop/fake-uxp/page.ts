import type { UxpEntrypoints } from 'uxp';
import { hueSweepImage } from '../../../fixtures/images.js';
import { FakePhotoshop } from '../fake-photoshop.js';

/**
 * The UXP plugin bundle (dist/uxp/index.js, an IIFE that requires 'photoshop' and 'uxp') in a
 * web page, as Photoshop loads it: `require` gives it the in-memory Photoshop (a 24×16 document
 * with one photo layer) and a `uxp` whose `entrypoints.setup` keeps what the plugin registers.
 * The page then creates the panel, as Photoshop does when the user opens it. Tests read the
 * document and run the menu commands through `window.fakeUxp`.
 */

export interface UxpSnapshot {
  readonly width: number;
  readonly height: number;
  /** Bottom to top. */
  readonly layers: { readonly name: string; readonly width: number; readonly height: number }[];
  readonly history: string[];
  readonly alerts: string[];
}

const ps = new FakePhotoshop();
const doc = ps.addDocument({ width: 24, height: 16, title: 'photo.psd' });
ps.addLayer(doc, { name: 'Photo', image: hueSweepImage(24, 16) });
const alerts: string[] = [];
const modules = ps.modules();
// Getters, so the plugin sees the document as it is now.
const app = Object.defineProperties(
  { showAlert: async (message: string) => void alerts.push(message) },
  { activeDocument: { get: () => modules.app.activeDocument }, documents: { get: () => modules.app.documents } },
);
let registered: UxpEntrypoints | null = null;
const required: Record<string, unknown> = {
  photoshop: { app, core: modules.core, imaging: modules.imaging, action: { addNotificationListener: async () => {} } },
  uxp: { entrypoints: { setup: (e: UxpEntrypoints) => void (registered = e) } },
};
Object.assign(window, {
  require: (name: string) => {
    if (!(name in required)) throw new Error(`UXP has no module "${name}"`);
    return required[name];
  },
});

const root = document.createElement('div');
root.style.cssText = 'width: 300px;';
document.body.append(root);
const script = document.createElement('script');
script.src = './uxp-index.js';
script.onload = () => void registered?.panels?.tessera?.create?.(root);
document.head.append(script);

function snapshot(): UxpSnapshot {
  return {
    width: doc.width,
    height: doc.height,
    layers: doc.layers.map((l) => ({ name: l.name, width: l.pixels?.rect.width ?? 0, height: l.pixels?.rect.height ?? 0 })),
    history: [...doc.history],
    alerts: [...alerts],
  };
}

async function runCommand(id: string): Promise<void> {
  const command = registered?.commands?.[id];
  if (!command) throw new Error(`No command ${id}`);
  await (typeof command === 'function' ? command() : command.run());
}

Object.assign(window, { fakeUxp: { snapshot, runCommand } });
