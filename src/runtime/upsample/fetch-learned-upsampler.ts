import { TesseraError } from '../../core/errors.js';
import type { Fetch } from '../download/fetch-following-redirects.js';

/**
 * A source of the learned ×2 upsampler's ONNX bytes for a page that serves the build's
 * rdn-2x.onnx (~0.9 MB) beside its bundle: pass it as `learnedUpsamplerBytes`, which is called
 * only when an Upscale with "Learned ×2" loads its models, so a page that never asks for it never
 * downloads it. Nothing is kept here; the browser's HTTP cache serves a second load.
 */
export function fetchLearnedUpsampler(url: string, fetch: Fetch): (signal?: AbortSignal) => Promise<Uint8Array> {
  return async (signal) => {
    let response: Response;
    try {
      response = await fetch(url, signal ? { signal } : {});
    } catch (e) {
      signal?.throwIfAborted();
      throw new TesseraError('network', `Could not load the learned ×2 upsampler from ${url} (${(e as Error).message}). Reload the page, or choose the Lanczos-3 upsampler.`, {
        details: { url },
        cause: e,
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new TesseraError(
        'model-missing',
        `This page has no learned ×2 upsampler (${url} answered HTTP ${response.status}). Rebuild Tessera with "npm run build", or choose the Lanczos-3 upsampler.`,
        { details: { url, status: response.status } },
      );
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}
