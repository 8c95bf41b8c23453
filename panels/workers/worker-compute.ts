import { TesseraError, toTesseraError } from '../../src/core/errors.js';
import type { PixelateCompute } from '../../src/commands/pixelate.js';
import type { WorkerReply, WorkerRequest } from './worker-protocol.js';

/** What the page needs of a Worker (a real one, or a MessagePort pair in tests). */
export type WorkerLike = Pick<Worker, 'postMessage' | 'addEventListener' | 'removeEventListener' | 'terminate'>;

/**
 * A PixelateCompute that runs in a Web Worker, so the page stays responsive on big layers.
 * Cancelling terminates the worker (a pure-JS loop cannot be interrupted otherwise); the next
 * job starts a fresh one. Refine's diffusion prior runs here, on the page, where the models are
 * loaded: the worker sends each soft image over and waits for the target. Refine previews are
 * passed on as they come (every 25 iterations); whoever shows them throttles.
 */
export function createWorkerCompute(startWorker: () => WorkerLike): PixelateCompute {
  let worker: WorkerLike | null = null;
  let nextId = 1;
  return (source, options, ctx) =>
    new Promise((resolve, reject) => {
      ctx.signal?.throwIfAborted();
      const w = (worker ??= startWorker());
      const id = nextId++;
      let settled = false;
      const finish = () => {
        settled = true;
        w.removeEventListener('message', onMessage as EventListener);
        w.removeEventListener('error', onError as EventListener);
        ctx.signal?.removeEventListener('abort', onAbort);
      };
      /** Ends the job from this side: the worker may be mid-run, so it goes. */
      const stop = (error: TesseraError) => {
        if (settled) return;
        finish();
        worker = null;
        w.terminate();
        reject(error);
      };
      const post = (message: WorkerRequest, transfer: Transferable[] = []) => w.postMessage(message, transfer);
      const answerPrior = (reply: Extract<WorkerReply, { kind: 'prior-request' }>) => {
        const prior = ctx.refinePrior;
        if (!prior) return stop(new TesseraError('internal', 'The pixelate worker asked for the diffusion prior, which this run does not have.'));
        prior(reply.soft, { ...reply.request, ...(ctx.signal ? { signal: ctx.signal } : {}) }).then(
          (target) => {
            if (!settled) post({ kind: 'prior-target', id, requestId: reply.requestId, target });
          },
          (e: unknown) => stop(ctx.signal?.aborted ? new TesseraError('cancelled', 'Cancelled.', { cause: e }) : toTesseraError(e)),
        );
      };
      const onMessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.id !== id || settled) return;
        if (reply.kind === 'progress') ctx.onProgress?.(reply.progress);
        else if (reply.kind === 'refine-preview') ctx.onRefinePreview?.(reply.preview);
        else if (reply.kind === 'prior-request') answerPrior(reply);
        else {
          finish();
          if (reply.kind === 'done') resolve(reply.result);
          else reject(new TesseraError(reply.error.code, reply.error.userMessage, { message: reply.error.message }));
        }
      };
      const onError = (event: ErrorEvent) => stop(new TesseraError('internal', 'The pixelate worker stopped unexpectedly. Try again.', { message: event.message }));
      const onAbort = () => stop(new TesseraError('cancelled', 'Cancelled.', { cause: ctx.signal?.reason }));
      w.addEventListener('message', onMessage as EventListener);
      w.addEventListener('error', onError as EventListener);
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      // A copy goes over: the source may be the document's own (immutable) layer buffer.
      const copy = { width: source.width, height: source.height, data: new Uint8ClampedArray(source.data) };
      const withPrior = ctx.refinePrior !== undefined && Boolean(options.refine?.prior);
      post({ kind: 'pixelate', id, source: copy, options, withPrior, previews: ctx.onRefinePreview !== undefined }, [copy.data.buffer]);
    });
}
