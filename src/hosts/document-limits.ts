import { TesseraError } from '../core/errors.js';
import { checkImageSize } from '../core/image.js';
import type { HostCapabilities } from './host.js';

/**
 * Throws `invalid-input` (details.reason 'too-large') when a width × height document is more
 * than the host can hold, naming the host's limit, so the user can pick a size that fits. Commands
 * call it before any compute; hosts call it again before they resize anything.
 */
export function checkDocumentFits(width: number, height: number, capabilities: HostCapabilities): void {
  checkImageSize(width, height);
  const limit = capabilities.maxDocumentPixels;
  if (width * height <= limit) return;
  const side = Math.floor(Math.sqrt(limit));
  throw new TesseraError(
    'invalid-input',
    `${width}×${height} (${megapixels(width * height)} megapixels) is larger than ${capabilities.name} can hold: at most ${megapixels(limit)} megapixels, e.g. ${side}×${side}. Choose a smaller scale or size, or upscale the file with the tessera command line.`,
    { details: { reason: 'too-large', width, height, maxDocumentPixels: limit, host: capabilities.name } },
  );
}

/** "67.1", "0.3": megapixels with one decimal. */
function megapixels(pixels: number): string {
  return (pixels / 1e6).toFixed(1);
}
