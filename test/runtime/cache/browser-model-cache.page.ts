/** Runs in Chromium: puts the browser cache (and a way to empty OPFS) on `window` for the tests. */
import { BrowserModelCache } from '../../../src/runtime/cache/browser-model-cache.js';
import { loadManifest } from '../../../src/runtime/models/manifest.js';
import { modelState } from '../../../src/runtime/models/model-state.js';
import { pullModel } from '../../../src/runtime/models/pull-model.js';
import { verifyModel } from '../../../src/runtime/models/verify-model.js';

const lib = {
  BrowserModelCache,
  loadManifest,
  modelState,
  pullModel,
  verifyModel,
  async clear(): Promise<void> {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry('tessera-models', { recursive: true }).catch(() => undefined);
  },
  bytes(n: number, seed = 1): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
    return out;
  },
  async collect(chunks: AsyncIterable<Uint8Array>): Promise<number[]> {
    const out: number[] = [];
    for await (const c of chunks) out.push(...c);
    return out;
  },
};

declare global {
  interface Window {
    cacheLib: typeof lib;
  }
}
window.cacheLib = lib;
