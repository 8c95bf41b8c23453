import { toTesseraError } from '../../src/core/errors.js';
import { pixelateImageSync } from '../../src/core/pixelate/pipeline.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/**
 * The pixelate pipeline off the UI thread. Runs straight through (a cancel terminates the
 * worker), posting throttled progress; results travel back as transferred buffers.
 */
const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply, transfer?: Transferable[]): void };

scope.onmessage = (event) => {
  const { id, source, options } = event.data;
  try {
    const result = pixelateImageSync(source, options, { onProgress: (progress) => scope.postMessage({ kind: 'progress', id, progress }) });
    const transfer = [result.image.data.buffer, result.indices.buffer] as Transferable[];
    if (result.grid.data.buffer !== result.image.data.buffer) transfer.push(result.grid.data.buffer);
    scope.postMessage({ kind: 'done', id, result }, transfer);
  } catch (e) {
    const error = toTesseraError(e);
    scope.postMessage({ kind: 'failed', id, error: { code: error.code, userMessage: error.userMessage, message: error.message } });
  }
};
