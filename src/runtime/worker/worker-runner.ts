import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assert, TesseraError } from '../../core/errors.js';
import type { ModelRunner, ModelSpec, RunOptions } from '../model-runner.js';
import type { CreateRunner } from '../models/model-file-runner.js';
import type { OrtNodeExecutionProvider } from '../onnx/ort-node-module.js';
import type { Tensor } from '../tensor.js';
import { errorFromWire, tensorBuffers, wholeBuffers, type FromModelWorker, type ModelWorkerData, type ToModelWorker } from './worker-messages.js';

export interface WorkerRunnerFactoryOptions {
  /** Execution providers for onnxruntime-node, in order; default GPU first for the platform. */
  readonly preferred?: readonly OrtNodeExecutionProvider[];
  /**
   * The caller hands its model bytes and feeds over and never reads them again (the server with
   * a decoded request): their buffers move to the worker instead of being copied, and are empty
   * here afterwards. Default false: copied, as every ModelRunner leaves its inputs alone.
   */
  readonly transferInputs?: boolean;
}

/**
 * Loads each model in a worker thread of its own, with onnxruntime-node as
 * createNodeRunnerFactory does (GPU providers first, a provider that failed once not tried again,
 * wasm when the addon does not load). onnxruntime-node's `run` is synchronous native work inside
 * a setImmediate, so on the calling thread it stops the event loop for the whole inference (a
 * 1.3 s CPU run held a 5 ms timer back by 1.2 s); in a worker the calling thread keeps serving
 * while models compute, and different models compute at the same time.
 */
export function createWorkerRunnerFactory(options: WorkerRunnerFactoryOptions = {}): CreateRunner {
  const knownFailures = new Map<OrtNodeExecutionProvider, string>();
  const transfer = options.transferInputs ?? false;
  return async (spec, modelBytes) => {
    const data: ModelWorkerData = { spec, modelBytes, preferred: options.preferred ?? null, knownFailures: [...knownFailures] };
    const worker = startModelWorker(data, transfer ? wholeBuffers([modelBytes]) : []);
    let message: FromModelWorker;
    try {
      message = await firstMessage(worker, spec);
    } catch (e) {
      await worker.terminate();
      throw e;
    }
    if (message.kind !== 'loaded') {
      await worker.terminate();
      if (message.kind === 'load-failed') {
        for (const [p, why] of message.knownFailures) knownFailures.set(p, why);
        throw errorFromWire(message.error);
      }
      throw workerError(spec, `it answered "${message.kind}" before loading`);
    }
    for (const [p, why] of message.knownFailures) knownFailures.set(p, why);
    return new WorkerRunner(worker, spec, message, transfer);
  };
}

interface PendingRun {
  resolve(outputs: Record<string, Tensor>): void;
  reject(e: unknown): void;
}

/** A model loaded in a worker thread; runs go to it in call order, and it runs them one at a time. */
class WorkerRunner implements ModelRunner {
  readonly id: string;
  readonly backend: string;
  readonly backendReason: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private readonly pending = new Map<number, PendingRun>();
  private nextId = 1;
  /** Set when the worker stopped on its own: every run after it fails with this. */
  private stopped: Error | null = null;
  private releasing: Promise<void> | null = null;
  private released: () => void = () => {};

  constructor(
    private readonly worker: Worker,
    spec: ModelSpec,
    info: { backend: string; backendReason: string; inputNames: readonly string[]; outputNames: readonly string[] },
    private readonly transfer: boolean,
  ) {
    this.id = spec.id;
    this.backend = info.backend;
    this.backendReason = info.backendReason;
    this.inputNames = info.inputNames;
    this.outputNames = info.outputNames;
    // An idle worker does not keep the process alive; one with runs to finish does.
    worker.unref();
    worker.on('message', (m: FromModelWorker) => this.onMessage(m));
    worker.on('error', (e) => this.stop(workerError(spec, e.message)));
    worker.on('exit', (code) => {
      this.stop(workerError(spec, `its thread ended (exit code ${code})`));
      this.released();
    });
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    assert(this.releasing === null, `model ${this.id} was run after release()`);
    // A run cannot be stopped once the worker has it, so the signal is honoured before and after, as on this thread.
    options.signal?.throwIfAborted();
    if (this.stopped) throw this.stopped;
    const id = this.nextId++;
    const result = new Promise<Record<string, Tensor>>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    if (this.pending.size === 1) this.worker.ref();
    this.send({ kind: 'run', id, feeds }, this.transfer ? tensorBuffers(feeds) : []);
    const outputs = await result;
    options.signal?.throwIfAborted();
    return outputs;
  }

  /** Lets the runs already sent finish, then frees the session and ends the thread. */
  release(): Promise<void> {
    this.releasing ??= (async () => {
      if (this.stopped) return void (await this.worker.terminate());
      const done = new Promise<void>((resolve) => (this.released = resolve));
      this.worker.ref();
      this.send({ kind: 'release' });
      await done;
      await this.worker.terminate();
    })();
    return this.releasing;
  }

  private send(message: ToModelWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private onMessage(m: FromModelWorker): void {
    if (m.kind === 'released') return this.released();
    if (m.kind !== 'result' && m.kind !== 'failed') return;
    const run = this.pending.get(m.id);
    if (!run) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0 && this.releasing === null) this.worker.unref();
    if (m.kind === 'result') run.resolve(m.outputs);
    else run.reject(errorFromWire(m.error));
  }

  private stop(error: TesseraError): void {
    this.stopped ??= error;
    for (const run of this.pending.values()) run.reject(error);
    this.pending.clear();
  }
}

/** The model's first word from its worker: loaded, or why not; a thread that dies first is an error too. */
function firstMessage(worker: Worker, spec: ModelSpec): Promise<FromModelWorker> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: FromModelWorker) => (cleanup(), resolve(m));
    const onError = (e: Error) => (cleanup(), reject(workerError(spec, e.message)));
    const onExit = (code: number) => (cleanup(), reject(workerError(spec, `its thread ended (exit code ${code}) before loading the model`)));
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function workerError(spec: ModelSpec, why: string): TesseraError {
  return new TesseraError('internal', `The worker thread running model "${spec.id}" failed: ${why}. Restart the server; if it happens again, report it.`, {
    details: { model: spec.id },
  });
}

/**
 * The built CLI has the worker's bundle beside it (build/build.ts, target "model-worker"); run
 * from source (tests, tsx) the worker is TypeScript too and loads through tsx's loader, which a
 * worker does not inherit.
 */
function startModelWorker(data: ModelWorkerData, transferList: ArrayBuffer[]): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./model-worker.js', here), { workerData: data, transferList });
  const entry = new URL('./model-worker.ts', here).href;
  // tsx's ESM API (require.resolve finds its CommonJS twin, whose register() looks in the wrong folder).
  const tsx = pathToFileURL(path.join(path.dirname(createRequire(here).resolve('tsx/esm/api')), 'index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: data, transferList });
}
