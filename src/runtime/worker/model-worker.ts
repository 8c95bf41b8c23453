/**
 * The entry of a model's worker thread (worker-runner.ts starts it): loads one model with
 * onnxruntime-node (or the wasm fallback) as createNodeRunnerFactory does, then runs it on
 * request. ONNX Runtime computes synchronously, so this thread is busy for the whole of a run
 * while the thread that started it stays free. Outputs move back without a copy.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ModelRunner } from '../model-runner.js';
import { createNodeRunnerFactory } from '../onnx/node-runner-factory.js';
import { errorToWire, tensorBuffers, type FromModelWorker, type ModelWorkerData, type ToModelWorker } from './worker-messages.js';

const port = parentPort;
if (port === null) throw new Error('model-worker runs only as a worker thread');
const data = workerData as ModelWorkerData;
const post = (message: FromModelWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const knownFailures = new Map(data.knownFailures);
let runner: ModelRunner | null = null;
try {
  runner = await createNodeRunnerFactory({ preferred: data.preferred ?? undefined, knownFailures })(data.spec, data.modelBytes);
} catch (e) {
  post({ kind: 'load-failed', error: errorToWire(e), knownFailures: [...knownFailures] });
  port.close();
}

if (runner !== null) {
  const loaded = runner;
  post({ kind: 'loaded', backend: loaded.backend, backendReason: loaded.backendReason, inputNames: loaded.inputNames, outputNames: loaded.outputNames, knownFailures: [...knownFailures] });
  port.on('message', (message: ToModelWorker) => {
    if (message.kind === 'run') {
      loaded.run(message.feeds).then(
        (outputs) => post({ kind: 'result', id: message.id, outputs }, tensorBuffers(outputs)),
        (e: unknown) => post({ kind: 'failed', id: message.id, error: errorToWire(e) }),
      );
      return;
    }
    // The runner finishes the runs it has before it lets go of the session.
    void loaded.release().finally(() => {
      post({ kind: 'released' });
      port.close();
    });
  });
}
