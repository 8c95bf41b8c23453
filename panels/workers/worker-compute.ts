import { TesseraError } from '../../src/core/errors.js';
import type { PixelateCompute } from '../../src/commands/pixelate.js';
import type { WorkerReply } from './worker-protocol.js';

/**
 * A PixelateCompute that runs in a Web Worker, so the page stays responsive on big layers.
 * Cancelling terminates the worker (a pure-JS loop cannot be interrupted otherwise); the next
 * job starts a fresh one.
 */
export function createWorkerCompute(startWorker: () => Worker): PixelateCompute {
  let worker: Worker | null = null;
  let nextId = 1;
  return (source, options, ctx) =>
    new Promise((resolve, reject) => {
      ctx.signal?.throwIfAborted();
      const w = (worker ??= startWorker());
      const id = nextId++;
      const finish = () => {
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        ctx.signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.id !== id) return;
        if (reply.kind === 'progress') ctx.onProgress?.(reply.progress);
        else {
          finish();
          if (reply.kind === 'done') resolve(reply.result);
          else reject(new TesseraError(reply.error.code, reply.error.userMessage, { message: reply.error.message }));
        }
      };
      const onError = (event: ErrorEvent) => {
        finish();
        worker = null;
        w.terminate();
        reject(new TesseraError('internal', 'The pixelate worker stopped unexpectedly. Try again.', { message: event.message }));
      };
      const onAbort = () => {
        finish();
        worker = null;
        w.terminate();
        reject(new TesseraError('cancelled', 'Cancelled.', { cause: ctx.signal?.reason }));
      };
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      // A copy goes over: the source may be the document's own (immutable) layer buffer.
      const copy = { width: source.width, height: source.height, data: new Uint8ClampedArray(source.data) };
      w.postMessage({ kind: 'pixelate', id, source: copy, options }, [copy.data.buffer]);
    });
}
