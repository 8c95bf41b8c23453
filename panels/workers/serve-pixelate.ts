import { toTesseraError } from '../../src/core/errors.js';
import { pixelateImage, pixelateImageSync, type PixelateResult, type PixelateRunContext } from '../../src/core/pixelate/pipeline.js';
import type { PriorImage, RefinePriorRequest } from '../../src/core/refine/prior.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** The side of a worker the job sees: `self` in a Worker, a MessagePort in tests. */
export interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(m: WorkerReply, transfer?: Transferable[]): void;
}

/**
 * The pixelate worker's loop. A job runs straight through (a cancel terminates the worker),
 * posting progress and, when asked, Refine's previews; with the diffusion prior it runs async,
 * handing each prior request to the page and waiting for its answer. Results travel back as
 * transferred buffers.
 */
export function servePixelate(scope: WorkerScope): void {
  const waiting = new Map<number, (target: PriorImage) => void>();
  let nextRequest = 1;

  const askPage = (id: number, soft: PriorImage, request: RefinePriorRequest): Promise<PriorImage> =>
    new Promise((resolve) => {
      const requestId = nextRequest++;
      waiting.set(requestId, resolve);
      const { signal: _signal, ...plain } = request;
      scope.postMessage({ kind: 'prior-request', id, requestId, soft, request: plain });
    });

  const run = async (job: Extract<WorkerRequest, { kind: 'pixelate' }>): Promise<void> => {
    const { id, source, options } = job;
    try {
      const ctx: PixelateRunContext = {
        onProgress: (progress) => scope.postMessage({ kind: 'progress', id, progress }),
        ...(job.previews ? { onRefinePreview: (preview) => scope.postMessage({ kind: 'refine-preview', id, preview }, [preview.grid.data.buffer]) } : {}),
      };
      const result: PixelateResult = job.withPrior
        ? await pixelateImage(source, options, { ...ctx, refinePrior: (soft, request) => askPage(id, soft, request) }, { sliceMs: Infinity })
        : pixelateImageSync(source, options, ctx);
      const transfer = [result.image.data.buffer, result.indices.buffer] as Transferable[];
      if (result.grid.data.buffer !== result.image.data.buffer) transfer.push(result.grid.data.buffer);
      scope.postMessage({ kind: 'done', id, result }, transfer);
    } catch (e) {
      const error = toTesseraError(e);
      scope.postMessage({ kind: 'failed', id, error: { code: error.code, userMessage: error.userMessage, message: error.message } });
    }
  };

  scope.onmessage = (event) => {
    const message = event.data;
    if (message.kind === 'prior-target') {
      waiting.get(message.requestId)?.(message.target);
      waiting.delete(message.requestId);
    } else {
      void run(message);
    }
  };
}
