import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ImageQuantizer, initSync } from 'libimagequant-wasm/wasm/libimagequant_wasm.js';
import type { RgbaImage } from '../../src/core/image.js';
import { createPalette, type Palette } from '../../src/core/palette/palette.js';

/**
 * libimagequant-wasm 0.3.0. Its default export wants a browser module Worker, so we use the raw
 * wasm-bindgen module and instantiate it synchronously from the .wasm bytes
 * (shared/reference/quantization.md §1.2). Instantiating twice is a no-op inside initSync.
 */
export function initLibimagequant(): void {
  const wasmPath = createRequire(import.meta.url).resolve('libimagequant-wasm/wasm/libimagequant_wasm_bg.wasm');
  initSync({ module: readFileSync(wasmPath) });
}

export interface LibimagequantOptions {
  readonly colors: number;
  /** 1 (best) .. 10 (fastest); 4 is libimagequant's default. */
  readonly speed: number;
}

/** A palette from libimagequant's median cut + k-means (quantizeImage then getPalette). */
export function libimagequantPalette(image: RgbaImage, options: LibimagequantOptions): Palette {
  const quantizer = new ImageQuantizer();
  try {
    quantizer.setMaxColors(options.colors);
    quantizer.setSpeed(options.speed);
    const result = quantizer.quantizeImage(image.data, image.width, image.height);
    try {
      const rgb: number[] = [];
      for (const entry of result.getPalette()) rgb.push(...rgbOf(entry));
      return createPalette('libimagequant', rgb);
    } finally {
      result.free();
    }
  } finally {
    quantizer.free();
  }
}

/** getPalette() is typed `Array<any>`; each entry is an [r, g, b, a] array, checked here at the boundary. */
function rgbOf(entry: unknown): [number, number, number] {
  if (!Array.isArray(entry) || entry.length < 3 || !entry.slice(0, 3).every((v) => typeof v === 'number')) {
    throw new Error(`libimagequant-wasm returned an unexpected palette entry: ${JSON.stringify(entry)}`);
  }
  return [entry[0] as number, entry[1] as number, entry[2] as number];
}
