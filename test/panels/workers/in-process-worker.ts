import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { servePixelate, type WorkerScope } from '../../../panels/workers/serve-pixelate.js';
import type { WorkerLike } from '../../../panels/workers/worker-compute.js';
import type { WorkerReply } from '../../../panels/workers/worker-protocol.js';

export type InProcessWorker = WorkerLike & { readonly terminated: () => boolean; readonly replies: WorkerReply[] };

const open: MessagePort[] = [];

/**
 * The worker's loop on one end of a MessageChannel, the page's compute on the other: the real
 * protocol with structured cloning and transfers, in one process. Close them after each test
 * (closeInProcessWorkers), or the open ports keep the process alive.
 */
export function inProcessWorker(): InProcessWorker {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  servePixelate(port2 as unknown as WorkerScope);
  const replies: WorkerReply[] = [];
  port1.on('message', (m: WorkerReply) => replies.push(m));
  const page = port1 as unknown as EventTarget;
  let terminated = false;
  const worker = {
    replies,
    terminated: () => terminated,
    postMessage: (message: unknown, transfer?: Transferable[]) => port1.postMessage(message, transfer as never),
    addEventListener: (type: string, listener: EventListenerOrEventListenerObject) => page.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListenerOrEventListenerObject) => page.removeEventListener(type, listener),
    terminate: () => {
      terminated = true;
      port1.close();
      port2.close();
    },
  };
  return worker as unknown as InProcessWorker;
}

export function closeInProcessWorkers(): void {
  for (const port of open.splice(0)) port.close();
}
