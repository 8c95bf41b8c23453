/** A task that could not be queued because `maxWaiting` tasks already wait: the server answers 503. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/**
 * One model's requests, run one at a time in arrival order (an ONNX Runtime session runs one call
 * at a time anyway; queueing here keeps the wait visible and bounded). A waiting task whose
 * signal aborts (its client went away) is dropped without running.
 */
export class ModelQueue {
  private readonly waitingTasks: { start: () => void; drop: (reason: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly maxWaiting: number) {}

  get waiting(): number {
    return this.waitingTasks.length;
  }

  get running(): boolean {
    return this.busy;
  }

  run<T>(task: () => Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.busy && this.waitingTasks.length >= this.maxWaiting) {
      return Promise.reject(new QueueFullError(`${this.waitingTasks.length} requests are already waiting for this model`));
    }
    return new Promise<T>((resolve, reject) => {
      const entry = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          this.busy = true;
          // A task's result goes to its own caller; the chain itself cannot fail.
          void Promise.resolve().then(task).then(resolve, reject).finally(() => this.next());
        },
        drop: reject,
      };
      const onAbort = () => {
        const i = this.waitingTasks.indexOf(entry);
        if (i < 0) return;
        this.waitingTasks.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (this.busy) this.waitingTasks.push(entry);
      else entry.start();
    });
  }

  private next(): void {
    this.busy = false;
    this.waitingTasks.shift()?.start();
  }
}
